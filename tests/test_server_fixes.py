"""The server fixes: a tab that reconnects to its session must not start a source-file watcher
when watching is off (Streamlit 1.67 starts one, which rescans every imported module); the theme
message is built once; a fragment's timer tick from a page the session has left runs nothing."""

import asyncio
import contextlib
import random

import pytest
from streamlit import config
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.runtime.app_session import AppSession, AppSessionState
from streamlit.runtime.forward_msg_queue import ForwardMsgQueue
from streamlit.runtime.memory_uploaded_file_manager import MemoryUploadedFileManager
from streamlit.runtime.script_data import ScriptData
from streamlit.runtime.scriptrunner.script_cache import ScriptCache

from explorer.bench.loadtest import run_sync
from explorer.ui import server_fixes


@contextlib.contextmanager
def watcher_type(kind: str):
    before = config.get_option("server.fileWatcherType")
    config.set_option("server.fileWatcherType", kind)
    try:
        yield
    finally:
        config.set_option("server.fileWatcherType", before)


def watches_after_reconnect(kind: str, register) -> bool:
    """Whether a real session, disconnected and reconnected as WebsocketSessionManager does it
    (``register`` is what it calls), ends up with a source-file watcher."""
    async def go() -> bool:
        with watcher_type(kind):
            session = AppSession(ScriptData("streamlit_app.py"), MemoryUploadedFileManager("/upload"),
                                 ScriptCache(), None, {})
            session.disconnect_file_watchers()  # the tab went away
            register(session)  # the tab came back to the same session
            watching = session._local_sources_watcher is not None
            session.shutdown()
            return watching
    return run_sync(go)


def test_streamlit_itself_starts_a_watcher_on_reconnect():
    assert watches_after_reconnect("none", server_fixes._ORIGINAL)  # as Streamlit ships it: the bug


def test_with_the_fix_a_reconnect_starts_no_watcher():
    server_fixes.keep_file_watchers_off()
    assert not watches_after_reconnect("none", AppSession.register_file_watchers)


def test_with_watching_on_the_fix_changes_nothing():
    server_fixes.keep_file_watchers_off()
    assert watches_after_reconnect("poll", AppSession.register_file_watchers)


THEME_SECTIONS = ("theme", "theme.light", "theme.dark", "theme.sidebar", "theme.light.sidebar", "theme.dark.sidebar")


def test_cached_theme_messages_equal_streamlits_own_and_are_built_once(monkeypatch):
    from streamlit.proto.NewSession_pb2 import CustomThemeConfig
    from streamlit.runtime import app_session

    monkeypatch.setattr(server_fixes, "_THEMES", {})
    calls = []
    original = server_fixes._THEME_ORIGINAL

    def counting(msg, section="theme"):
        calls.append(section)
        original(msg, section)
    monkeypatch.setattr(server_fixes, "_THEME_ORIGINAL", counting)
    monkeypatch.setattr(app_session, "_populate_theme_msg", app_session._populate_theme_msg)
    server_fixes.cache_theme_messages()
    for _ in range(3):  # three reruns
        for section in THEME_SECTIONS:
            want, got = CustomThemeConfig(), CustomThemeConfig()
            original(want, section)
            app_session._populate_theme_msg(got, section)
            assert got == want, section
    assert sorted(calls) == sorted(THEME_SECTIONS)  # each section built once, not once per rerun



def _delta(path: tuple[int, ...], fragment: str, block: bool = False) -> ForwardMsg:
    msg = ForwardMsg()
    msg.metadata.delta_path.extend(path)
    msg.delta.fragment_id = fragment
    if block:
        msg.delta.add_block.vertical.SetInParent()
    else:
        msg.delta.new_element.markdown.body = str(path)
    return msg


def _finished() -> ForwardMsg:
    msg = ForwardMsg()
    msg.script_finished = ForwardMsg.FINISHED_SUCCESSFULLY
    return msg


def _queue_only_session() -> AppSession:
    session = AppSession.__new__(AppSession)  # only its browser queue: nothing else of a session is involved
    session._browser_queue, session._message_enqueued_callback = ForwardMsgQueue(), None
    session._state = AppSessionState.SHUTDOWN_REQUESTED  # nothing to shut down when it is collected
    return session


def _apply(children: dict[tuple[int, ...], int], msgs) -> None:
    """Apply deltas as the browser does: an element goes at an index from 0 to its block's child count."""
    for msg in msgs:
        if msg.WhichOneof("type") != "delta":
            continue
        *parent, index = msg.metadata.delta_path
        count = children.setdefault(tuple(parent), 0)
        if index > count:
            raise IndexError(f"Bad delta path index {index} (should be between [0, {count}])")
        children[tuple(parent)] = max(count, index + 1)


