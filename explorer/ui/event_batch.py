"""A script run's messages reach the event loop in batches, not one wake-up each (Streamlit 1.67; every server
process installs it).

Every element a script run draws is a ``ForwardMsg`` that the script thread hands to the server's event loop
with ``call_soon_threadsafe``: one callback, one write to the loop's wake-up socket and one pass of the loop per
element. A page of forty elements woke the loop forty times while its own run held the GIL. Here the script
thread appends each event to its session's list and wakes the loop only when the list was empty; the loop then
handles everything that has arrived, in the order it arrived.
"""

from __future__ import annotations

import functools
import logging
import threading

from streamlit.runtime.app_session import AppSession

_LOG = logging.getLogger(__name__)
_ATTR = "_explorer_events"
_ORIGINAL = AppSession._on_scriptrunner_event  # Streamlit's own: one event-loop callback per event


class _Pending:
    """A session's events on their way to the event loop."""

    __slots__ = ("lock", "calls")

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.calls: list = []

    def drain(self) -> None:
        """On the event loop: handle every event that has arrived, oldest first."""
        with self.lock:
            calls, self.calls = self.calls, []
        for call in calls:
            try:
                call()
            except Exception:  # one bad event must not drop the ones behind it (as one callback each would not)
                _LOG.exception("a script runner event failed on the event loop")


def _on_scriptrunner_event(self: AppSession, sender, event, forward_msg=None, exception=None, client_state=None,
                           page_script_hash=None, fragment_ids_this_run=None, pages=None,
                           run_descriptor=None) -> None:
    pending = self.__dict__.get(_ATTR) or self.__dict__.setdefault(_ATTR, _Pending())  # setdefault: one per session
    call = functools.partial(self._handle_scriptrunner_event_on_event_loop, sender, event, forward_msg, exception,
                             client_state, page_script_hash, fragment_ids_this_run, pages, run_descriptor)
    with pending.lock:
        pending.calls.append(call)
        wake = len(pending.calls) == 1  # otherwise a drain is already on its way and will take this one too
    if wake:
        self._call_soon_on_event_loop(pending.drain)


def install() -> None:
    """Batch each session's script runner events on their way to the event loop (idempotent)."""
    AppSession._on_scriptrunner_event = _on_scriptrunner_event
