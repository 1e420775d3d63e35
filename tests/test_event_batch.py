"""A script run's messages reach the event loop in batches: a real AppSession, its real event loop, and events sent
from another thread as a script run sends them."""

import asyncio
import threading

from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.runtime.app_session import AppSession
from streamlit.runtime.memory_uploaded_file_manager import MemoryUploadedFileManager
from streamlit.runtime.script_data import ScriptData
from streamlit.runtime.scriptrunner import ScriptRunnerEvent
from streamlit.runtime.scriptrunner.script_cache import ScriptCache

from explorer.bench.loadtest import run_sync
from explorer.ui import event_batch

ELEMENTS = 200


def delta(i: int) -> ForwardMsg:
    """The i-th element of a run: a markdown delta at its own place on the page."""
    msg = ForwardMsg()
    msg.metadata.delta_path[:] = [0, i]
    msg.delta.new_element.markdown.body = f"element {i}"
    return msg


def a_run_from_a_script_thread(handler) -> tuple[list[str], int]:
    """Send ELEMENTS deltas to a real session through ``handler`` (its scriptrunner-event method) from another
    thread; returns the bodies that reached the browser queue, in order, and how many times the loop was woken."""
    async def go():
        loop = asyncio.get_running_loop()
        session = AppSession(ScriptData("streamlit_app.py"), MemoryUploadedFileManager("/upload"), ScriptCache(),
                             None, {})
        wakes = 0
        wake = loop.call_soon_threadsafe

        def counted(callback, *args, **kwargs):
            nonlocal wakes
            wakes += 1
            return wake(callback, *args, **kwargs)

        loop.call_soon_threadsafe = counted  # the loop's own method, counted on this loop only
        script = threading.Thread(target=lambda: [handler(session, None, ScriptRunnerEvent.ENQUEUE_FORWARD_MSG,
                                                          forward_msg=delta(i)) for i in range(ELEMENTS)])
        script.start()
        while script.is_alive():
            await asyncio.sleep(0.001)
        for _ in range(20):  # let the loop handle what is still on its way
            await asyncio.sleep(0)
        bodies = [m.delta.new_element.markdown.body for m in session._browser_queue.flush() if m.HasField("delta")]
        session.shutdown()
        return bodies, wakes
    return run_sync(go)


def test_every_message_arrives_once_and_in_order_with_few_wakes():
    bodies, wakes = a_run_from_a_script_thread(event_batch._on_scriptrunner_event)
    assert bodies == [f"element {i}" for i in range(ELEMENTS)]
    assert 1 <= wakes < ELEMENTS // 2  # a wake-up per batch, not per element


def test_streamlit_itself_wakes_the_loop_once_per_message():
    bodies, wakes = a_run_from_a_script_thread(event_batch._ORIGINAL)
    assert bodies == [f"element {i}" for i in range(ELEMENTS)]
    assert wakes >= ELEMENTS, "Streamlit now batches its events itself: explorer.ui.event_batch can go"


def test_a_failing_event_does_not_drop_the_ones_behind_it(caplog):
    pending = event_batch._Pending()
    done = []
    pending.calls = [lambda: done.append(1), lambda: 1 / 0, lambda: done.append(3)]
    pending.drain()
    assert done == [1, 3] and pending.calls == []
    assert "ZeroDivisionError" in caplog.text


def test_install_is_idempotent():
    event_batch.install()
    event_batch.install()
    assert AppSession._on_scriptrunner_event is event_batch._on_scriptrunner_event
