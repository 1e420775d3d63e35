"""The server fix: a tab that reconnects to its session must not start a source-file watcher
when watching is off (Streamlit 1.67 starts one, which rescans every imported module)."""

import contextlib

from streamlit import config
from streamlit.runtime.app_session import AppSession
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
