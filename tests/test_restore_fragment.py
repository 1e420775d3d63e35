"""On a real server, a control of Denoise and inpaint's open tab reruns only that tab (a fragment inside the
page's), and the URL follows it; a new digit reruns the page's body, and the URL follows it too."""

import random
from urllib.parse import parse_qs

import pytest
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from explorer.bench.load import warm
from explorer.bench.loadtest import LoadResult, Session, run_sync
from explorer.bench.server import APP_SCRIPT, streamlit_server
from explorer.ui.state_tables import TABLES
from explorer.ui.url_state import find


@pytest.fixture(scope="module")
def app_url():
    with streamlit_server(APP_SCRIPT) as server:
        warm(server.url, "restore")
        yield server.url


def move(url: str, key: str) -> tuple[Session, dict[str, str]]:
    """Open the page and move the control ``key`` once: (session, fragment id of each control by key)."""
    async def go():
        s = Session(url, "restore", random.Random(5), LoadResult(url, "restore", 1, 0), 120.0, None)
        await s.open()
        await s.rerun()
        control = next(w for w in s.widgets.values() if w.id.endswith(key))
        control.act(s.rng)
        await s.rerun(control.fragment_id)
        await s.ws.close()
        fragments = {k: next(w.fragment_id for w in s.widgets.values() if w.id.endswith(k))
                     for k in ("restore.digit", "restore.noise", "restore.mode")}
        return s, fragments
    return run_sync(go)


def in_link(s: Session, key: str) -> str:
    """The value the address bar carries for ``key`` (a default is left out of it)."""
    return parse_qs(s.query_string).get(key, [str(find(TABLES["restore"], key).default)])[0]


def test_the_noise_slider_reruns_only_the_open_tab_and_the_link_follows(app_url):
    s, fragments = move(app_url, "restore.noise")
    assert not s.result.errors
    tab, body = fragments["restore.noise"], fragments["restore.digit"]
    assert tab and body and tab != body  # the tab's controls live in a fragment of their own
    assert fragments["restore.mode"] == body  # the tabs themselves belong to the page's body
    assert s.finished == ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY
    noise = next(w for w in s.widgets.values() if w.id.endswith("restore.noise"))
    moved = noise.state.double_array_value.data[0]
    assert float(in_link(s, "restore.noise")) == pytest.approx(moved)


def test_a_new_digit_reruns_the_body_and_the_link_follows(app_url):
    s, fragments = move(app_url, "restore.digit")
    assert not s.result.errors
    digit = next(w for w in s.widgets.values() if w.id.endswith("restore.digit"))
    moved = int(digit.state.double_array_value.data[0])
    assert s.finished == ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY  # the page's body, not the frame
    assert int(in_link(s, "restore.digit")) == moved
