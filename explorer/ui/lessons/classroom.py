"""A class that follows the teacher: start one (code, link, QR code), join one, leave or end it."""

from __future__ import annotations

import functools
import html
import secrets
import time

import streamlit as st

from explorer.lessons import Lesson, LessonError, dump
from explorer.lessons.qr import join_qr_svg
from explorer.lessons.store import normalise_code, pretty_code
from explorer.ui import reference_pool
from explorer.ui.lessons.session import KEY, Presenting, begin, class_store, load, now, page_link_base, stop, tables

ENDED = "_lesson.ended"  # session_state: the code of a class this student was in when it ended
JOIN_ERROR = "_lesson.join_error"  # session_state: why the last join failed
CODE_BOX = "_lesson.code_box"


def start_class(lesson: Lesson, text: str | None = None) -> None:
    """Button callback: open a class on the store with the lesson's file (``text``, else written from
    ``lesson``); this session becomes its teacher, at step 1."""
    try:
        new = class_store().create(text or dump(lesson, tables()), len(lesson.steps))
    except Exception as err:  # the store is a file or a network service: say why, never a traceback
        st.session_state[JOIN_ERROR] = f"Could not start a class: the class store is not reachable ({err})."
        return
    begin(Presenting(lesson, role="teacher", code=new.code, secret=new.secret, pending=False))


def end_class(p: Presenting) -> None:
    try:
        class_store().end(p.code, p.secret)
    except Exception:  # ended or expired already: nothing left to end
        pass
    stop()


def join(text: str) -> str | None:
    """Join the class with code ``text``; returns why not, or None once this session follows it."""
    code = normalise_code(text)
    if code is None:
        return "A class code is six letters and digits, like K7M-Q2P. Check what you typed."
    try:
        store = class_store()
        view, lesson_text = store.peek(code), store.lesson(code)
    except Exception as err:
        return f"The class store is not reachable right now ({type(err).__name__}); try again in a moment."
    if view is None or lesson_text is None:
        return (f"There is no class with the code {pretty_code(code)}. Check it with your teacher — "
                "or the class has ended.")
    try:
        lesson = load(lesson_text)
    except LessonError as err:
        return f"This class's lesson cannot be shown in this version of the app: {err}"
    student = secrets.token_hex(8)
    store.join(code, student)
    begin(Presenting(lesson, k=view.step, role="student", code=code, rev=view.rev, paused=view.paused,
                     revealed=view.revealed, student=student, seen_at=time.time(), moved_at=time.monotonic()))
    st.session_state.pop(ENDED, None)
    return None


def join_from_box() -> None:
    """The join form's callback."""
    st.session_state[JOIN_ERROR] = join(st.session_state.get(CODE_BOX, ""))


def join_from_link() -> bool:
    """``?class=CODE`` in the address: join once (a failed code is reported, not retried every run).
    Returns whether this session now follows a class it did not follow before."""
    code = st.query_params.get("class")
    if not code:
        return False
    st.query_params.pop("class", None)
    p = now()
    if p is not None and p.role == "student" and p.code == normalise_code(code):
        return False
    st.session_state[JOIN_ERROR] = join(code)
    return st.session_state[JOIN_ERROR] is None


def left_class(code: str, ended: bool = False) -> None:
    """This student stops following (they left, or the class ended)."""
    p = st.session_state.get(KEY)
    if p is not None and p.role == "student" and p.code == code:
        stop()
    if ended:
        st.session_state[ENDED] = code


def notices() -> None:
    """One-time messages: a class that ended under a student."""
    code = st.session_state.pop(ENDED, None)
    if code:
        st.info(f"The class {pretty_code(code)} has ended. You can go on exploring on your own.",
                icon=":material/info:")


@functools.lru_cache(maxsize=64)
def qr_svg(link: str, px: int) -> str:
    """The join link's QR code (made once per class; segno's mask search is ~4 ms of pure Python, so the
    reference worker makes it, off this process's GIL)."""
    return reference_pool.run(join_qr_svg, link, px)


def join_link(p: Presenting) -> str:
    if not p.link:
        p.link = page_link_base() + f"lessons?class={p.code}"
    return p.link


def code_panel(p: Presenting, big: bool = True) -> None:
    """Code, link and QR code, large enough to read from the back of a room."""
    link = join_link(p)
    qr, words = st.columns([1, 1.5], vertical_alignment="center", gap="medium")
    px = 300 if big else 240
    qr.image(qr_svg(link, px), width=px, alt=f"QR code of the join link {link}")  # SVG goes inline: no media file
    size = "4.2rem" if big else "3.2rem"
    words.html(
        f'<div style="font-size: 1rem">Scan the code, or open</div>'
        f'<div style="font-size: 1rem; font-weight: 600; word-break: break-all">{html.escape(link)}</div>'
        f'<div style="font-size: 1rem; margin-top: 0.8rem">— or type this code on the Lessons page:</div>'
        f'<div class="explorer-class-code" style="font-size: {size}; font-weight: 800; letter-spacing: 0.1em; '
        f'font-family: monospace; line-height: 1.2">{pretty_code(p.code)}</div>')


@st.dialog("Join this class", width="large")
def code_dialog(p: Presenting) -> None:
    code_panel(p)
