"""Explorer: the entry script — navigation over pages/ and the shared sidebar."""

import os
import sys

import streamlit as st

from explorer.ui import warm
from explorer.ui.pages import icon_url, st_pages
from explorer.ui.server_fixes import entry_script, install
from explorer.ui.theme import classroom, classroom_toggle


def main() -> None:
    """One run of the app: the sidebar, then the page st.navigation picks."""
    install()  # Streamlit fixes: reconnect file watcher, theme message per rerun, fragment runs of a left page
    # each rerun's torch work is tiny: one thread per session scales to a class of 30; the env var sets it
    # when torch is first imported (a page that needs it), so the home page never waits for torch
    os.environ["OMP_NUM_THREADS"] = "1"
    if "torch" in sys.modules:
        sys.modules["torch"].set_num_threads(1)
    warm.start()  # once per process: torch, the digits and the shipped models load in the background
    # a projector needs the width: classroom mode opens with the sidebar folded (its arrow brings it back); fixed
    # for the session, so a later run (a lesson's page switch, the toggle) never sends the browser another page config
    sidebar = st.session_state.setdefault("_sidebar_at_open", "collapsed" if classroom() else "auto")
    st.set_page_config(page_title="Explorer", page_icon=icon_url(), layout="wide",
                       initial_sidebar_state=sidebar)
    page = st.navigation(st_pages())
    classroom_toggle()
    with entry_script():  # pages check it: a run without it is Streamlit's legacy pages/ mode
        page.run()


# Streamlit runs this file as __main__; a process that multiprocessing spawns (the reference worker) imports
# the server's __main__ as __mp_main__, and must not start a second app and its warm-up there
if __name__ == "__main__":
    main()
