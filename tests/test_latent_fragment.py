"""On a real server, a pick on the live map reruns only the map (st.fragment), unless the section
below draws z too (then the page's body, still not the frame around it); the URL follows z either way.
A control of the open section reruns only the section, and the map takes its overlays from the section's
overlay mount; a section control that moves z, or makes the section draw z, reruns the page.
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


def open_at(url: str, query: str):
    """A session on the latent page opened with ``query``, after its first run."""
    s = Session(url, "latent", random.Random(4), LoadResult(url, "latent", 1, 0), 120.0, None)
    s.query_string = query
    return s


def widget(s: Session, key: str):
    return next(w for w in s.widgets.values() if w.id.endswith(key))


def data_of(s: Session, key: str) -> dict:
    return json.loads(widget(s, key).element.json)


def test_a_sections_own_control_reruns_only_the_section_and_its_overlay_moves_on_the_map(app_url):
    async def go():
        s = open_at(app_url, "latent.section=Encode&latent.digit=3")
        await s.open()
        await s.rerun()
        star = data_of(s, "latent.map.overlays")["overlays"]
        digit, body = widget(s, "latent.digit"), widget(s, "latent.section")
        assert digit.fragment_id not in ("", body.fragment_id, widget(s, "latent.map").fragment_id)
        drawn: list[str] = []
        seen = s.on_delta
        s.on_delta = lambda fwd, *rest: drawn.append(fwd.delta.WhichOneof("type")) or seen(fwd, *rest)
        digit.state.string_array_value.data[:] = ["8"]  # the segmented control's new value
        await s.rerun(digit.fragment_id)
        await s.ws.close()
        return s, star, drawn
    s, star, drawn = run_sync(go)
    assert not s.result.errors and s.finished == ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY
    (moved,) = data_of(s, "latent.map.overlays")["overlays"]
    assert "a 3" in star[0]["label"] and "a 8" in moved["label"] and moved["z"] != star[0]["z"]
    assert "latent.digit=8" in s.query_string  # the link follows the section's control
    assert len(drawn) < 25, drawn  # the section, not the map and the page around it


def test_a_button_under_the_map_that_moves_z_redraws_the_map_there(app_url):
    async def go():
        s = open_at(app_url, "latent.section=Encode&latent.digit=4&latent.example=2")
        await s.open()
        await s.rerun()
        (star,) = data_of(s, "latent.map.overlays")["overlays"]
        button = next(w for w in s.widgets.values() if w.kind == "button" and "Decode this point" in w.element.label)
        button.act(s.rng)
        await s.rerun(button.fragment_id)
        await s.ws.close()
        return s, star
    s, star = run_sync(go)
    assert not s.result.errors
    assert s.finished == ForwardMsg.FINISHED_SUCCESSFULLY  # the section's run asked for the page's
    assert data_of(s, "latent.map")["z"] == pytest.approx(star["z"], abs=0.006)


def test_switching_a_section_to_draw_z_puts_the_map_back_into_the_page_run(app_url):
    async def go():
        s = open_at(app_url, "latent.section=Interpolate")
        await s.open()
        await s.rerun()
        assert widget(s, "latent.map").fragment_id != widget(s, "latent.section").fragment_id
        path = widget(s, "latent.path")
        path.state.string_array_value.data[:] = ["last two clicks"]  # as the browser sends it: the option's label
        await s.rerun(path.fragment_id)
        await s.ws.close()
        return s
    s = run_sync(go)
    assert not s.result.errors and s.finished == ForwardMsg.FINISHED_SUCCESSFULLY
    assert widget(s, "latent.map").fragment_id == widget(s, "latent.section").fragment_id  # a pick reruns both
