"""Shareable state: each page declares its controls once; the URL mirrors them.

Like tensorflow/playground's ``state.ts``: one table of ``Param(name, type, default)`` and one
serialise/deserialise pair. A value comes from, in order: the widget's live session state, the
value this session last had on that page (widgets forget state when their page is left), the
URL (read once per session and page), the default.

One range per control: a widget takes its bounds from its Param (``number_box``, ``Param.lo``/``hi``),
and a value the page cannot use — from a link or typed into a box — is clamped or replaced *with a
notice on the page* saying what was used instead; the notice stays while that value does.
Classroom mode is the viewer's own choice: neither the address bar nor the copied link carries it
unless the teacher ticks "open it in classroom mode".
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import streamlit as st

from explorer.ui.theme import CLASSROOM_KEY, opened, plain

_MEMORY = "_url_state_memory"  # session_state: last values per param key, survives page changes
_READ = "_url_state_read"  # session_state: pages whose URL was already read this session
_NOTICES = "_url_state_notices"  # session_state: key -> (value used, sentence), shown while the value stays
_LINK_AS = "_url_state_link_as"  # session_state: key -> value the link carries instead of the widget's
SHOWN = 40  # characters of a bad link value quoted back


@dataclass(frozen=True)
class Param:
    """One shareable control: its widget key (also its URL name), type, default and allowed values."""

    key: str
    kind: Any  # float, int, str, bool, "floats" (a tuple of floats) or "strs" (a list of choices)
    default: Any
    choices: tuple | None = None
    lo: float | None = None
    hi: float | None = None
    label: str = ""  # what the page calls it, for notices ("Start x₀"); the key when empty
    size: tuple[int, ...] | None = None  # "floats": the allowed numbers of values

    @property
    def name(self) -> str:
        return self.label or self.key

    def dump(self, value) -> str:
        """Value -> URL text that reads back to the same value (shortest round-trip float text)."""
        if self.kind == "floats":
            return ",".join(_short(v) for v in value)
        if self.kind is bool:
            return "1" if value else "0"
        if self.kind is float:
            return _short(value)
        if self.kind == "strs":
            return ",".join(value)
        return str(value)

    def load(self, text: str):
        """URL text -> value; anything the page cannot use as it is raises ValueError."""
        value, why = self.read(text)
        if why:
            raise ValueError(why)
        return value

    def read(self, text: str) -> tuple[Any, str]:
        """URL text -> (the value to use, "" or the words saying why it is not exactly what the text said)."""
        default = f"so the page uses the default, {self.show(self.default)}"
        if self.kind == "floats":
            try:
                value = tuple(float(t) for t in text.split(",")) if text else ()
            except ValueError:
                return self.default, f"is not a list of numbers, {default}"
            if self.size and len(value) not in self.size:
                need = " or ".join(str(n) for n in self.size)
                return self.default, f"has {len(value)} numbers where {need} are needed, {default}"
            if not all(math.isfinite(v) for v in value):
                return self.default, f"is not finite, {default}"
            used = tuple(self._clip(v) for v in value)
            return used, "" if used == value else f"{self._outside()}, so the page uses {self.show(used)}"
        if self.kind == "strs":
            value = [t for t in text.split(",") if t]
            unknown = [t for t in value if self.choices and t not in self.choices]
            if unknown:
                kept, one = [t for t in value if t not in unknown], len(unknown) == 1
                return kept, (f"names {', '.join(unknown)}, which {'is' if one else 'are'} not a choice here, "
                              f"so the page leaves {'it' if one else 'them'} out")
            return value, ""
        if self.kind is bool:
            if text not in ("1", "0", "true", "false", "True", "False"):
                return self.default, f"is neither 1 nor 0, {default}"
            return text in ("1", "true", "True"), ""
        if self.kind in (int, float):
            try:
                value = float(text)
            except ValueError:
                return self.default, f"is not a number, {default}"
            if not math.isfinite(value):
                return self.default, f"is not a finite number, {default}"
            return self.fit(value)
        if self.choices and text not in self.choices:
            return self.default, f"is not a choice here, {default}"
        return str(text), ""

    def fit(self, value: float) -> tuple[Any, str]:
        """A finite number -> (the nearest allowed value, "" or why it differs)."""
        if self.choices and self.kind is not float:  # a category (a class, a digit): no "nearest" one
            if value in self.choices:
                return self.kind(value), ""
            return self.default, f"is not one of the choices here, so the page uses the default, {self.show(self.default)}"
        if self.choices:  # a select slider's stops: the nearest one
            used = min(self.choices, key=lambda c: abs(math.log(c / value)) if value > 0 < c else abs(c - value))
            return used, "" if used == value else f"is not one of the allowed values, so the page uses the nearest, {self.show(used)}"
        used = self._clip(value)
        if self.kind is int and used != int(used):
            used = round(used)
            return int(used), f"is not a whole number, so the page uses {used}"
        used = self.kind(used)
        return used, "" if used == value else f"{self._outside()}, so the page uses {self.show(used)}"

    def show(self, value) -> str:
        """A value as the page shows it."""
        if self.kind == "floats":
            return "(" + ", ".join(_short(v) for v in value) + ")"
        if self.kind == "strs":
            return ", ".join(value) or "none"
        return _short(value) if isinstance(value, float) else str(value)

    def _outside(self) -> str:
        return f"is outside the allowed range {self.show(self.lo)} to {self.show(self.hi)}"

    def _clip(self, v):
        lo = -math.inf if self.lo is None else self.lo
        hi = math.inf if self.hi is None else self.hi
        return type(v)(min(max(v, lo), hi))


def find(params: list[Param], key: str) -> Param:
    """The Param of ``key`` in a page's table."""
    return next(p for p in params if p.key == key)


