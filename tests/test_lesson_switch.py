"""A lesson's step on another page is a page switch, and st.switch_page waits two message flushes before it ends
the run: while it waits, the server's other sessions take their turns at the script gate."""

import pytest
from streamlit.testing.v1 import AppTest

from explorer.ui import script_gate, server_fixes


def _app() -> None:
    import threading
    import time

    import streamlit as st

    from explorer import ROOT
    from explorer.ui import script_gate
    from explorer.ui.lessons.session import go

    def lesson_step() -> None:
        other_ran = threading.Event()

        def other_session() -> None:
            with script_gate.turn():
                other_ran.set()

        threading.Thread(target=other_session, daemon=True).start()
        while script_gate.GATE.waiting < 1:  # the other session's run is queued behind this one's turn
            time.sleep(0.001)
        try:
            go("home", {})
        finally:
            st.session_state["other_ran_during_switch"] = other_ran.is_set()

    home = st.Page(str(ROOT / "pages" / "home.py"))
    st.navigation([st.Page(lesson_step, default=True), home], position="hidden").run()


def test_a_lesson_page_switch_lets_a_queued_run_go_while_streamlit_waits_to_switch():
    if script_gate.GATE is None:
        pytest.skip("EXPLORER_SCRIPT_RUNS=0: no gate")
    server_fixes.drop_fragment_runs_of_left_pages()  # every script run takes its turn at the gate, as on the server
    at = AppTest.from_function(_app, default_timeout=60).run()
    assert at.session_state["other_ran_during_switch"] is True
    assert not at.exception
    with script_gate.turn() as given:  # the switching run gave its turn back when it ended
        assert given
