"""Lessons: present a guided sequence of views, start a class that follows it, or build your own."""

import streamlit as st

from explorer.ui import url_state
from explorer.ui.lessons import library
from explorer.ui.lessons.builder import builder
from explorer.ui.theme import page_body, setup_page

big = setup_page(
    "Lessons",
    "A lesson strings views of the app together: each step opens a page with its controls set, says what "
    "to tell the class and what to ask. Present it on the projector — or start a class, and every laptop "
    "that joins follows your steps.",
)


def body() -> None:
    """Join a class, present or teach a lesson, build your own."""
    library.class_panel()
    library.join_box()
    st.subheader("Present a lesson")
    library.library(big)
    st.subheader("Build your own")
    builder()
    url_state.publish([])  # keeps ?classroom=1 in the address


page_body(body)
