"""The Lessons page's parts: join a class, the lessons to present or teach, the open class's join panel."""

from __future__ import annotations

import time

import streamlit as st

from explorer.lessons import Lesson, LessonError, builtin_files
from explorer.ui.lessons import classroom
from explorer.ui.lessons.builder import my_lesson
from explorer.ui.lessons.session import Presenting, begin, load, now, page_title

LOAD_ERRORS = "_lesson.builtin_errors"


@st.cache_resource(show_spinner=False)
def builtin() -> tuple[dict[str, tuple[Lesson, str]], dict[str, str]]:
    """The shipped lessons, checked once per process: (name -> (lesson, its file), name -> why it was refused)."""
    good, bad = {}, {}
    for name, text in builtin_files().items():
        try:
            good[name] = load(text), text
        except LessonError as err:
            bad[name] = str(err)
    return good, bad


def _present(lesson: Lesson) -> None:
    begin(Presenting(lesson, moved_at=time.monotonic()))


def join_box() -> None:
    """Students: type the code the teacher shows (or open the teacher's link)."""
    if classroom.join_from_link():
        st.rerun()  # the next run opens the teacher's step
    p = now()
    if p is not None and p.role == "teacher":
        return  # the teacher's class panel stands here instead
    with st.form("lesson.join", border=True, enter_to_submit=True):
        row = st.container(horizontal=True, vertical_alignment="bottom")  # one flex block, not two columns
        row.text_input("Join a class: type the code your teacher shows", key=classroom.CODE_BOX,
                       placeholder="K7M-Q2P", max_chars=12)
        row.form_submit_button("Join", on_click=classroom.join_from_box, width=160)
    error = st.session_state.pop(classroom.JOIN_ERROR, None)
    if error:
        st.error(error, icon=":material/error:")


def class_panel() -> None:
    """The teacher's open class: the code and QR code, big, and the way into the lesson."""
    p = now()
    if p is None or p.role != "teacher":
        return
    with st.container(border=True, key="lesson-class"):
        st.markdown(f"**Your class is open:** “{p.lesson.title}” · {p.n} steps")
        classroom.code_panel(p)
        row = st.container(horizontal=True)
        row.button(f"Go to step {p.k + 1}: {p.step.title}", key="lesson.begin", icon=":material/play_arrow:",
                   on_click=lambda: setattr(p, "pending", True), width="stretch")
        row.button("End the class", key="lesson.end_panel", on_click=classroom.end_class, args=(p,))


def _card(name: str, lesson: Lesson, badge: str, text: str | None) -> None:
    with st.container(border=True):
        st.markdown(f"**{lesson.title}** · {len(lesson.steps)} steps · {badge}")
        if lesson.about:
            st.caption(lesson.about)
        with st.expander("The steps"):
            st.markdown("\n".join(f"{i}. **{s.title}** — {page_title(s.page)}" for i, s in enumerate(lesson.steps, 1)))
        row = st.container(horizontal=True)
        row.button("Present", key=f"lesson.present.{name}", on_click=_present, args=(lesson,),
                   icon=":material/slideshow:", width="stretch", help="Step through it on this screen.")
        row.button("Start a class", key=f"lesson.class.{name}", on_click=classroom.start_class, args=(lesson, text),
                   icon=":material/groups:", width="stretch",
                   help="Students join with a code and follow your steps on their own laptops.")


def library(big: bool) -> None:
    """Every lesson this session can present: the shipped ones and its own."""
    good, bad = builtin()
    lessons = [(name, lesson, "built in", text) for name, (lesson, text) in good.items()]
    mine = my_lesson()
    if mine is not None:
        lessons.append(("mine", mine, "yours", None))  # its file is written when a class starts
    per_row = 1 if big else 2
    for row in range(0, len(lessons), per_row):
        for col, item in zip(st.columns(per_row), lessons[row:row + per_row]):
            with col:
                _card(*item)
    for name, why in bad.items():
        st.warning(f"The shipped lesson “{name}” could not be loaded: {why}")
