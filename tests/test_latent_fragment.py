"""On a real server, moving z reruns only the latent map and its digit (st.fragment), unless the
section below the map draws z too; the URL follows z either way."""

import random
from urllib.parse import parse_qs

import pytest
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from explorer.bench.load import warm
from explorer.bench.loadtest import LoadResult, Session, run_sync
from explorer.bench.server import APP_SCRIPT, streamlit_server


@pytest.fixture(scope="module")
def app_url():
    with streamlit_server(APP_SCRIPT) as server:
        warm(server.url, "latent")
        yield server.url


def move_z1(url: str, query: str) -> tuple[Session, float, str]:
    """Open the latent page with ``query`` and move the z₁ slider once: (session, new z₁, its fragment id)."""
    async def go():
        s = Session(url, "latent", random.Random(3), LoadResult(url, "latent", 1, 0), 120.0, None)
        s.query_string = query
        await s.open()
        await s.rerun()
        z1 = next(w for w in s.widgets.values() if w.id.endswith("latent.z1"))
        z1.act(s.rng)
        await s.rerun(z1.fragment_id)
        await s.ws.close()
        return s, z1.state.double_array_value.data[0], z1.fragment_id
    return run_sync(go)


def test_a_z_move_reruns_only_the_map_and_the_link_follows(app_url):
    s, z1, fragment = move_z1(app_url, "")
    assert not s.result.errors
    assert fragment, "the z sliders should sit in a fragment on the default (Manifold) section"
    assert s.finished == ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY
    section = next(w for w in s.widgets.values() if w.id.endswith("latent.section"))
    assert section.fragment_id == ""  # the section tabs are outside: a fragment rerun leaves them be
    assert float(parse_qs(s.query_string)["latent.z1"][0]) == pytest.approx(z1, abs=1e-6)


@pytest.mark.parametrize("query", ["latent.section=AE+vs+VAE", "latent.section=Interpolate&latent.path=clicks"])
def test_sections_that_draw_z_rerun_the_whole_page(app_url, query):
    s, z1, fragment = move_z1(app_url, query)
    assert not s.result.errors
    assert fragment == ""
    assert s.finished == ForwardMsg.FINISHED_SUCCESSFULLY
    assert float(parse_qs(s.query_string)["latent.z1"][0]) == pytest.approx(z1, abs=1e-6)
