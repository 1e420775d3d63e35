"""The slim lesson bar at the top of a page: step k of n, its title and sentence, the question, and
Previous / Next (also → / ← and PageDown / PageUp, which presentation clickers send)."""

from __future__ import annotations

import html
import time

import streamlit as st

from explorer.lessons.store import ClassNotFound, pretty_code
from explorer.ui.lessons import classroom
from explorer.ui.lessons.session import Presenting, class_store, current_page, move, page_title, stop

POLL_SECONDS = 1.0  # a follower's poll: one tiny store read; a class of 30 costs 30 fragment reruns/s
COUNT_SECONDS = 3.0  # the teacher's count of students
HEARTBEAT_SECONDS = 15.0  # how often a follower tells the store it is still here

_CSS = """
<style>
.st-key-lesson-bar { background: #EAF3FA; border-left: 0.35rem solid #0072B2; border-radius: 0.4rem;
                     padding: 0.45rem 0.8rem 0.5rem 0.9rem; gap: 0.35rem; margin-bottom: 0.3rem; }
.st-key-lesson-keys { display: none; }
.explorer-step { font-size: 0.8rem; opacity: 0.8; }
.explorer-title { font-size: 1.25rem; font-weight: 700; line-height: 1.25; }
.st-key-lesson-bar [data-testid="stMarkdownContainer"] p { font-size: 0.95rem; }
.explorer-eyes { position: fixed; inset: 0; z-index: 1000000; background: rgba(0, 40, 80, 0.94); color: #fff;
                 display: flex; flex-direction: column; align-items: center; justify-content: center;
                 font-size: 3.2rem; font-weight: 700; text-align: center; }
.explorer-eyes small { font-size: 1.2rem; font-weight: 400; opacity: 0.85; margin-top: 1rem; }
</style>
"""
# on the step's page the bar stands in for the page's title and idea: more room for the picture
_HIDE_TITLE = """<style>
[data-testid="stMainBlockContainer"] [data-testid="stElementContainer"]:has(.explorer-idea, h1) { display: none; }
</style>"""


def _teacher_call(p: Presenting, change) -> None:
    """Tell the class store (a teacher's session only); the teacher's own view moves on regardless."""
    if p.role != "teacher":
        return
    try:
        change(class_store(), p)
    except ClassNotFound:
        p.role, p.code = "solo", ""
        st.toast("The class has ended or expired; you are presenting on your own now.", icon=":material/info:")
    except Exception as err:  # the store is a network service: say so, never a traceback
        st.toast(f"The class did not get this change — the class store is not reachable: {err}",
                 icon=":material/error:")


def step_by(p: Presenting, delta: int) -> None:
    """Previous / Next callback, relative to the step the server is on. Streamlit merges two presses that arrive
    while a run is pending into one trigger of the button, so they move one step."""
    step_to(p, p.k + delta)


def step_to(p: Presenting, k: int) -> None:
    """Go to step k; the class store is told first, so followers see it at their next poll."""
    k = min(max(k, 0), p.n - 1)
    if k != p.k:
        _teacher_call(p, lambda s, p: s.set_step(p.code, p.secret, k))
        move(p, k)


def _reset(p: Presenting) -> None:
    p.pending = True


def _reveal(p: Presenting) -> None:
    _teacher_call(p, lambda s, p: s.set_revealed(p.code, p.secret, not p.revealed))
    p.revealed = not p.revealed


def _pause(p: Presenting) -> None:
    _teacher_call(p, lambda s, p: s.set_paused(p.code, p.secret, not p.paused))
    p.paused = not p.paused


def _heading(p: Presenting) -> None:
    where = f"Step {p.k + 1} of {p.n} · {page_title(p.step.page)}"
    if p.role == "student":
        where = f"Class {pretty_code(p.code)} · {where}"
    st.html(f'<div class="explorer-step">{where}</div><div class="explorer-title">{html.escape(p.step.title)}</div>',
            width="stretch")


@st.fragment
def _asked(p: Presenting) -> None:
    """The teacher's question with its reveal button: revealing redraws the question, not the page."""
    _question(p, controls=True)


def _question(p: Presenting, controls: bool) -> None:
    s = p.step
    if not s.question:
        return
    with st.container(horizontal=True, vertical_alignment="center", wrap=False, key="lesson-ask"):
        answer = f"  \n**Answer:** {s.answer}" if p.revealed else ""
        st.markdown(f"**Ask the class:** {s.question}{answer}", width="stretch")
        if controls:
            st.button("Hide the answer" if p.revealed else "Reveal the answer", key="lesson.reveal", on_click=_reveal,
                      args=(p,), icon=":material/visibility:")


