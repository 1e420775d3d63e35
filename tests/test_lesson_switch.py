"""A lesson's step on another page is a page switch: one turn at the script gate draws the new page (the switch
does not wait, nor queue again behind other sessions), and the step's query still reaches the browser."""

import asyncio
import random

import pytest
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.testing.v1 import AppTest

from explorer.bench.loadtest import LoadResult, Session, run_sync
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


def test_a_lesson_page_switch_keeps_its_turn_for_the_new_page():
    if script_gate.GATE is None:
        pytest.skip("EXPLORER_SCRIPT_RUNS=0: no gate")
    server_fixes.install()  # every script run takes its turn at the gate, as on the server
    at = AppTest.from_function(_app, default_timeout=60).run()
    assert at.session_state["other_ran_during_switch"] is False
    assert not at.exception
    assert any("Explorer" in t.value for t in at.title)  # the new page was drawn in the same run
    with script_gate.turn() as given:  # the switching run gave its turn back when it ended
        assert given


# Page a switches to page b with the step number in the query, as a lesson step does; page b says the step.
SWITCHING = '''
import streamlit as st
from explorer.ui import server_fixes
server_fixes.install()

def a():
    n = st.session_state["n"] = st.session_state.get("n", 0) + 1
    st.switch_page(b_page, query_params={"step": str(n)})

def b():
    st.write(f"page b, step {st.query_params.get('step')}")

b_page = st.Page(b, title="B", url_path="b")
st.navigation([st.Page(a, title="A", url_path="a", default=True), b_page]).run()
'''


async def _switches(url: str, times: int) -> list[tuple[str, str]]:
    """Open page a ``times`` over in one session (each switches to b); per switch, the query string the browser
    was last given and what page b wrote."""
    s = Session(url, "a", random.Random(0), LoadResult(url, "a", 1, 0.0), 30.0, None)
    await s.open()
    seen = []
    for _ in range(times):
        s.page_hash, s.page = "", "a"  # back to page a by name: it switches again
        await s.ws.send(s.back_msg().SerializeToString())
        query, said = "", ""
        async with asyncio.timeout(10.0):
            while True:
                fwd = ForwardMsg()
                fwd.ParseFromString(await s.ws.recv())
                kind = fwd.WhichOneof("type")
                if kind == "page_info_changed":
                    query = fwd.page_info_changed.query_string
                elif kind == "delta" and fwd.delta.new_element.WhichOneof("type") == "markdown":
                    said = fwd.delta.new_element.markdown.body
                elif kind == "script_finished" and said:
                    break
        seen.append((query, said))
    await s.ws.close()
    return seen


def test_without_the_wait_every_switchs_query_reaches_the_browser(tmp_path):
    from explorer.bench.server import streamlit_server

    script = tmp_path / "switching.py"
    script.write_text(SWITCHING)
    with streamlit_server(str(script)) as server:
        seen = run_sync(lambda: _switches(server.url, 12))
    assert seen == [(f"step={n}", f"page b, step {n}") for n in range(1, 13)]
