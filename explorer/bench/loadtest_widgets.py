"""Widgets as the browser's widget manager keeps them: id, fragment, current state; and a person's move.

A move always sends a value nobody sent before where the control allows it (a slider thumb at a
random step, a random number in a number box, another option, a click at a random point), as a
class does: the server cannot answer it from a cache filled by earlier moves.
A Components-v2 widget (``bidi_component``) reports nothing until it fires a trigger; the client moves
the live latent map, whose release sends ``pick`` with a point of its extent, the live descent widget,
whose release sends ``release`` with every control's value, one of them (or the start) moved somewhere new,
and the live softmax widget, whose ``release`` moves the temperature, a logit or the true class.
"""

from __future__ import annotations

import base64
import json
import random
from dataclasses import dataclass
from typing import Any

import numpy as np
from streamlit.proto.WidgetStates_pb2 import WidgetState

_DTYPES = {"f8": "<f8", "f4": "<f4", "i1": "i1", "u1": "u1", "i2": "<i2", "u2": "<u2", "i4": "<i4", "u4": "<u4"}
OPTION_KINDS = ("selectbox", "radio", "select_slider", "button_group")  # values are option labels
TRIGGERS = ("button", "bidi_component")  # what the browser reports once, for the run a press or release starts
KINDS = ("slider", "number_input", "checkbox", "button", "plotly_chart", "bidi_component", *OPTION_KINDS)


@dataclass
class Widget:
    """One control on the page. ``state`` is what the browser would send back (None = nothing yet)."""

    id: str
    kind: str
    fragment_id: str
    state: WidgetState | None
    element: Any  # the element proto (slider, plotly_chart, ...), or the block of stateful tabs or an expander
    actionable: bool = False
    labels: list[str] | None = None  # stateful tabs: their labels, in order
    path: tuple = ()  # its delta path: a fragment's rerun replaces what lies in the fragment's container

    def act(self, rng: random.Random) -> None:
        """Change the value as a person would, to a value the control did not hold before."""
        p = self.element
        if self.kind == "slider":
            self.state.double_array_value.data[:] = _slider_values(p, list(self.state.double_array_value.data), rng)
        elif self.kind == "number_input":
            self.state.double_value = _number(p, self.state.double_value, rng)
        elif self.kind == "checkbox":
            self.state.bool_value = not self.state.bool_value
        elif self.kind == "button":
            self.state = WidgetState(id=self.id, trigger_value=True)  # sent once, then forgotten
        elif self.kind == "plotly_chart":
            self.state = self.state or WidgetState(id=self.id)
            self.state.string_value = json.dumps(click_selection(p.spec, rng))
        elif self.kind == "expander":
            self.state.bool_value = not self.state.bool_value
        elif self.kind == "tabs":
            self.state.string_value = rng.choice([t for t in self.labels if t != self.state.string_value])
        elif self.kind in OPTION_KINDS:
            self.state = self.state or WidgetState(id=self.id)
            _pick_options(self, rng)
        elif self.kind == "bidi_component" and _is_live_map(p):
            lo1, hi1, lo2, hi2 = json.loads(p.json)["extent"]
            self.state = trigger_state(self.id, "pick", [round(rng.uniform(lo1, hi1), 2), round(rng.uniform(lo2, hi2), 2)])
        elif self.kind == "bidi_component" and _is_live_softmax(p):
            self.state = trigger_state(self.id, "release", softmax_release(json.loads(p.json), rng))
        elif self.kind == "bidi_component":
            self.state = trigger_state(self.id, "release", descent_release(json.loads(p.json), rng))

    def sent(self) -> None:
        """After the rerun that carried it: a trigger (a button's, a widget's) is not sent again."""
        if self.kind in TRIGGERS:
            self.state = None


def _slider_values(s, old: list[float], rng: random.Random) -> list[float]:
    steps = round((s.max - s.min) / s.step) if s.step else 100
    step = s.step or (s.max - s.min) / 100
    new = [s.min + rng.randint(0, steps) * step for _ in old]
    if new == old and steps:  # a person moves the thumb somewhere else
        new = [s.min + ((round((v - s.min) / step) + 1) % (steps + 1)) * step for v in old]
    return new


def _number(p, old: float, rng: random.Random) -> float:
    """A random number within the box's range (or within 100 steps of the old one), whole for int boxes."""
    step = p.step or 1.0
    lo = p.min if p.has_min else old - 100 * step
    hi = p.max if p.has_max else old + 100 * step
    value = rng.uniform(lo, hi)
    if p.data_type == p.INT:
        value = float(round(value))
    return value if value != old else min(hi, old + step)


