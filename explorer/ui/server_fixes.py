"""A fix for the Streamlit server itself, installed once per process by the entry script.

Streamlit 1.67 gates its source-file watcher on ``server.fileWatcherType`` when a session starts,
but not when a browser tab reconnects to its session (a Wi-Fi blip, a laptop lid):
``WebsocketSessionManager`` calls ``AppSession.register_file_watchers()`` unconditionally, and
the new watcher then walks every module in ``sys.modules`` (~2,900 with torch, ~230 ms on the
event loop) at the end of the next run. Thirty tabs reconnecting stall every class on the server
for seconds; with the watcher off (our config) there is nothing to register.
"""

from __future__ import annotations

from streamlit import config
from streamlit.runtime.app_session import AppSession

_ORIGINAL = AppSession.register_file_watchers


def _register_file_watchers(self: AppSession) -> None:
    if config.get_option("server.fileWatcherType") != "none":  # as AppSession.__init__ decides
        _ORIGINAL(self)


def keep_file_watchers_off() -> None:
    """Make a reconnecting session honour ``server.fileWatcherType = "none"`` (idempotent)."""
    AppSession.register_file_watchers = _register_file_watchers