def _clicker(p: Presenting) -> None:
    """Hidden buttons: a button takes one shortcut, and presentation clickers send PageDown / PageUp."""
    with st.container(key="lesson-keys"):
        st.button("Next page", key="lesson.pgdn", on_click=step_by, args=(p, 1), shortcut="PageDown")
        st.button("Previous page", key="lesson.pgup", on_click=step_by, args=(p, -1), shortcut="PageUp")


def _nav(p: Presenting) -> None:
    """Previous / Next and the teacher's extras; keyboard shortcuts from any page."""
    st.button("Previous", key="lesson.prev", on_click=step_by, args=(p, -1), shortcut="Left", disabled=p.k == 0)
    st.button("Next", key="lesson.next", on_click=step_by, args=(p, 1), shortcut="Right",
              disabled=p.k == p.n - 1)
    with st.popover("", icon=":material/more_vert:", help="Reset this step, the class, stop presenting"):
        st.button("Reset this step", key="lesson.reset", on_click=_reset, args=(p,), icon=":material/restart_alt:",
                  help="Bring back this step's view after changing its controls.")
        if p.role == "teacher":
            _pause_or_code(p)
            st.button("End the class", key="lesson.end", on_click=classroom.end_class, args=(p,),
                      icon=":material/logout:")
        st.button("Stop presenting", key="lesson.stop", on_click=stop, icon=":material/close:")


@st.fragment
def _pause_or_code(p: Presenting) -> None:
    """Pausing the class and showing its code change nothing on the teacher's page: they redraw these two."""
    st.button("Resume the class" if p.paused else "Pause the class (eyes on the teacher)",
              key="lesson.pause", on_click=_pause, args=(p,), icon=":material/front_hand:")
    if st.button("Show the join code", key="lesson.code", icon=":material/qr_code_2:"):
        classroom.code_dialog(p)


@st.fragment(run_every=COUNT_SECONDS)
def _count(p: Presenting) -> None:
    try:
        n = class_store().students(p.code)
    except Exception:  # the count is a nicety: a hiccup of the store must not break the bar
        return
    paused = " · paused" if p.paused else ""
    st.html(f'<div class="explorer-step">Class {pretty_code(p.code)} · {n} following{paused}</div>')


@st.fragment(run_every=POLL_SECONDS)
def _follow(p: Presenting) -> None:
    """A student's poll: one small read; a new step reruns the app, a pause or reveal only this fragment."""
    try:
        view = class_store().peek(p.code)
        if view is not None and time.time() - p.seen_at > HEARTBEAT_SECONDS:
            class_store().join(p.code, p.student)
            p.seen_at = time.time()
    except Exception as err:
        st.caption(f"Waiting for the class store… ({type(err).__name__})")
        return
    if view is None:
        classroom.left_class(p.code, ended=True)
        st.rerun(scope="app")
    if view.rev != p.rev:
        p.rev, p.paused, p.revealed = view.rev, view.paused, view.revealed
        if view.step != p.k:
            move(p, view.step)
            st.rerun(scope="app")
    _question(p, controls=False)
    if p.paused:
        st.html('<div class="explorer-eyes">Eyes on the teacher<small>The class is paused.</small></div>')


def _to_top(p: Presenting) -> str:
    """A script that starts a new step at the top of its page (the browser keeps the last view's scroll)."""
    return (f"<script>/* step {p.k} {time.time()} */ window.parent.document.querySelectorAll("
            "'[data-testid=\"stMain\"], [data-testid=\"stAppViewContainer\"]').forEach(e => e.scrollTo(0, 0));"
            "</script>")


def show(p: Presenting, arrived: bool) -> None:
    """The bar (call at the top of the page, after the step has been applied)."""
    st.html(_CSS + (_HIDE_TITLE if current_page() == p.step.page else "") + (_to_top(p) if arrived else ""),
            unsafe_allow_javascript=arrived)
    with st.container(key="lesson-bar"):
        with st.container(horizontal=True, vertical_alignment="center", wrap=False):
            _heading(p)
            if p.role == "student":
                st.button("Back to the teacher's view", key="lesson.back", on_click=_reset, args=(p,),
                          icon=":material/cast_for_education:")
                st.button("Leave", key="lesson.leave", on_click=classroom.left_class, args=(p.code,), type="tertiary")
            else:
                _nav(p)
        st.markdown(p.step.say)
        if p.role == "student":
            _follow(p)
            return
        if p.role == "teacher":
            _count(p)
        if current_page() != p.step.page:
            st.button(f"Back to step {p.k + 1} on “{page_title(p.step.page)}”", key="lesson.return",
                      on_click=_reset, args=(p,), icon=":material/undo:")
        _asked(p)
        _clicker(p)