def _pick_options(w: Widget, rng: random.Random) -> None:
    """Another option (or, for a multi-select group, another non-empty set of options)."""
    p, options = w.element, [o.content if hasattr(o, "content") else o for o in w.element.options]
    if w.kind == "selectbox" or w.kind == "radio":
        others = [o for o in options if o != w.state.string_value] or options
        w.state.string_value = rng.choice(others)
        return
    old = list(w.state.string_array_value.data)
    multi = w.kind == "button_group" and p.click_mode == p.MULTI_SELECT
    for _ in range(10):
        new = rng.sample(options, rng.randint(1, len(options))) if multi else [rng.choice(options)]
        if sorted(new) != sorted(old):
            break
    w.state.string_array_value.data[:] = new


def widget_from_element(el, fragment_id: str, known: Widget | None) -> Widget | None:
    """The Widget an element describes, keeping the value the browser already holds for it."""
    kind = el.WhichOneof("type")
    proto = getattr(el, kind) if kind else None
    wid = getattr(proto, "id", "") if proto is not None else ""
    if not wid:
        return None
    if kind == "slider" and proto.type == proto.SELECT_SLIDER:  # a select_slider travels as a Slider of indices
        kind = "select_slider"
    state = _initial_state(kind, proto)
    # the browser keeps what the person set unless the server overrides it; a trigger fires once, so a button
    # (or widget) drawn again by the run its press started holds no trigger for the next run
    if known is not None and known.state is not None and not getattr(proto, "set_value", False) \
            and kind not in TRIGGERS:
        state = known.state
    actionable = kind in KINDS and not getattr(proto, "disabled", False)
    if kind == "plotly_chart":  # only a chart that takes clicks and has points to click
        actionable = len(proto.selection_mode) > 0 and _has_points(proto.spec)
    elif kind == "bidi_component":
        actionable = _is_live_map(proto) or _is_live_descent(proto) or _is_live_softmax(proto)
    return Widget(wid, kind, fragment_id, state, proto, actionable)


def widget_from_block(block, fragment_id: str, known: Widget | None) -> Widget | None:
    """Stateful tabs or a stateful expander (``key=`` with ``on_change``), as the browser reports them back."""
    kind = block.WhichOneof("type")
    if kind == "expandable" and block.expandable.id:
        state = WidgetState(id=block.expandable.id, bool_value=block.expandable.expanded)
        return Widget(block.expandable.id, "expander", fragment_id, state, block, actionable=True)
    if kind == "tab_container" and block.tab_container.id:
        # the labels arrive with the tabs' own blocks (add_tab); the state follows the server's current tab
        return Widget(block.tab_container.id, "tabs", fragment_id, WidgetState(id=block.tab_container.id), block,
                      labels=[])
    return None


def add_tab(tabs: Widget, label: str) -> None:
    """One tab of stateful tabs arrived: the one the server shows open is the state the browser sends."""
    if len(tabs.labels) == tabs.element.tab_container.default_tab_index:
        tabs.state.string_value = label
    tabs.labels.append(label)
    tabs.actionable = len(tabs.labels) > 1


def trigger_state(component_id: str, event: str, value: Any) -> WidgetState:
    """What the browser sends when a Components-v2 widget calls ``setTriggerValue(event, value)``:
    the component's trigger aggregator widget with a JSON list of ``{"event", "value"}``."""
    from streamlit.components.v2.bidi_component.main import _make_trigger_id

    return WidgetState(id=_make_trigger_id(component_id, "events"),
                       json_trigger_value=json.dumps([{"event": event, "value": value}]))


def descent_release(data: dict, rng: random.Random) -> dict:
    """What the live descent widget sends when a person lets go: every control's value, one of them moved
    to a random place on its slider (or, on the map, the start dragged to a random point)."""
    values = {name: spec["value"] for name, spec in data["controls"].items()}
    movable = [*values, *(["start"] if data["mode"] == "surface" else [])]
    name = rng.choice(movable)
    if name == "start":
        values["start"] = [round(rng.uniform(lo, hi), 3) for lo, hi in data["domain"]]
    elif "choices" in data["controls"][name]:
        spec = data["controls"][name]
        values[name] = rng.choice([c for c in spec["choices"] if c != spec["value"]] or spec["choices"])
    else:
        lo, hi, step = data["controls"][name]["range"]
        values[name] = lo + rng.randint(0, round((hi - lo) / step)) * step
    if data["mode"] == "surface":
        values.setdefault("start", data["start"])
    return values


