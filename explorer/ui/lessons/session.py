"""A session's lesson: which lesson it presents or follows, its step, and taking the app to that step.

Presenting a step means: go to the step's page (``st.switch_page``), then — at the top of that
page's script, before any of its widgets exists — write every control's value into
``st.session_state``. The page's own ``url_state.restore`` keeps values already in session state,
so the step's state wins even when the session has visited the page before.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import streamlit as st
from streamlit.errors import StreamlitAPIException
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

from explorer import ROOT
from explorer.lessons import Lesson, Step
from explorer.lessons import load as load_lesson
from explorer.lessons.state import link_query, step_values
from explorer.lessons.store import ClassStore, open_store
from explorer.ui.pages import PAGES

KEY = "_lesson.now"  # session_state: the Presenting of this session, if any
LESSONS_PAGE = "lessons"
SETTLE = 3.0  # seconds after a move in which a run on another page is the browser catching up, not the user


@dataclass
class Presenting:
    """This session's lesson. ``role``: "solo" (presenting alone), "teacher" (a class follows), "student"."""

    lesson: Lesson
    k: int = 0
    role: str = "solo"
    pending: bool = True  # the step's state is still to be written into its page's controls
    revealed: bool = False
    paused: bool = False
    code: str = ""
    secret: str = ""  # the teacher's only; never shown, never in a URL
    link: str = ""  # the join link, for the teacher's projector
    rev: int = -1  # the class revision this student last applied
    student: str = ""  # this student's id in the class store
    seen_at: float = 0.0  # when this student last told the store it is here
    moved_at: float = 0.0  # time.monotonic() of the last move to a step (0: none yet)

    @property
    def step(self) -> Step:
        return self.lesson.steps[self.k]

    @property
    def n(self) -> int:
        return len(self.lesson.steps)


def tables() -> dict:
    """Every page's URL table, imported when a lesson needs it: it loads torch, which the home page does without."""
    from explorer.ui.state_tables import TABLES

    return TABLES


def now() -> Presenting | None:
    return st.session_state.get(KEY)


def begin(p: Presenting) -> None:
    st.session_state[KEY] = p


def stop() -> None:
    st.session_state.pop(KEY, None)


_PAGE_NAMES = frozenset(Path(p.path).stem for p in PAGES) - {LESSONS_PAGE}


def page_names() -> frozenset[str]:
    """URL paths of the app's pages (file stems), without the Lessons page itself."""
    return _PAGE_NAMES


_TITLES = {Path(p.path).stem: p.title for p in PAGES}  # a step's page -> its title (every card, every run)


def page_title(stem: str) -> str:
    return _TITLES.get(stem, stem)


def load(text: str | bytes) -> Lesson:
    """A lesson file checked against this app's pages and their controls (raises LessonError)."""
    return load_lesson(text, tables(), page_names())


@st.cache_resource(show_spinner=False)
def class_store() -> ClassStore:
    """One store per process (SQLite file or Redis, from the environment); shared by its sessions."""
    return open_store()


def current_page() -> str:
    """The URL path (file stem) of the page this script run shows."""
    ctx = get_script_run_ctx()
    if ctx is None:
        return ""
    info = ctx.pages_manager.get_pages().get(ctx.page_script_hash) if ctx.page_script_hash else None
    return Path(info["script_path"] if info else ctx.main_script_path).stem


def page_link_base() -> str:
    """The app's address in this browser, without the current page's path: ``http://host:port/``."""
    url = (st.context.url or "").split("?")[0].rstrip("/")
    ctx = get_script_run_ctx()
    info = ctx.pages_manager.get_pages().get(ctx.page_script_hash) if ctx and ctx.page_script_hash else None
    page = (info or {}).get("url_pathname", "")
    if page and url.endswith("/" + page):
        url = url[: -len(page) - 1]
    return url + "/"


def go(page: str, query: dict[str, str]) -> bool:
    """Switch to ``page`` with ``query`` in the address unless the run already shows it; False when the
    page cannot be reached (a page run on its own, without the app's navigation)."""
    if current_page() == page:
        return True
    # the address a link to the view would have: a query the page then writes again in the same run can
    # reach the browser before switch_page's own; classroom mode rides along (switch_page drops widget states)
    query = query | ({"classroom": "1"} if st.session_state.get("classroom") else {})
    try:
        st.switch_page(str(ROOT / "pages" / f"{page}.py"), query_params=query)
    except StreamlitAPIException:  # StreamlitPageNotFoundError included
        return False
    return True  # not reached: switch_page ends this run


def apply(step: Step) -> None:
    """Write the step's state into its page's controls; call before the page draws them."""
    for key, value in step_values(step.state, tables().get(step.page, ())).items():
        st.session_state[key] = list(value) if isinstance(value, list) else value


def arrive() -> Presenting | None:
    """At the top of every page: take a pending step to its page and apply its state there.

    Just after a move the browser may still send a rerun of the page it left (a key pressed twice
    while the new page loads): within SETTLE seconds of a move, a run elsewhere goes back to the step.
    """
    p = now()
    if p is None:
        return None
    settling = time.monotonic() - p.moved_at < SETTLE
    if settling and not p.pending and current_page() != p.step.page:
        p.pending = True
    if not p.pending:
        return p
    if current_page() != p.step.page:
        if not go(p.step.page, link_query(p.step.state, tables().get(p.step.page, ()))):
            st.warning(f"This page runs on its own, so the lesson cannot open “{page_title(p.step.page)}”.")
            return p
    apply(p.step)
    p.pending = False
    return p


def move(p: Presenting, k: int) -> None:
    """Button callback: to step ``k`` (clamped); the next run goes there."""
    p.k = min(max(k, 0), p.n - 1)
    p.pending, p.revealed, p.moved_at = True, False, time.monotonic()
