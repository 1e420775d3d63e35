"""Fixes for Streamlit 1.67 itself: a reconnecting tab's file watcher, the theme message per rerun,
a fragment run for a page the session has left, a fragment run that cuts a full run's unsent tail,
and the legacy pages/ mode; script runs take turns (:mod:`explorer.ui.script_gate`), work every
rerun redid for nothing is done once (:mod:`explorer.ui.rerun_overhead`), every websocket sends
at once (:mod:`explorer.ui.no_delay`: Nagle's algorithm held a reply 40 ms when the move came soon after the last),
a run's messages wake the event loop once per batch, not once per element (:mod:`explorer.ui.event_batch`), and
``st.switch_page`` ends its run without a fixed wait.

**File watcher.** Streamlit 1.67 gates its source-file watcher on ``server.fileWatcherType`` when a session starts,
but not when a browser tab reconnects to its session (a Wi-Fi blip, a laptop lid):
``WebsocketSessionManager`` calls ``AppSession.register_file_watchers()`` unconditionally, and
the new watcher then walks every module in ``sys.modules`` (~2,900 with torch, ~230 ms on the
event loop) at the end of the next run. Thirty tabs reconnecting stall every class on the server
for seconds; with the watcher off (our config) there is nothing to register.

**Theme message per rerun.** Every rerun's ``new_session`` message re-reads the six theme sections
of the config by scanning all ~200 options each time (~2 ms of the event loop per rerun, shared by
every session): :func:`cache_theme_messages` builds each section once per parsed config.

**A fragment run for a page the session has left.** A browser's ``run_every`` timer keeps ticking
until the browser hears of a new page. When the server switches page (``st.switch_page``, as a
lesson does for every follower), a tick sent just before is queued behind the new page's run and
then runs the fragment with the old page's hash. The browser, on a new page by then, clears the
whole app for it and the fragment's elements land in an empty page: ``Bad delta path index``, a
blank page. :func:`drop_fragment_runs_of_left_pages` skips such a run (the next tick comes from
the new page).

**A fragment run that cuts a full run's unsent tail.** When a fragment run starts, Streamlit drops
the queued, not yet sent deltas of that fragment, but keeps those of a fragment nested in it. If
a full run has just ended and its tail is still queued (a widget asks for a fragment rerun while
the page's run is busy, and the run ends within one flush interval), the browser gets the nested
fragment's block at, say, ``[0, 3, 7]`` without the outer fragment's ``[0, 3, 4..6]`` before it:
``Bad delta path index 7``, a blank page. :func:`keep_queued_deltas_for_fragment_runs` keeps the
queue whole for a fragment run, as if it had been flushed a moment earlier; the fragment run's
own deltas replace the fragment's elements.

**st.switch_page's fixed wait.** Before it ends the run, ``st.switch_page`` sleeps two message flush intervals
(10 ms), so that its query params reach the browser before the next run clears the session's queue. In 1.67 that
clear keeps ``page_info_changed`` messages (``ForwardMsgQueue.clear(retain_lifecycle_msgs=True)``), so the query
arrives all the same and the wait only delays every page a lesson opens: :func:`switch_page_at_once`.

**Legacy pages/ mode.** With a ``pages/`` folder, Streamlit runs a linked page bare (no entry
script, no navigation) until ``st.navigation`` has run once in the process; see
:func:`leave_legacy_pages_mode`.
"""

from __future__ import annotations

import contextlib
import threading
from pathlib import Path

import streamlit as st
from streamlit import config
from streamlit.commands import execution_control
from streamlit.runtime import app_session
from streamlit.runtime.app_session import AppSession
from streamlit.runtime.pages_manager import PagesManager
from streamlit.runtime.scriptrunner.script_runner import ScriptRunner
from streamlit.runtime.scriptrunner_utils.script_requests import RerunData
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

from explorer.ui import event_batch, no_delay, rerun_overhead, script_gate

_ORIGINAL = AppSession.register_file_watchers


def _register_file_watchers(self: AppSession) -> None:
    if config.get_option("server.fileWatcherType") != "none":  # as AppSession.__init__ decides
        _ORIGINAL(self)


_THEME_ORIGINAL = app_session._populate_theme_msg
_THEMES: dict = {}  # (id of the parsed config, section) -> the filled theme message


