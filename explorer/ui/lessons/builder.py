"""Build your own lesson: "Add this view to a lesson" on every page; reorder, delete, download, upload."""

from __future__ import annotations

import streamlit as st

from explorer.lessons import MAX_BYTES, Lesson, LessonError, Step, dump
from explorer.lessons.lesson import check_step
from explorer.ui.lessons.session import LESSONS_PAGE, current_page, load, page_names, page_title, tables

MINE = "_lesson.mine"  # session_state: the steps of this session's own lesson
TITLE = "_lesson.mine_title"
UPLOAD = "_lesson.upload"
UPLOAD_NOTE = "_lesson.upload_note"  # (kind, message) after an upload
NOT_STATE = ("classroom", "class")  # query keys that are about the app, not the view


def my_steps() -> list[Step]:
    return st.session_state.setdefault(MINE, [])


def my_lesson() -> Lesson | None:
    steps = my_steps()
    title = (st.session_state.get(TITLE) or "").strip() or "My lesson"
    return Lesson(title, tuple(steps)) if steps else None


def _view_state() -> dict[str, str]:
    """This view's controls, as the address bar carries them (each page mirrors its controls there)."""
    return {k: v for k, v in st.query_params.to_dict().items() if k not in NOT_STATE}


@st.dialog("Add this view to a lesson")
def _add_dialog(page: str, state: dict[str, str]) -> None:
    st.caption(f"“{page_title(page)}” with its controls as they are now, as step {len(my_steps()) + 1} of your "
               "lesson (build it on the Lessons page).")
    with st.form("lesson.add_form", border=False):
        title = st.text_input("Title", max_chars=120, placeholder="e.g. A bigger learning rate")
        say = st.text_area("What to say (one or two sentences)", max_chars=600, height=90)
        question = st.text_input("A question for the class (optional)", max_chars=300)
        answer = st.text_input("Its answer, hidden until revealed (optional)", max_chars=600)
        if not st.form_submit_button("Add to my lesson"):
            return
    raw = {"page": page, "title": title, "say": say, "question": question, "answer": answer, "state": state}
    try:
        step = check_step(raw, len(my_steps()) + 1, tables(), page_names())
    except LessonError as err:
        st.error(str(err))
        return
    my_steps().append(step)
    st.toast(f"Added step {len(my_steps())}: {step.title}", icon=":material/playlist_add_check:")
    st.rerun()


def add_view_button() -> None:
    """The sidebar button on every page (not on the Lessons page itself)."""
    page = current_page()
    if page not in page_names() or page == LESSONS_PAGE:
        return
    with st.sidebar:
        _add_view(page)


@st.fragment
def _add_view(page: str) -> None:
    """A press opens the dialog without rerunning the page around it."""
    if st.button("Add this view to a lesson", key="lesson.add", icon=":material/playlist_add:",
                 help="Keep this page with its controls as a step of your own lesson."):
        _add_dialog(page, _view_state())


def _swap(i: int, j: int) -> None:
    steps = my_steps()
    if 0 <= i < len(steps) and 0 <= j < len(steps):
        steps[i], steps[j] = steps[j], steps[i]


def _delete(i: int) -> None:
    del my_steps()[i]


def _take_upload() -> None:
    """The uploader's callback: the file is read once, checked, and becomes this session's lesson."""
    file = st.session_state.get(UPLOAD)
    if file is None:
        return
    if file.size > MAX_BYTES:
        st.session_state[UPLOAD_NOTE] = ("error", f"“{file.name}” is {file.size / 1024:.0f} KB; a lesson file "
                                                  f"is at most {MAX_BYTES // 1024} KB.")
        return
    try:
        lesson = load(file.getvalue())
    except LessonError as err:
        st.session_state[UPLOAD_NOTE] = ("error", f"“{file.name}” was not loaded. {err}")
        return
    st.session_state[MINE] = list(lesson.steps)
    st.session_state[TITLE] = lesson.title
    st.session_state[UPLOAD_NOTE] = ("success", f"Loaded “{lesson.title}” ({len(lesson.steps)} steps) into your lesson.")


def builder() -> None:
    """The Lessons page's editor of this session's own lesson."""
    steps = my_steps()
    st.text_input("Title of your lesson", key=TITLE, placeholder="My lesson", max_chars=120)
    if not steps:
        st.info("No steps yet. On any page, set the controls, then press **Add this view to a lesson** in the "
                "sidebar; or upload a lesson file below.", icon=":material/playlist_add:")
    for i, s in enumerate(steps):
        row = st.container(horizontal=True, vertical_alignment="center")  # one flex block per step, not four columns
        row.markdown(f"**{i + 1}. {s.title}** — {page_title(s.page)}" + (" · asks a question" if s.question else ""))
        row.button("", key=f"lesson-up{i}", icon=":material/arrow_upward:", on_click=_swap, args=(i, i - 1),
                   disabled=i == 0, help="Move up")
        row.button("", key=f"lesson-down{i}", icon=":material/arrow_downward:", on_click=_swap, args=(i, i + 1),
                   disabled=i == len(steps) - 1, help="Move down")
        row.button("", key=f"lesson-del{i}", icon=":material/delete:", on_click=_delete, args=(i,), help="Delete")
    lesson = my_lesson()
    files = st.container(horizontal=True, gap="large")
    files.download_button("Download the lesson file", data=lambda: dump(lesson, tables()),  # written on a click only
                          file_name="lesson.yaml", mime="application/x-yaml", disabled=lesson is None,
                          icon=":material/download:")
    files.file_uploader(f"Upload a lesson file (YAML or JSON, at most {MAX_BYTES // 1024} KB)", type=["yaml", "yml", "json"],
                        key=UPLOAD, on_change=_take_upload, max_upload_size=1)  # the browser refuses over 1 MB
    note = st.session_state.pop(UPLOAD_NOTE, None)
    if note:
        (st.error if note[0] == "error" else st.success)(note[1])