def softmax_release(data: dict, rng: random.Random) -> dict:
    """What the live softmax widget sends when a person lets go: every value, one of them — the temperature, a
    logit or the true class — moved to another place on its slider (or another class)."""
    values = {name: spec["value"] for name, spec in data["controls"].items()} | {"true": data["true"]["value"]}
    name = rng.choice(list(values))
    if name == "true":
        values["true"] = rng.choice([k for k in data["true"]["choices"] if k != values["true"]])
        return values
    lo, hi, step = data["controls"][name]["range"]
    stops = round((hi - lo) / step)
    at = rng.choice([i for i in range(stops + 1) if i != round((values[name] - lo) / step)])  # somewhere else
    values[name] = round(lo + at * step, 10)
    return values


def _is_live_map(proto) -> bool:
    return "extent" in _data(proto)


def _is_live_descent(proto) -> bool:
    return "controls" in _data(proto) and "mode" in _data(proto)


def _is_live_softmax(proto) -> bool:
    data = _data(proto)
    return "controls" in data and isinstance(data.get("true"), dict) and "mode" not in data  # not the fit widget's "true" line


def _data(proto) -> dict:
    try:
        return json.loads(proto.json or "{}")
    except ValueError:
        return {}


def _initial_state(kind: str, p) -> WidgetState | None:
    """The value a freshly mounted widget reports (its default, or the server-set value)."""
    ws = WidgetState(id=p.id)
    if kind == "slider":
        ws.double_array_value.data.extend(p.value if p.set_value else p.default)
    elif kind == "checkbox":
        ws.bool_value = p.value if p.set_value else p.default
    elif kind in ("selectbox", "radio"):
        if p.set_value and p.HasField("raw_value"):
            ws.string_value = p.raw_value
        elif p.set_value:  # the server cleared it (a preset box back to "pick one"): the browser sends nothing
            return None
        elif p.HasField("default") and 0 <= p.default < len(p.options):
            ws.string_value = p.options[p.default]
        else:
            return None
    elif kind == "number_input":
        ws.double_value = p.value if p.set_value else p.default
    elif kind in ("text_input", "text_area"):  # never typed into here, but sent back as the browser does
        ws.string_value = p.value if p.set_value else p.default
    elif kind == "select_slider":
        idx = p.value if p.set_value else p.default
        ws.string_array_value.data.extend(p.options[int(i)] for i in idx)
    elif kind == "button_group":
        chosen = list(p.raw_values) if p.set_value else [p.options[i].content for i in p.default]
        ws.string_array_value.data.extend(chosen)
    else:
        return None  # charts, buttons, components: nothing until the person acts on them
    return ws


def _array(v) -> np.ndarray:
    """A Plotly JSON array: a plain list or a base64 typed array ({"dtype": "f8", "bdata": ...})."""
    if isinstance(v, dict) and "bdata" in v:
        return np.frombuffer(base64.b64decode(v["bdata"]), dtype=_DTYPES.get(v.get("dtype"), "<f8")).ravel()
    return np.asarray(v if isinstance(v, list) else [], dtype=float).ravel()


def _traces(spec: str) -> list[tuple[int, dict]]:
    data = json.loads(spec).get("data", []) if spec else []
    return [(i, t) for i, t in enumerate(data) if isinstance(t, dict) and "x" in t and "y" in t]


def _has_points(spec: str) -> bool:
    return any(_array(t["x"]).size for _, t in _traces(spec))


def click_selection(spec: str, rng: random.Random) -> dict:
    """The selection the browser sends after a click: one point of the click grid, else of the biggest trace.

    A click on empty map space lands on the invisible grid (marker opacity 0), so that is
    preferred: it is the "click anywhere" of the latent page.
    """
    traces = [(i, t) for i, t in _traces(spec) if _array(t["x"]).size]
    hidden = [(i, t) for i, t in traces if (t.get("marker") or {}).get("opacity") == 0]
    curve, trace = rng.choice(hidden) if hidden else max(traces, key=lambda it: _array(it[1]["x"]).size)
    xs, ys = _array(trace["x"]), _array(trace["y"])
    k = rng.randrange(min(xs.size, ys.size))
    point = {"curve_number": curve, "point_number": k, "point_index": k, "x": float(xs[k]), "y": float(ys[k])}
    return {"selection": {"points": [point], "point_indices": [k], "box": [], "lasso": []}}
