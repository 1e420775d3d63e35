"""Lessons in the app: the lesson bar on every page, presenting, classes that follow, the builder.

:func:`lesson_bar` is the one hook, called by ``theme.setup_page`` at the top of every page
before the page draws its controls.
"""

from __future__ import annotations

import streamlit as st

from explorer.ui.lessons.bar import show
from explorer.ui.lessons.builder import add_view_button
from explorer.ui.lessons.classroom import notices
from explorer.ui.lessons.session import arrive, now

DRAWN = "_lesson.drawn"  # session_state: the lesson position the bar was last drawn for


def _position() -> tuple | None:
    """What the bar shows of the lesson: which presenting, which step, whose, and whether a step waits."""
    p = now()
    return None if p is None else (id(p), p.k, p.role, p.pending)


def bar_is_stale() -> bool:
    """A control below the bar presented, stepped or stopped a lesson: the bar (drawn by the whole app's run)
    no longer shows where the lesson is."""
    return st.session_state.get(DRAWN, None) != _position()


def lesson_bar() -> None:
    """Take a pending lesson step to its page and put its state into the controls; draw the bar."""
    p = now()
    pending = p is not None and p.pending
    p = arrive()  # may switch page: nothing is drawn before it
    add_view_button()
    notices()
    if p is not None:
        show(p, arrived=pending and not p.pending)
    st.session_state[DRAWN] = _position()
