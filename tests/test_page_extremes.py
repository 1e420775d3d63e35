"""Every page's controls at their extremes: no exception, and no sentence on the page that is off.

Each keyed control a page draws (and each one that appears once another is set, like the momentum
slider) is set to its lowest and highest value, every choice of a short list, empty and overlong text,
both sides of a switch, and every button is pressed. After each run the page's text is read as a
student reads it and checked: counts agree with their nouns ("1 step"), a divergence warning and the
step readouts name consistent steps, no "nan"/"inf"/"None" or "to the nowhere", no traceback (the descent
widget's own text read from what the page sent it: tests/widget_words.py), and
every colour a caption names is drawn in one of the page's figures (or, for the restore page's
pictures, in the image the caption describes).
"""

import json
import re

import numpy as np
import pytest
from apps import app_test, page_text, pictures
from widget_words import descent_widget, written

from explorer.descent import OPTIMIZERS
from explorer.surfaces import CURVES, SURFACES
from explorer.ui.state_tables import TABLES

PAGES = ["pages/descent_1d.py", "pages/descent_2d.py", "pages/fit_line.py", "pages/gradient_tape.py",
         "pages/softmax.py", "pages/latent.py", "pages/restore.py", "pages/tensors.py"]
STATES = {"pages/restore.py": [{}, {"restore.mode": "Inpaint"}]}  # the closed tab runs nothing: open each
RAW = {  # the raw values behind choosers whose labels are formatted
    "gd1.fn": (*CURVES, "custom"), "gd2.fn": (*SURFACES, "custom"), "gd1.opt": tuple(OPTIMIZERS),
    "fit.opt": tuple(OPTIMIZERS), "gd2.opts": tuple(OPTIMIZERS),
    **{p.key: p.choices for p in (*TABLES["latent"], *TABLES["restore"], *TABLES["tensors"]) if p.choices},
}
LONG = "+".join(["sin(x)"] * 28)  # just under the parser's length limit
NOUNS = ("steps", "points", "digits", "minima", "racers", "optimizers", "times", "classes", "latents", "epochs",
         "nodes", "samples", "entries", "pixels", "levels", "parts", "numbers", "seconds", "rows", "columns")
COLOURS = {  # a colour word -> the drawn colours it can honestly name (the Okabe–Ito palette and its names)
    "blue": {"#0072B2", "#56B4E9"}, "sky-blue": {"#56B4E9"}, "orange": {"#E69F00"}, "red-orange": {"#D55E00"},
    "green": {"#009E73"}, "pink": {"#CC79A7"}, "yellow": {"#F0E442", "#FCFFA4"}, "black": {"#000000", "#000004"},  # + Inferno's ends
    "white": {"#FFFFFF"},
    "grey": {"#999999"}, "gray": {"#999999"}, "wine": {"#B03A7A"}, "brown": {"#996633"},
    "red": set(), "purple": set(), "violet": set(), "cyan": set(),  # no figure draws these
}
COLOUR_WORD = re.compile(r"(?<![\w-])(" + "|".join(sorted(COLOURS, key=len, reverse=True)) + r")(?![\w-])")


def problems(at) -> list[str]:
    """Sentences on the page that are grammatically or factually off."""
    found = [f"exception: {e.value}" for e in at.exception]
    texts = page_text(at)
    if not at.exception and descent_widget(at) is not None:  # the live descent widget writes its own text
        said = written(at)
        texts += [("widget", t) for t in [*said.warnings, said.text] if t]
    everything = "\n".join(t for _, t in texts)
    for kind, t in texts:
        for m in re.finditer(rf"(?<![\d.,−-])\b1 ({'|'.join(NOUNS)})\b", t):
            found.append(f"{kind}: '{m.group()}' in {t[:120]!r}")
        for m in re.finditer(r"\b(nan|NaN|inf|None)\b|to the nowhere|Traceback", t):
            found.append(f"{kind}: '{m.group()}' in {t[:120]!r}")
    for m in re.finditer(r"diverged at step (\d+)[^.\n]*?the (\d+) steps? before it", everything):
        if int(m.group(2)) != int(m.group(1)) - 1:
            found.append(f"kept steps disagree: {m.group()}")
    for m in re.finditer(r"\((\d+) steps?\) diverged at step (\d+)|[Aa]fter \**(\d+) steps?\**\s*\(step (\d+) diverged",
                         everything):
        kept, step = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        if int(kept) != int(step) - 1:
            found.append(f"readout disagrees with the divergence: {m.group()}")
    drawn = " ".join([json.dumps(json.loads(c.proto.spec)) for c in at.get("plotly_chart")]  # charts and widgets
                     + [c.proto.json for c in at.get("bidi_component")]).upper()
    for kind, t in texts:
        if kind not in ("html", "caption"):
            continue
        for word in COLOUR_WORD.findall(t.lower()):
            if not any(h in drawn for h in COLOURS[word]) and not image_has(at, word):
                found.append(f"caption names {word!r}, which no figure draws: {t[:120]!r}")
    return found


def image_has(at, word: str) -> bool:
    """The restore page's pictures (images, not charts) are painted by hole_overlay and error_map: check their colours."""
    from explorer.figures.restore import error_map, hole_overlay

    captions = " ".join(pictures(at))
    painted = set()
    if "with the hole" in captions:
        painted |= _hexes(hole_overlay(np.zeros((28, 28)), np.pad(np.zeros((4, 4)), 12, constant_values=1)))
    if "error map" in captions:
        painted |= _hexes(error_map(np.linspace(0, 1, 28 * 28).reshape(28, 28)))
    return bool(painted & COLOURS[word])


