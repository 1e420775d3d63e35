"""The shared "preset or typed function" control of the descent pages.

A preset selectbox and a formula box under it. Picking a preset writes its formula into the box;
typing in the box switches the preset to "your own". A formula that does not parse shows the
parser's message under the box as plain text (no Markdown eats its * or ^), and the page keeps
drawing the last good function and says which; the copied link then carries that one. A formula
the parser reads differently from how it looks (-x^2 is -(x^2)) is spelled out under the box.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from explorer.expression_text import spell
from explorer.expressions import Expression, ExpressionError, parse
from explorer.surfaces import Surface
from explorer.ui import url_state
from explorer.ui.descent.optimizer_box import own_settings
from explorer.ui.theme import plain
from explorer.ui.url_state import Param

CUSTOM = "custom"  # the preset key of a typed function


@dataclass(frozen=True)
class Chosen:
    """The function the page draws: its parsed form, the preset it came from (None if typed), its domain."""

    f: Expression
    preset: Surface | None
    domain: tuple[tuple[float, float], ...]


def params(prefix: str, presets: dict[str, Surface], default: str) -> list[Param]:
    """The two URL parameters of the box: ``<prefix>.fn`` (preset key or "custom") and ``<prefix>.expr``."""
    return [Param(f"{prefix}.fn", str, default, choices=(*presets, CUSTOM)),
            Param(f"{prefix}.expr", str, presets[default].formula)]


def preset_settings(prefix: str, preset: Surface) -> dict:
    """A preset's own run — start, learning rate, steps, optimizer(s) and their settings: what its note is about."""
    if preset.dim == 1:
        own = {f"{prefix}.x0": preset.start[0], f"{prefix}.opt": preset.racers[0]}
    else:
        own = {f"{prefix}.start": preset.start, f"{prefix}.opts": list(preset.racers)}
    return own | {f"{prefix}.lr": preset.lr, f"{prefix}.steps": preset.steps} | own_settings(prefix, preset.hyper)


def use_preset(prefix: str, preset: Surface) -> None:
    """Move the page's run to the preset's own (a callback: before widgets exist)."""
    st.session_state.update(preset_settings(prefix, preset))


def link_defaults(prefix: str, presets: dict[str, Surface]) -> None:
    """A link that names a preset but not the rest of its run opens with the preset's own.

    Call before ``url_state.restore``; acts once per session, like reading the URL.
    """
    seen = f"_{prefix}.link_read"
    if seen in st.session_state:
        return
    st.session_state[seen] = True
    preset = presets.get(st.query_params.get(f"{prefix}.fn"))
    if preset is not None:
        st.session_state.update({k: v for k, v in preset_settings(prefix, preset).items() if k not in st.query_params})


def function_box(prefix: str, presets: dict[str, Surface], default_domain, places=None) -> Chosen:
    """Draw the selectbox and formula box; return the function to use (never raises on bad text).

    Picking a preset also moves the start and learning rate to the preset's own. ``places``: two containers
    (e.g. columns of one row) for the selectbox and for the formula box and its messages; else one under the other.
    """
    pick_place, formula_place = places or (st.container(), st.container())
    fn_key, expr_key, good_key = f"{prefix}.fn", f"{prefix}.expr", f"_{prefix}.good"
    variables = ("x",) if len(default_domain) == 1 else ("x", "y")

    def preset_picked():
        preset = presets.get(st.session_state[fn_key])
        if preset is not None:
            st.session_state[expr_key] = preset.formula
            use_preset(prefix, preset)

    def formula_typed():
        preset = presets.get(st.session_state[fn_key])
        if preset is None or preset.formula != st.session_state[expr_key]:
            st.session_state[fn_key] = CUSTOM

    pick_place.selectbox("Function", (*presets, CUSTOM), key=fn_key, on_change=preset_picked,
                         format_func=lambda k: presets[k].label if k in presets else "✎ type your own")
    preset = presets.get(st.session_state[fn_key])
    if preset is not None:
        st.session_state[expr_key] = preset.formula  # a preset from the URL wins over a stale formula
    text = formula_place.text_input("f(" + ", ".join(variables) + ") =", key=expr_key, on_change=formula_typed,
                         help="Type a formula: numbers, " + " and ".join(variables)
                              + ", + − * / ^, ( ), pi, e, sin cos tan exp log sqrt abs tanh sigmoid relu softplus.")
    fx = "f(" + ", ".join(variables) + ")"
    try:
        f = parse(text)
        if len(f.variables) > len(variables):
            raise ExpressionError("this page draws curves of x only — use x (the surfaces page takes x and y)")
        st.session_state[good_key] = text
        url_state.link_as(fn_key, None)
        url_state.link_as(expr_key, None)
        if not _same(spell(f.nodes), text):
            formula_place.caption(plain(f"Read as {fx} = {spell(f.nodes)}"))
    except ExpressionError as err:
        good = st.session_state.get(good_key) or next(iter(presets.values())).formula
        why = str(err) if str(err).endswith((".", "?", "!")) else f"{err}."
        f = parse(good)
        typed = "" if _same(spell(f.nodes), good) else f" (typed as {good})"
        formula_place.error(plain(f"Can't read this formula: {why} The page still draws the last good one: "
                       f"{fx} = {spell(f.nodes)}{typed}."), icon=":material/error:")
        preset = next((p for p in presets.values() if p.formula == good), None)
        url_state.link_as(fn_key, preset.key if preset is not None else CUSTOM)  # the link opens what is drawn
        url_state.link_as(expr_key, good)
    domain = preset.domain if preset is not None else tuple(default_domain)
    return Chosen(f, preset, domain)


def _same(a: str, b: str) -> bool:
    """Equal but for blanks."""
    return "".join(a.split()) == "".join(b.split())