def _short(v) -> str:
    """Shortest text that reads back to the same float: 0.1, 1.25, 1e-08."""
    v = float(v)
    return str(int(v)) if v.is_integer() and abs(v) < 1e15 else repr(v)


def note(key: str, used, text: str) -> None:
    """Say on the page that ``key`` now holds ``used`` and why; the notice stays while the value does."""
    st.session_state.setdefault(_NOTICES, {})[key] = (used, text)


def show_notices(keys) -> None:
    """One warning listing the notices of these keys whose value is still the one used."""
    notices = st.session_state.get(_NOTICES, {})
    lines = []
    for key in keys:
        if key in notices:
            used, text = notices[key]
            if st.session_state.get(key) == used:
                lines.append(text)
            else:
                del notices[key]  # the user has moved on: the notice no longer describes the page
    if lines:
        st.warning("  \n".join(plain(t) for t in lines), icon=":material/rule:")


def restore(params: list[Param]) -> None:
    """Put each control's value into session state before its widget is created; say what a link changed."""
    memory = st.session_state.setdefault(_MEMORY, {})
    read = st.session_state.setdefault(_READ, set())
    page = params[0].key.split(".")[0] if params else ""
    from_url = page not in read
    read.add(page)
    for p in params:
        if p.key in st.session_state:
            # re-assigning keeps a widget's value when its widget was not drawn on the last run
            st.session_state[p.key] = st.session_state[p.key]
            continue
        value = memory.get(p.key, p.default)
        if from_url and p.key in st.query_params:
            text = st.query_params[p.key]
            value, why = p.read(text)
            if why:
                quoted = text if len(text) <= SHOWN else text[:SHOWN] + "…"
                note(p.key, value, f"The link's {p.name} ({p.key}={quoted}) {why}.")
        st.session_state[p.key] = value
    show_notices([p.key for p in params])


def number_box(p: Param, label: str, where=None, **kwargs):
    """``st.number_input`` with the Param's own range. The browser refuses a number outside it with its own
    message; an emptied box, or one holding no number it can use (1e309), is put back with a notice
    instead of silently becoming the default."""
    return (where or st).number_input(label, min_value=p.lo, max_value=p.hi, value=None, key=p.key,
                                      on_change=_guard, args=(p, label), **kwargs)


def _guard(p: Param, label: str) -> None:
    """Streamlit hands an empty, unreadable or out-of-range box over as None (the widget's default)."""
    if st.session_state.get(p.key) is None:
        last = st.session_state.get(_MEMORY, {}).get(p.key, p.default)
        st.session_state[p.key] = last
        note(p.key, last, f"{label}: the box held no number the page can use (it takes {p.show(p.lo)} to "
                          f"{p.show(p.hi)}), so the page keeps {p.show(last)}.")


def link_as(key: str, value) -> None:
    """Let the link carry ``value`` for ``key`` instead of the widget's (None: the widget's again)."""
    overrides = st.session_state.setdefault(_LINK_AS, {})
    if value is None:
        overrides.pop(key, None)
    else:
        overrides[key] = value


def current(params: list[Param]) -> dict[str, str]:
    """The URL query of this view: only values that differ from their defaults (never classroom mode)."""
    overrides = st.session_state.get(_LINK_AS, {})
    query = {}
    for p in params:
        value = overrides.get(p.key, st.session_state.get(p.key, p.default))
        if value != p.default:
            query[p.key] = p.dump(value)
    return query


def publish(params: list[Param]) -> None:
    """Mirror the controls into the URL (only when it changed, so a rerun sends nothing extra)."""
    memory = st.session_state.setdefault(_MEMORY, {})
    for p in params:
        memory[p.key] = st.session_state.get(p.key, p.default)
    query = current(params)
    if dict(st.query_params) != query:
        st.query_params.from_dict(query)


def share_link(params: list[Param], caveat: str = "") -> None:
    """A "copy link to this view" box (st.code has a copy button); classroom mode only when asked for.
    A fragment of its own: opening it or ticking its box redraws only the box, not the page around it."""
    _share_box(params, caveat)


@st.fragment
def _share_box(params: list[Param], caveat: str) -> None:
    box = opened("Copy link to this view", key=f"_share.{_page(params)}.open")
    if box is None:
        return
    base = (st.context.url or "").split("?")[0]
    query = current(params)
    with box:
        if st.checkbox("Open it in classroom mode too (a link for the projector)", key=f"_share.{_page(params)}.classroom",
                       value=False, help="Students who open the link choose classroom mode for themselves."):
            query[CLASSROOM_KEY] = "1"
        st.code(base + ("?" + urlencode(query) if query else ""), language=None, wrap_lines=True)
        if caveat:
            st.caption(plain(caveat))


def _page(params: list[Param]) -> str:
    return params[0].key.split(".")[0] if params else "page"