def _populate_theme_msg_cached(msg, section: str = "theme") -> None:
    key = (id(config.get_config_options()), section)  # a re-parsed config is a new dict: built again
    cached = _THEMES.get(key)
    if cached is None:
        cached = type(msg)()
        _THEME_ORIGINAL(cached, section)
        _THEMES[key] = cached
    msg.MergeFrom(cached)


def cache_theme_messages() -> None:
    """Build each theme section's message once per parsed config instead of once per rerun (idempotent)."""
    app_session._populate_theme_msg = _populate_theme_msg_cached


_RUN_ORIGINAL = ScriptRunner._run_script
_CLEAR_QUEUE_ORIGINAL = AppSession._clear_queue


def _clear_queue_for_full_runs(self: AppSession, fragment_ids_this_run: list[str] | None = None) -> None:
    if fragment_ids_this_run is None:  # a full run rewrites the whole page: what is queued can go
        _CLEAR_QUEUE_ORIGINAL(self, fragment_ids_this_run)


def keep_queued_deltas_for_fragment_runs() -> None:
    """Send a fragment run's predecessors' queued deltas whole rather than dropping some of them (idempotent)."""
    AppSession._clear_queue = _clear_queue_for_full_runs


def for_a_left_page(rerun: RerunData, page_now: str) -> bool:
    """Whether ``rerun`` only reruns fragments, of a page other than the one the session is on."""
    fragments_only = bool(rerun.fragment_id_queue) and not rerun.is_fragment_scoped_rerun
    return fragments_only and bool(page_now) and bool(rerun.page_script_hash) and rerun.page_script_hash != page_now


def _run_script_of_this_page(self: ScriptRunner, rerun_data: RerunData) -> None:
    ctx = get_script_run_ctx()  # the script thread's: its pages manager knows the page of the last run
    if ctx is not None and for_a_left_page(rerun_data, ctx.page_script_hash):
        return
    with script_gate.session_turn(self._session_id), script_gate.turn():
        _RUN_ORIGINAL(self, rerun_data)


def drop_fragment_runs_of_left_pages() -> None:
    """Skip a queued fragment run whose page the session has since left, and let the others take turns
    (:mod:`explorer.ui.script_gate`) (idempotent)."""
    ScriptRunner._run_script = _run_script_of_this_page


def switch_page_at_once() -> None:
    """Let ``st.switch_page`` end its run without sleeping (idempotent): the sleep is its only use of the interval."""
    execution_control.MESSAGE_FLUSH_INTERVAL_SECS = 0.0


def install() -> None:
    """The fixes every server process of ours runs with (the app's entry script and the bench's floor page)."""
    keep_file_watchers_off()
    cache_theme_messages()
    keep_queued_deltas_for_fragment_runs()
    drop_fragment_runs_of_left_pages()  # and one script run at a time (script_gate)
    switch_page_at_once()
    rerun_overhead.install()
    no_delay.install()  # every websocket sends at once
    event_batch.install()  # a run's messages wake the event loop once per batch


def keep_file_watchers_off() -> None:
    """Make a reconnecting session honour ``server.fileWatcherType = "none"`` (idempotent)."""
    AppSession.register_file_watchers = _register_file_watchers


_ENTRY = threading.local()  # .running: the entry script is running this thread's page
ENTRY_SCRIPT = "streamlit_app.py"


@contextlib.contextmanager
def entry_script():
    """Mark the entry script's page.run(): a page run without it is a legacy-mode run."""
    _ENTRY.running = True
    try:
        yield
    finally:
        _ENTRY.running = False


def leave_legacy_pages_mode() -> None:
    """Run the entry script, not the bare page, when a fresh server's first requests are page links.

    Streamlit treats an app with a ``pages/`` folder as a legacy multipage app until
    ``st.navigation`` has run once in the process, and then runs the linked page without the
    entry script (no navigation table, no wide layout, no classroom toggle). Every run that
    started before that — a class opening a shared link at once — is such a run: each one leaves
    the mode and reruns. A page run on its own (``AppTest.from_file("pages/x.py")``) is not one.
    """
    ctx = get_script_run_ctx()
    bare = ctx is not None and Path(ctx.main_script_path).name == ENTRY_SCRIPT and not getattr(_ENTRY, "running", False)
    if PagesManager.uses_pages_directory or bare:
        PagesManager.uses_pages_directory = False
        st.rerun()