def _hexes(rgb: np.ndarray) -> set[str]:
    return {"#{:02X}{:02X}{:02X}".format(*px) for px in rgb.reshape(-1, 3)}


def extremes(kind: str, w) -> list:
    """The values to feed a control: its ends, every choice of a short list, empty and long text, on and off."""
    key = w.key
    if kind in ("slider", "number_input"):
        lo, hi = (w.proto.min, w.proto.max) if kind == "slider" else (w.min, w.max)
        cast = int if isinstance(w.value, int) else float
        return [cast(lo), cast(hi)] if lo is not None else []
    if kind == "select_slider":
        return [float(w.options[0]), float(w.options[-1])]
    if kind == "selectbox" and key in RAW:
        return list(RAW[key])
    if kind == "selectbox":  # labels are the values themselves
        n = len(w.options)
        return [("index", i) for i in (range(n) if n <= 8 else (0, n - 1))]
    if kind in ("radio", "button_group"):
        raw = RAW.get(key, ())
        if kind == "button_group" and not w._is_single_select:
            return [[], list(raw)]
        return list(raw)
    if kind == "text_input":
        return ["", LONG, "x^"]
    if kind in ("toggle", "checkbox"):
        return [not w.value]
    return []


KINDS = ("slider", "select_slider", "number_input", "selectbox", "radio", "button_group", "text_input", "toggle",
         "checkbox")


def keyed(at) -> dict:
    return {w.key: (kind, w) for kind in KINDS for w in at.get(kind) if w.key}


def feed(at, kind: str, key: str, value) -> None:
    w = keyed(at)[key][1]
    if isinstance(value, tuple) and value and value[0] == "index":
        w.select_index(value[1])
    elif kind == "text_input":
        w.input(value)
    else:
        w.set_value(value)
    at.run()


def start(page: str, state: dict):
    """The page with ``state``, and every folded box open (the link box, model cards): their controls count too."""
    at = app_test(page)
    prefix = {"descent_1d": "gd1", "descent_2d": "gd2", "fit_line": "fit", "gradient_tape": "tape"}
    stem = page.split("/")[-1][:-3]
    at.session_state[f"_share.{prefix.get(stem, stem)}.open"] = True
    for k, v in state.items():
        at.session_state[k] = v
    return at.run()


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.split("/")[1][:-3])
def test_every_control_at_its_extremes_leaves_only_true_sentences(page):
    bad, fed = [], set()
    for state in STATES.get(page, [{}]):
        at = start(page, state)
        assert not problems(at), problems(at)
        todo = [(None, key) for key in keyed(at)]
        while todo:
            setup, key = todo.pop(0)
            if key in fed:
                continue
            fed.add(key)
            at = start(page, state)
            if setup:
                feed(at, *setup)
            if key not in keyed(at):
                continue
            kind, w = keyed(at)[key]
            before = set(keyed(at))
            for value in extremes(kind, w):
                at = start(page, state)
                if setup:
                    feed(at, *setup)
                feed(at, kind, key, value)
                bad += [f"{key}={value!r}: {p}" for p in problems(at)]
                for new in set(keyed(at)) - before - fed:  # a control this value brought out
                    todo.append(((kind, key, value), new))
        for button in range(len(at.get("button"))):
            at = start(page, state)
            if button < len(at.button):
                label = at.button[button].label
                at.button[button].click().run()
                bad += [f"button {label!r}: {p}" for p in problems(at)]
    widget_bad, moved = widget_extremes(page)
    bad += widget_bad
    assert len(fed) + moved >= 3, fed
    assert not bad, "\n".join(bad[:30])


OPTIMIZER_KEYS = {"pages/descent_1d.py": "gd1.opt", "pages/descent_2d.py": "gd2.opts", "pages/fit_line.py": "fit.opt"}


def widget_extremes(page: str) -> tuple[list[str], int]:
    """A live widget's controls at their ends (the live descent widget's under every optimizer, every class of the
    live softmax widget's true class): what its release would write. The problems, and how many controls."""
    if page == "pages/softmax.py":
        return softmax_extremes(page)
    if page not in OPTIMIZER_KEYS:
        return [], 0
    key, bad, names = OPTIMIZER_KEYS[page], [], set()
    choices = [list(OPTIMIZERS)] if key.endswith("opts") else list(OPTIMIZERS)
    for optimizer in choices:
        state = {key: optimizer}
        data = json.loads(start(page, state).get("bidi_component")[0].proto.json)
        prefix = data["target"].rsplit(".", 1)[0]
        for name, spec in data["controls"].items():
            names.add(name)
            ends = (spec["choices"][0], spec["choices"][-1]) if "choices" in spec else spec["range"][:2]
            for value in ends:
                at = start(page, state | {f"{prefix}.{name}": value})
                bad += [f"{optimizer} {name}={value!r}: {p}" for p in problems(at)]
    return bad, len(names)


def softmax_extremes(page: str) -> tuple[list[str], int]:
    """The live softmax widget: the temperature and each logit at both ends, every true class."""
    data, bad = json.loads(start(page, {}).get("bidi_component")[0].proto.json), []
    moves = [(name, v) for name, spec in data["controls"].items() for v in spec["range"][:2]]
    for name, value in [*moves, *(("true", k) for k in data["true"]["choices"])]:
        at = start(page, {f"softmax.{name}": value})
        bad += [f"{name}={value!r}: {p}" for p in problems(at)]
    return bad, len(data["controls"]) + 1
