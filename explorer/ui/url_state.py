"""Shareable state: each page declares its controls once; the URL mirrors them.

Like tensorflow/playground's ``state.ts``: one table of ``Param(name, type, default)`` and one
serialise/deserialise pair. A value comes from, in order: the widget's live session state, the
value this session last had on that page (widgets forget state when their page is left), the
URL (read once per session and page), the default.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import streamlit as st

from explorer.ui.theme import CLASSROOM_KEY

_MEMORY = "_url_state_memory"  # session_state: last values per param key, survives page changes
_READ = "_url_state_read"  # session_state: pages whose URL was already read this session


@dataclass(frozen=True)
class Param:
    """One shareable control: its widget key (also its URL name), type and default."""

    key: str
    kind: Any  # float, int, str, bool or "floats" (a tuple of floats)
    default: Any
    choices: tuple | None = None
    lo: float | None = None
    hi: float | None = None

    def dump(self, value) -> str:
        if self.kind == "floats":
            return ",".join(f"{v:.4g}" for v in value)
        if self.kind is bool:
            return "1" if value else "0"
        if self.kind is float:
            return f"{value:.6g}"
        if self.kind == "strs":
            return ",".join(value)
        return str(value)

    def load(self, text: str):
        """URL text -> value; anything malformed or out of range raises ValueError."""
        if self.kind == "floats":
            value = tuple(float(t) for t in text.split(","))
            if not all(math.isfinite(v) for v in value):
                raise ValueError(text)
            value = tuple(self._clip(v) for v in value)
        elif self.kind == "strs":
            value = [t for t in text.split(",") if t]
            if self.choices and not set(value) <= set(self.choices):
                raise ValueError(text)
        elif self.kind is bool:
            value = text in ("1", "true", "True")
        elif self.kind in (int, float):
            value = self.kind(float(text)) if self.kind is int else float(text)
            if not math.isfinite(value):
                raise ValueError(text)
            value = self._clip(value)
        else:
            value = str(text)
        if self.choices and self.kind not in ("strs",) and value not in self.choices:
            raise ValueError(text)
        return value

    def _clip(self, v):
        lo = -math.inf if self.lo is None else self.lo
        hi = math.inf if self.hi is None else self.hi
        return type(v)(min(max(v, lo), hi))


def restore(params: list[Param]) -> None:
    """Put each control's value into session state before its widget is created."""
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
            try:
                value = p.load(st.query_params[p.key])
            except (ValueError, TypeError):
                st.toast(f"Ignored a bad value in the link: {p.key}={st.query_params[p.key]!r}")
        st.session_state[p.key] = value


def current(params: list[Param]) -> dict[str, str]:
    """The URL query of this view: only values that differ from their defaults."""
    query = {}
    for p in params:
        value = st.session_state.get(p.key, p.default)
        if value != p.default:
            query[p.key] = p.dump(value)
    if st.session_state.get(CLASSROOM_KEY):
        query[CLASSROOM_KEY] = "1"
    return query


def publish(params: list[Param]) -> None:
    """Mirror the controls into the URL (only when it changed, so a rerun sends nothing extra)."""
    memory = st.session_state.setdefault(_MEMORY, {})
    for p in params:
        memory[p.key] = st.session_state.get(p.key, p.default)
    query = current(params)
    if dict(st.query_params) != query:
        st.query_params.from_dict(query)


def share_link(params: list[Param]) -> None:
    """A "copy link to this view" box: st.code has a copy button."""
    base = (st.context.url or "").split("?")[0]
    query = current(params)
    link = base + ("?" + urlencode(query) if query else "")
    with st.expander("Copy link to this view"):
        st.code(link, language=None, wrap_lines=True)
