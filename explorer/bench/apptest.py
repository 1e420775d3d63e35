"""AppTest rerun timings: the median rerun of each page after a control change, and of the floor page."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

from explorer import ROOT

# the control a person moves most on each page; other pages use their first slider (or other control)
PREFERRED = {"pages/restore.py": "restore.noise"}
KINDS = ("slider", "select_slider", "number_input", "selectbox", "radio", "toggle", "checkbox")


def _widgets(at, kind: str) -> list:
    return [w for w in getattr(at, kind) if getattr(w, "key", None) != "classroom"]


def control_changer(at, prefer: str | None = None) -> tuple[str, Callable[[int], None]] | None:
    """(description, change(i)) for one control of the page: the i-th change sets a value that
    differs from the (i-1)-th, as a person moving the control back and forth."""
    for kind in KINDS:
        found = _widgets(at, kind)
        chosen = [w for w in found if prefer and w.key == prefer] or found
        if not chosen:
            continue
        key = chosen[0].key
        label = f"{kind} {key or chosen[0].label!r}"

        def change(i: int, kind=kind, key=key, first=chosen[0]) -> None:
            w = at.get(kind)[[getattr(x, "key", None) for x in at.get(kind)].index(key)] if key else first
            _move(kind, w, i)
        return label, change
    return None


def _move(kind: str, w, i: int) -> None:
    if kind in ("slider", "select_slider"):
        options = getattr(w, "options", None)
        if options:  # select_slider: step through its options
            w.set_value(options[(i % (len(options) - 1)) + 1] if len(options) > 1 else options[0])
            return
        lo, hi, step = float(w.min), float(w.max), float(w.step or (w.max - w.min) / 100)
        frac = (0.3, 0.7)[i % 2]
        value = lo + round(frac * (hi - lo) / step) * step
        value = type(w.value if not isinstance(w.value, (tuple, list)) else w.value[0])(value)
        w.set_value((lo, value) if isinstance(w.value, (tuple, list)) else value)
    elif kind in ("selectbox", "radio"):
        w.set_value(w.options[(i % (len(w.options) - 1)) + 1] if len(w.options) > 1 else w.options[0])
    elif kind == "number_input":
        (w.increment if i % 2 == 0 else w.decrement)()
    else:
        w.set_value(i % 2 == 0)


def _fail(at) -> str | None:
    if len(at.exception):
        return f"page raised: {at.exception[0].value}"[:160]
    return None


def rerun_median_ms(path: str, repeats: int = 9, warmup: int = 2, prefer: str | None = None,
                    act: Callable | None = None) -> tuple[float, float, str]:
    """Median wall and CPU time (ms) of ``at.run()`` after one control change, over ``repeats`` changes.

    CPU time (this process, all threads) is the steadier figure on a shared machine: it does not
    count waiting for a core.
    ``act(at, i)`` replaces the default control change; it may return the widget states to run
    with (e.g. :func:`with_trigger`: a pick on the live map). A page without controls is timed by
    plain reruns. Raises RuntimeError when the page raises.
    """
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / path), default_timeout=600).run()
    if _fail(at):
        raise RuntimeError(_fail(at))
    if act is None:
        found = control_changer(at, prefer or PREFERRED.get(path))
        # a page of links (home) has nothing to move: its cost is a plain rerun
        label, change = found or ("plain rerun (no control on this page)", lambda _i: None)

        def act(_at, i: int) -> None:  # one signature for both kinds of action
            change(i)
    else:
        label = act.__doc__ or "custom action"
    wall, cpu = [], []
    for i in range(warmup + repeats):
        states = act(at, i)
        t0, c0 = time.perf_counter(), time.process_time()
        if states is None:
            at.run()
        else:
            at._run(states)
        if i >= warmup:
            wall.append((time.perf_counter() - t0) * 1000.0)
            cpu.append((time.process_time() - c0) * 1000.0)
        if _fail(at):
            raise RuntimeError(_fail(at))
    return statistics.median(wall), statistics.median(cpu), label


def with_trigger(at, key: str, event: str, value):
    """The widget states of ``at``'s next run plus one trigger of the Components-v2 widget ``key``,
    as the browser sends them after ``setTriggerValue(event, value)``; run them with ``at._run(states)``
    (AppTest has no driver for such widgets)."""
    from explorer.bench.loadtest_widgets import trigger_state

    found = [e for e in at.get("bidi_component") if getattr(e, "key", None) == key]
    if not found:
        raise LookupError(f"no component with key {key!r} on the page")
    states = at._tree.get_widget_states()
    states.widgets.append(trigger_state(found[0].proto.id, event, value))
    return states


def latent_pick(at, i: int):
    """pick on the live map (its 'pick' trigger: a click, drag or z₁/z₂ release)"""
    return with_trigger(at, "latent.map", "pick", ((-1.0, 0.5), (1.2, -0.8))[i % 2])


def live_descent_release(key: str) -> Callable:
    """An action for :func:`rerun_median_ms`: the live descent widget ``key`` let go of with one control moved to a
    value nobody sent before (as a class does; explorer.bench.loadtest_widgets.descent_release)."""
    from explorer.bench.loadtest_widgets import descent_release

    return _release(key, descent_release, f"release of the live descent widget {key!r} (one control moved to a fresh value)")


def live_softmax_release(key: str) -> Callable:
    """The same for the live softmax widget: the temperature, a logit or the true class moved (softmax_release)."""
    from explorer.bench.loadtest_widgets import softmax_release

    return _release(key, softmax_release, f"release of the live softmax widget {key!r} (one control moved to a fresh value)")


def _release(key: str, make: Callable, doc: str) -> Callable:
    import json
    import random

    def act(at, i: int):
        found = [e for e in at.get("bidi_component") if getattr(e, "key", None) == key]
        if not found:
            raise LookupError(f"no component with key {key!r} on the page")
        return with_trigger(at, key, "release", make(json.loads(found[0].proto.json), random.Random(i)))

    act.__doc__ = doc
    return act
