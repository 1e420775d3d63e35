"""On a real server, a teacher's lesson bar: revealing the answer, pausing the class and showing its join code
redraw only their own fragment, while Next reruns the app (it may change the page). Driven by the load
client's sessions, which speak the browser's protocol."""

import random

import pytest
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from explorer.bench.load import warm
from explorer.bench.loadtest import LoadResult, Session, run_sync
from explorer.bench.server import APP_SCRIPT, streamlit_server


@pytest.fixture(scope="module")
def app_url():
    with streamlit_server(APP_SCRIPT) as server:
        warm(server.url, "lessons")
        yield server.url


def control(s: Session, key: str):
    return next(w for w in s.widgets.values() if w.id.endswith(key))


async def press(s: Session, key: str) -> list[str]:
    """Press the button ``key`` as the browser does; returns the bodies of the Markdown it drew."""
    drawn: list[str] = []
    track = s.on_delta

    def spy(fwd, seen, *where):  # note each Markdown drawn, and let the session track the page as usual
        if fwd.delta.WhichOneof("type") == "new_element" and fwd.delta.new_element.WhichOneof("type") == "markdown":
            drawn.append(fwd.delta.new_element.markdown.body)
        return track(fwd, seen, *where)

    s.on_delta = spy
    button = control(s, key)
    button.act(s.rng)
    await s.rerun(button.fragment_id)
    button.sent()
    s.on_delta = track
    return drawn


def test_reveal_pause_and_join_code_redraw_only_their_fragment(app_url):
    async def go():
        s = Session(app_url, "lessons", random.Random(7), LoadResult(app_url, "lessons", 1, 0), 120.0, None)
        await s.open()
        await s.rerun()
        await press(s, "lesson.class.slope-to-digits")  # start a class: this session is its teacher
        await press(s, "lesson.begin")  # and goes to step 1, which asks the class a question

        reveal, nxt = control(s, "lesson.reveal"), control(s, "lesson.next")
        assert nxt.fragment_id == ""  # a step may be on another page: Next reruns the app
        assert reveal.fragment_id and reveal.fragment_id != control(s, "lesson.pause").fragment_id
        drawn = await press(s, "lesson.reveal")
        assert s.finished == ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY
        assert any("**Answer:**" in body for body in drawn)  # the answer shows, in the question's fragment

        pause = control(s, "lesson.pause")
        assert control(s, "lesson.code").fragment_id == pause.fragment_id  # the join code: the same fragment
        await press(s, "lesson.pause")
        assert s.finished == ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY
        assert control(s, "lesson.pause").fragment_id == pause.fragment_id
        await press(s, "lesson.next")
        assert s.finished == ForwardMsg.FINISHED_SUCCESSFULLY
        assert not s.result.errors, s.result.errors
        await s.ws.close()
    run_sync(go)
