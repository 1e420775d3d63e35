"""On a real server, a pick on the live map reruns only the map (st.fragment), unless the section
below draws z too (then the page's body, still not the frame around it); the URL follows z either way.
The link box and a model card are fragments of their own: opening one redraws only it."""

import json
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


def pick_once(url: str, query: str) -> tuple[Session, list[float], str]:
    """Open the latent page with ``query`` and pick one point on the live map, as its release does:
    (session, the picked z, the map's fragment id)."""
    async def go():
        s = Session(url, "latent", random.Random(3), LoadResult(url, "latent", 1, 0), 120.0, None)
        s.query_string = query
        await s.open()
        await s.rerun()
        live = next(w for w in s.widgets.values() if w.id.endswith("latent.map"))
        assert live.kind == "bidi_component" and live.actionable
        live.act(s.rng)
        z = json.loads(live.state.json_trigger_value)[0]["value"]
        await s.rerun(live.fragment_id)
        await s.ws.close()
        return s, z, live.fragment_id
    return run_sync(go)


def test_a_pick_reruns_only_the_map_and_the_link_follows(app_url):
    s, z, fragment = pick_once(app_url, "")
    assert not s.result.errors
    assert fragment, "the live map should sit in a fragment on the default (Manifold) section"
    assert s.finished == ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY
    section = next(w for w in s.widgets.values() if w.id.endswith("latent.section"))
    assert section.fragment_id not in ("", fragment)  # the section tabs are outside the map's fragment
    query = parse_qs(s.query_string)
    assert [float(query["latent.z1"][0]), float(query["latent.z2"][0])] == pytest.approx(z, abs=1e-6)
    live = next(w for w in s.widgets.values() if w.id.endswith("latent.map"))
    assert live.state is None  # a trigger fires once: the next rerun does not pick again


@pytest.mark.parametrize("query", ["latent.section=AE+vs+VAE", "latent.section=Interpolate&latent.path=clicks"])
def test_sections_that_draw_z_rerun_the_whole_page(app_url, query):
    s, z, fragment = pick_once(app_url, query)
    assert not s.result.errors
    section = next(w for w in s.widgets.values() if w.id.endswith("latent.section"))
    assert fragment and fragment == section.fragment_id  # the page's body reruns, with the section below
    assert s.finished == ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY
    query = parse_qs(s.query_string)
    assert [float(query["latent.z1"][0]), float(query["latent.z2"][0])] == pytest.approx(z, abs=1e-6)



@pytest.mark.parametrize(("page", "box", "body_control"), [("restore", "_share.restore.open", "restore.noise"),
                                                          ("latent", "_card.vae.mnist-5k", "latent.section")])
def test_opening_the_link_box_or_the_model_card_redraws_only_that_box(app_url, page, box, body_control):
    async def go():
        s = Session(app_url, page, random.Random(5), LoadResult(app_url, page, 1, 0), 120.0, None)
        await s.open()
        await s.rerun()
        expander = next(w for w in s.widgets.values() if w.id.endswith(box) or w.id.endswith(box + ".open"))
        body = next(w for w in s.widgets.values() if w.id.endswith(body_control))
        assert expander.kind == "expander" and expander.fragment_id not in ("", body.fragment_id)
        drawn: list[str] = []
        s.on_delta = lambda fwd, seen, *where: drawn.append(fwd.delta.WhichOneof("type")) or True
        expander.act(s.rng)  # it opens
        await s.rerun(expander.fragment_id)
        await s.ws.close()
        return s, drawn
    s, drawn = run_sync(go)
    assert not s.result.errors
    assert s.finished == ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY
    assert drawn and len(drawn) < 12, drawn  # the box and what is inside it, not the page's dozens of elements
