"""A step's page state: each value checked against the page's URL-state table, refused (never clamped).

A table is a list of params with ``key``, ``kind`` (float, int, str, bool, "floats" or "strs"),
``default``, ``choices``, ``lo``, ``hi``, ``load(text)`` and ``dump(value)`` — the shape of
``explorer.ui.url_state.Param``; this module only reads those attributes, so it runs without
Streamlit. Values are kept as the URL text a link to that view would carry.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

MAX_VALUE_CHARS = 300  # one state value (a typed formula is the longest)
_TRUE, _FALSE = ("1", "true", "True"), ("0", "false", "False")


def _text(raw: Any) -> str:
    """A YAML/JSON scalar or list as URL text; other types are refused."""
    if isinstance(raw, bool):
        return "1" if raw else "0"
    if isinstance(raw, int):
        return str(raw)
    if isinstance(raw, float):
        return repr(raw)
    if isinstance(raw, str):
        return raw
    if isinstance(raw, list) and all(isinstance(v, (int, float, str)) and not isinstance(v, bool) for v in raw):
        return ",".join(_text(v) for v in raw)
    kind = "a mapping" if isinstance(raw, dict) else "a list of mixed values" if isinstance(raw, list) else type(raw).__name__
    raise ValueError(f"wrong type: {kind} (a number, text, true/false or a list of numbers is expected)")


def _number(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a number") from None
    if not math.isfinite(value):
        raise ValueError(f"{text!r} is not a finite number")
    return value


def _in_range(param, value: float) -> None:
    if param.lo is not None and value < param.lo:
        raise ValueError(f"{value:g} is below the smallest allowed value, {param.lo:g}")
    if param.hi is not None and value > param.hi:
        raise ValueError(f"{value:g} is above the largest allowed value, {param.hi:g}")


def _not_a_choice(param, text: str) -> str:
    choices = param.choices
    numeric = all(isinstance(c, (int, float)) for c in choices) and param.kind in (int, float)
    if numeric and len(choices) > 12:
        value = _number(text)
        below = max((c for c in choices if c < value), default=None)
        above = min((c for c in choices if c > value), default=None)
        near = " and ".join(f"{c:g}" for c in (below, above) if c is not None)
        return (f"{text!r} is not one of the {len(choices)} allowed values from {min(choices):g} to "
                f"{max(choices):g} (the nearest: {near})")
    shown = [f"{c:g}" if isinstance(c, float) else str(c) for c in choices]
    listed = ", ".join(shown) if len(shown) <= 12 else ", ".join(shown[:12]) + f", … ({len(shown)} in all)"
    return f"{text!r} is not one of: {listed}"


def check_value(param, raw: Any) -> str:
    """A raw value from a lesson file -> its canonical URL text; ValueError says what is wrong."""
    text = _text(raw)
    if len(text) > MAX_VALUE_CHARS:
        raise ValueError(f"too long ({len(text)} characters; at most {MAX_VALUE_CHARS})")
    if any(ord(ch) < 32 for ch in text):
        raise ValueError("contains a control character")
    if param.kind is bool:
        if text not in _TRUE + _FALSE:
            raise ValueError(f"{text!r} is not true or false")
    elif param.kind in (int, float):
        value = _number(text)
        if param.kind is int and value != int(value):
            raise ValueError(f"{text!r} is not a whole number")
        _in_range(param, value)
    elif param.kind == "floats":
        parts = text.split(",")
        if param.default and len(parts) != len(param.default):
            raise ValueError(f"{text!r} has {len(parts)} numbers; this control takes {len(param.default)}")
        for part in parts:
            _in_range(param, _number(part))
    if param.choices is not None:
        parts = [t for t in text.split(",") if t] if param.kind == "strs" else [text]
        known = {str(c) for c in param.choices} | {f"{c:g}" for c in param.choices if isinstance(c, float)}
        numeric = param.kind in (int, float) and all(_number(p) in param.choices for p in parts)
        if not numeric and not all(p in known for p in parts):
            raise ValueError(_not_a_choice(param, text))
    try:
        return param.dump(param.load(text))
    except (ValueError, TypeError) as err:
        raise ValueError(f"{text!r} is not a valid value ({err})") from None


def check_state(state: Any, table: Sequence | None) -> dict[str, str]:
    """A step's ``state`` mapping -> {key: canonical URL text}; ValueError names the key."""
    if state is None:
        return {}
    if not isinstance(state, Mapping):
        raise ValueError("must be a mapping of control names to values")
    params = {p.key: p for p in table or ()}
    out = {}
    for key, raw in state.items():
        if not isinstance(key, str) or key not in params:
            known = ", ".join(params) if params else "none: this page has no controls to set"
            raise ValueError(f"{key!r} is not a control of this page (its controls: {known})")
        try:
            out[key] = check_value(params[key], raw)
        except ValueError as err:
            raise ValueError(f"{key!r}: {err}") from None
    return out


def step_values(state: Mapping[str, str], table: Sequence) -> dict[str, Any]:
    """Every control of the page -> the value the step shows: its state, else the control's default."""
    return {p.key: p.load(state[p.key]) if p.key in state else p.default for p in table}


def link_query(state: Mapping[str, str], table: Sequence) -> dict[str, str]:
    """The query a link to the step's view carries: the values that differ from their defaults."""
    params = {p.key: p for p in table}
    return {k: v for k, v in state.items() if k in params and v != params[k].dump(params[k].default)}


def natural(param, text: str) -> Any:
    """URL text -> the plain YAML value a person would write (a number, true/false, a list)."""
    if param.kind is bool:
        return text in _TRUE
    if param.kind is int:
        return int(float(text))
    if param.kind is float:
        return float(text)
    if param.kind == "floats":
        return [float(t) for t in text.split(",") if t]
    if param.kind == "strs":
        return [t for t in text.split(",") if t]
    return text