def _full_run_tail_then_fragment_run(clear_queue) -> dict[tuple[int, ...], int]:
    """A full run's last deltas still queued, in fragment "outer" at [0, 3] with "inner" nested at [0, 3, 7],
    when a run of "outer" starts (``clear_queue`` is what Streamlit calls then); the browser's block sizes after."""
    session = _queue_only_session()
    browser = {(0,): 4, (0, 3): 4}  # what was sent before: [0, 3, 0..3]
    for index in (4, 5, 6):
        session._enqueue_forward_msg(_delta((0, 3, index), "outer"))
    session._enqueue_forward_msg(_delta((0, 3, 7), "inner", block=True))
    session._enqueue_forward_msg(_finished())
    clear_queue(session, ["outer"])
    _apply(browser, session._browser_queue.flush())
    return browser


def test_streamlit_itself_drops_part_of_a_full_runs_tail_when_a_fragment_run_starts():
    with pytest.raises(IndexError, match="Bad delta path index 7"):
        _full_run_tail_then_fragment_run(server_fixes._CLEAR_QUEUE_ORIGINAL)


def test_with_the_fix_a_fragment_run_sends_the_full_runs_tail_whole():
    server_fixes.keep_queued_deltas_for_fragment_runs()
    assert _full_run_tail_then_fragment_run(AppSession._clear_queue)[(0, 3)] == 8


def test_with_the_fix_a_full_run_still_drops_what_the_last_run_queued():
    server_fixes.keep_queued_deltas_for_fragment_runs()
    session = _queue_only_session()
    session._enqueue_forward_msg(_delta((0, 5), ""))
    session._enqueue_forward_msg(_finished())
    session._clear_queue(None)
    assert [m.WhichOneof("type") for m in session._browser_queue.flush()] == ["script_finished"]

# Two pages, each with a fragment at the same place (so of the same id), as every page's lesson bar; page b
# takes a moment, so a tick sent right behind the switch is queued behind its run. The test sends the ticks.
TWO_PAGES = '''
import os, time
import streamlit as st
from explorer.ui import server_fixes
if os.environ.get("EXPLORER_TEST_FIX") == "1":
    server_fixes.drop_fragment_runs_of_left_pages()

def page(name, seconds):
    def run():
        @st.fragment(run_every=600)
        def poll():
            st.write(f"poll on {name}")
        poll()
        time.sleep(seconds)
        st.write(f"page {name}")
    return run

st.navigation([st.Page(page("a", 0), title="A", url_path="a", default=True),
               st.Page(page("b", 0.5), title="B", url_path="b")]).run()
'''


async def _runs_after_a_switch(url: str, tick_during_the_switch: bool) -> list[tuple[str, tuple[str, ...]]]:
    """Open page a, switch to page b, and send a's fragment tick (with a's page hash) either right behind the
    switch or after b has finished; returns every run started after the switch: (page hash, fragment ids)."""
    from explorer.bench.loadtest import LoadResult, Session

    s = Session(url, "a", random.Random(0), LoadResult(url, "a", 1, 0.0), 30.0, None)
    await s.open()
    fragments: set[str] = set()
    s.on_delta = lambda fwd, seen, *where: fragments.add(fwd.delta.fragment_id) or True
    await s.rerun()
    page_a, (fragment,) = s.page_hash, fragments - {""}
    tick = s.back_msg(fragment)
    tick.rerun_script.is_auto_rerun = True
    s.page_hash, s.page = "", "b"  # the switch: a run of page b by name
    await s.ws.send(s.back_msg().SerializeToString())
    if tick_during_the_switch:
        await s.ws.send(tick.SerializeToString())
    runs, finished = [], 0
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(4.0):
            while True:
                fwd = ForwardMsg()
                fwd.ParseFromString(await s.ws.recv())
                if fwd.WhichOneof("type") == "new_session":
                    runs.append((fwd.new_session.page_script_hash, tuple(fwd.metadata.run.fragment_ids)))
                elif fwd.WhichOneof("type") == "script_finished":
                    finished += 1
                    if finished == 1 and not tick_during_the_switch:
                        await s.ws.send(tick.SerializeToString())
    await s.ws.close()
    assert runs and runs[0][0] != page_a and not runs[0][1], runs  # the switch: a full run of page b
    return [(("a" if page == page_a else "b"), ids) for page, ids in runs]


@pytest.fixture(scope="module", params=["as shipped", "with the fix"])
def two_pages(request, tmp_path_factory):
    from explorer.bench.server import streamlit_server

    script = tmp_path_factory.mktemp("two_pages") / "two_pages.py"
    script.write_text(TWO_PAGES)
    env = {"EXPLORER_TEST_FIX": "1" if request.param == "with the fix" else "0"}
    with streamlit_server(str(script), env=env) as server:
        yield request.param, server.url


@pytest.mark.parametrize("during", [True, False], ids=["tick during the switch", "tick after it"])
def test_a_fragment_tick_of_a_left_page_runs_nothing(two_pages, during):
    fix, url = two_pages
    runs = run_sync(lambda: _runs_after_a_switch(url, during))
    stale = [run for run in runs if run[0] == "a"]
    if fix == "as shipped":  # Streamlit 1.67: the fragment runs with page a's hash; a browser on b clears the app
        assert stale and stale[0][1], runs
    else:
        assert runs == [("b", ())], runs
