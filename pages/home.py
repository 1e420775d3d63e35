"""Home: what Explorer is, and a card per page."""

import streamlit as st
from streamlit.errors import StreamlitPageNotFoundError

from explorer import ROOT
from explorer.ui.pages import PAGES
from explorer.ui.theme import setup_page

big = setup_page(
    "Explorer",
    "Machine-learning ideas you can see and touch. Every picture here is computed live by "
    "real PyTorch — real optimizers, real autograd, real trained networks.",
)
st.markdown(
    "Use it on a projector (switch on **Classroom mode** in the sidebar for big type) or on "
    "your own laptop. Every page keeps its settings in the address bar, so a link opens the "
    "same picture."
)

cards = PAGES[1:]
per_row = 2 if big else 3  # projector type needs wider cards so titles are not cut
for row in range(0, len(cards), per_row):
    for col, info in zip(st.columns(per_row), cards[row:row + per_row]):
        with col.container(border=True):
            try:
                st.page_link(str(ROOT / info.path), label=info.title, icon=info.icon)
            except StreamlitPageNotFoundError:  # run on its own, without st.navigation
                st.markdown(f"**{info.title}**")
            st.write(info.blurb)
