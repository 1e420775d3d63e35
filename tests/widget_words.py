"""What the live descent widget writes about its runs, worked out in Python from the data a page sent it.

The widget writes its sentences in the browser (explorer/ui/widgets/live_descent_said.js) from the runs it draws.
That JS says what explorer.outcomes and explorer.figures.words say of torch.optim's runs, character for character
(tests/e2e/test_descent_engine_e2e.py), and a live page's text is this module's :attr:`Written.text`
(tests/e2e/test_descent_e2e.py). So an AppTest reads what a descent page says from what it sent its widget.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from streamlit.testing.v1 import AppTest

from explorer.descent import LABELS, descend
from explorer.expression_json import tree
from explorer.expressions import parse
from explorer.figures import words
from explorer.fitline import celsius_data, train
from explorer.outcomes import classify, first_jump, fit_outcome, lesson_holds, plural, standings, stopped_sentence
from explorer.ui.widgets.live_descent import hyper


@dataclass
class Written:
    """The widget's text: warnings above the picture, then its lines, "In words", standings and lesson below it."""

    warnings: list[str] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    said: str = ""
    standings: str = ""
    note: str = ""  # the preset's lesson, while its facts hold of the runs drawn
    elsewhere: str = ""  # what stands instead when they do not

    @property
    def text(self) -> str:
        """The text under the picture as the browser shows it (its readout's textContent, "the numbers for one step"
        of the curve page left out)."""
        lesson = f"The lesson: {self.note}" if self.note else self.elsewhere
        return "".join([*self.lines, f"In words: {self.said}" if self.said else "", self.standings, lesson])


def descent_widget(at: AppTest) -> dict | None:
    """The data ``at``'s page sent its live descent widget, or None when it has none."""
    for element in at.get("bidi_component"):
        if element.proto.json.startswith("{") and '"mode"' in element.proto.json:
            data = json.loads(element.proto.json)
            if data.get("mode") in ("curve", "surface", "fit"):
                return data
    return None


def written(at: AppTest, formula: str | None = None) -> Written:
    """What the widget of ``at``'s page writes; ``formula``: the function drawn (else the page's last good one)."""
    data = descent_widget(at)
    values = {name: spec["value"] for name, spec in data["controls"].items()}
    if data["mode"] == "fit":
        return _fit(data, values)
    prefix = data["target"].split(".")[0]
    f = parse(formula or at.session_state[f"_{prefix}.good"])
    assert tree(f) == data["tree"], "the formula given is not the one the page sent"
    surface = data["mode"] == "surface"
    start = tuple(data["start"]) if surface else (values["x0"],)
    runs, out = {}, Written()
    for racer in data["optimizers"]:
        name, label = racer["name"], racer["label"]
        try:
            runs[name] = descend(f, start, name, values["lr"], values["steps"], **hyper(name, values))
        except ValueError as err:
            out.warnings.append(f"{label} can't run: {err}" if len(data["optimizers"]) > 1 else f"Can't run this: {err}")
    minima = [tuple(m) for m in data["minima"]] if surface else [(m,) for m in data["minima"]]
    span = data["span"]
    outcomes = {name: classify(t, span, f, tuple(minima)) for name, t in runs.items()}
    for name, t in runs.items():
        if t.diverged:
            out.warnings.append(f"{LABELS[name]}: {t.reason}." if surface else _stop_warning(t.reason))
    for name, t in runs.items():
        if not t.diverged and first_jump(t, span):
            out.warnings.append(f"{LABELS[name]}: {first_jump(t, span)}" if surface else first_jump(t, span))
    if not runs:
        return out
    if surface:
        out.lines = [f"{LABELS[n]} stopped. {stopped_sentence(t)}" if t.diverged else
                     f"{LABELS[n]} ({plural(t.steps_run, 'step')}) {outcomes[n].text}." for n, t in runs.items()]
        out.said, out.standings = words.race(runs)[1], standings(runs, LABELS)
    else:
        t = next(iter(runs.values()))
        out.lines = [f"The run stopped. {stopped_sentence(t)}" if t.diverged else
                     f"After {plural(t.steps_run, 'step')} the walk {next(iter(outcomes.values())).text}."]
        out.said = words.walk(t)[1]
    lesson = data["lesson"]
    if lesson is not None:
        if lesson_holds(tuple(tuple(fact) for fact in lesson["facts"]), outcomes):
            out.note = lesson["note"]
        else:
            out.elsewhere = lesson["elsewhere"]
    return out


def _stop_warning(reason: str) -> str:  # live_descent_text.js's warning() for a single walk
    return f"{reason[:1].upper()}{reason[1:]}." + (" Try a smaller learning rate." if reason.startswith("learning rate") else "")


def _fit(data: dict, values: dict) -> Written:
    return fit_written(values, data["optimizers"][0]["name"], data["scale"], data["best_loss"])


def fit_written(values: dict, optimizer: str, scale: bool, best_loss: float) -> Written:
    """What Fit a line's widget writes for these control values: words.fit and fit_outcome of torch.optim's run."""
    c, f = celsius_data()
    try:
        fit = train(c, f, optimizer, values["lr"], values["steps"], scale=scale, **hyper(optimizer, values))
    except ValueError as err:  # e.g. Nesterov without momentum
        return Written(warnings=[f"Can't run this: {err}"])
    return Written(said=words.fit(fit.w, fit.b, fit.losses), standings=fit_outcome(fit.losses, best_loss, fit.diverged)[1])
