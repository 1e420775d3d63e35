"""The websocket load client: its protocol pieces, and small real loads on `streamlit run` (-m load)."""

import asyncio
import json
import random
import statistics

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
import pytest
from apps import app_test
from streamlit.proto.Element_pb2 import Element
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from explorer.bench.load import pages_with_controls, paired_ratios, warm
from explorer.bench.loadtest import LoadResult, Session, run_load, run_sync
from explorer.bench.loadtest_http import check_loopback
from explorer.bench.loadtest_widgets import Widget, _array, click_selection, widget_from_element
from explorer.bench.server import APP_SCRIPT, FLOOR_SCRIPT, streamlit_server

LATENT_CONTROLS = ("latent.map",)  # the live map: its pick is the one message a move of z sends


@pytest.mark.parametrize("url", ["http://127.0.0.1:8501", "http://127.3.4.5:1", "http://localhost:9",
                                 "http://[::1]:8501"])
def test_loopback_targets_are_allowed(url):
    check_loopback(url)


@pytest.mark.parametrize("url", ["http://10.0.0.1:8501", "http://192.168.1.2", "http://example.com",
                                 "http://8.8.8.8:80"])
def test_other_targets_are_refused(url):
    with pytest.raises(ValueError, match="loopback"):
        check_loopback(url)


def test_run_sync_runs_a_coroutine_also_under_a_running_event_loop():
    assert run_sync(lambda: asyncio.sleep(0, result=3)) == 3

    async def inside_a_loop():  # as under Playwright's sync API, where asyncio.run would refuse
        asyncio.get_running_loop()
        return run_sync(lambda: asyncio.sleep(0, result=7))
    assert run_sync(inside_a_loop) == 7


def test_run_load_refuses_a_remote_url_before_connecting():
    with pytest.raises(ValueError, match="loopback"):
        run_load("http://10.1.2.3:8501", 1, duration=1)


def _slider(value=None) -> Element:
    el = Element()
    s = el.slider
    s.id, s.min, s.max, s.step = "$$ID-abc-latent.z1", -3.0, 3.0, 0.05
    s.default.append(0.0)
    if value is not None:
        s.value.append(value)
        s.set_value = True
    return el


def test_a_new_slider_reports_its_default_and_a_move_stays_on_its_grid():
    w = widget_from_element(_slider(), "", None)
    assert w.actionable and list(w.state.double_array_value.data) == [0.0]
    rng = random.Random(0)
    for _ in range(20):
        before = list(w.state.double_array_value.data)
        w.act(rng)
        (v,) = w.state.double_array_value.data
        assert v != before[0] and -3.0 <= v <= 3.0
        assert abs((v + 3.0) / 0.05 - round((v + 3.0) / 0.05)) < 1e-6


def test_the_browser_keeps_its_value_unless_the_server_sets_one():
    known = widget_from_element(_slider(), "frag", None)
    known.act(random.Random(1))
    moved = list(known.state.double_array_value.data)
    again = widget_from_element(_slider(), "frag", known)
    assert list(again.state.double_array_value.data) == moved and again.fragment_id == "frag"
    forced = widget_from_element(_slider(value=1.25), "frag", known)  # e.g. a map click set the slider
    assert list(forced.state.double_array_value.data) == [1.25]


def test_a_click_lands_on_the_invisible_grid_with_its_coordinates():
    gx, gy = np.meshgrid(np.linspace(-2, 2, 5), np.linspace(-2, 2, 5))
    fig = go.Figure([go.Scattergl(x=gx.ravel(), y=gy.ravel(), mode="markers", marker={"opacity": 0}),
                     go.Scattergl(x=np.arange(50.0), y=np.arange(50.0), mode="markers")])
    spec = pio.to_json(fig)
    assert isinstance(json.loads(spec)["data"][0]["x"], dict)  # Plotly sends typed arrays (bdata)
    sel = click_selection(spec, random.Random(3))["selection"]
    (p,) = sel["points"]
    assert p["curve_number"] == 0 and sel["point_indices"] == [p["point_index"]]
    assert (p["x"], p["y"]) == (gx.ravel()[p["point_index"]], gy.ravel()[p["point_index"]])


def _element(kind: str, proto) -> Element:
    el = Element()
    getattr(el, kind).CopyFrom(proto)
    return el


def _controls(page: str) -> dict[str, tuple[str, object]]:
    """Every widget element of a real page after its first run: key -> (kind, element proto)."""
    at = app_test(page)
    at.session_state["_softmax.real"] = True  # the classifier's box on the softmax page, opened
    at.run()
    found = {}
    # AppTest's kinds -> the element field the browser receives (a select_slider is a Slider, a toggle a Checkbox)
    for kind, field in (("slider", "slider"), ("select_slider", "slider"), ("number_input", "number_input"),
                        ("selectbox", "selectbox"), ("radio", "radio"), ("button_group", "button_group"),
                        ("toggle", "checkbox"), ("checkbox", "checkbox"), ("button", "button")):
        for w in at.get(kind):
            found[w.proto.id.rsplit("-", 1)[-1]] = (field, w.proto)
    return found


@pytest.mark.parametrize("page,key", [("pages/descent_1d.py", "gd1.opt"),
                                      ("pages/descent_2d.py", "gd2.opts"), ("pages/fit_line.py", "fit.scale"),
                                      ("pages/softmax.py", "softmax.digit"), ("pages/restore.py", "restore.source"),
                                      ("pages/latent.py", "latent.section")])
def test_every_control_kind_moves_to_a_fresh_value_within_its_range(page, key):
    kind, proto = _controls(page)[key]
    w = widget_from_element(_element(kind, proto), "", None)
    assert w.actionable
    rng, seen = random.Random(1), set()
    for _ in range(12):
        before = w.state.SerializeToString()
        w.act(rng)
        value = getattr(w.state, w.state.WhichOneof("value"))
        value = tuple(value.data) if hasattr(value, "data") else value
        assert w.state.SerializeToString() != before, (key, value)  # a person moves it somewhere else
        seen.add(value)
        if kind == "number_input":
            assert (not proto.has_min or value >= proto.min) and (not proto.has_max or value <= proto.max)
        labels = [o.content if hasattr(o, "content") else o for o in getattr(proto, "options", [])]
        if labels:
            assert set([value] if isinstance(value, str) else value) <= set(labels)
    assert len(seen) >= (2 if kind == "checkbox" else min(4, len(labels) or 4))  # fresh values, not one cache key


def test_a_button_sends_its_trigger_once():
    buttons = [p for k, p in _controls("pages/restore.py").values() if k == "button"]
    w = widget_from_element(_element("button", buttons[0]), "", None)
    assert w.state is None and w.actionable
    w.act(random.Random(0))
    assert w.state.trigger_value is True
    w.sent()
    assert w.state is None


def test_a_button_drawn_again_by_the_run_it_started_is_not_pressed_again():
    buttons = [p for k, p in _controls("pages/restore.py").values() if k == "button"]
    w = widget_from_element(_element("button", buttons[0]), "", None)
    w.act(random.Random(0))  # pressed: the run it starts draws the button again before the press is done
    again = widget_from_element(_element("button", buttons[0]), "", w)
    w.sent()
    assert again.state is None and again.actionable


def test_typed_and_plain_arrays_decode_alike():
    a = np.array([0.5, -1.25, 3.0])
    typed = json.loads(pio.to_json(go.Figure(go.Scatter(x=a, y=a))))["data"][0]["x"]
    assert np.array_equal(_array(typed), a) and np.array_equal(_array([0.5, -1.25, 3.0]), a)


@pytest.mark.load
def test_floor_page_under_three_sessions():
    with streamlit_server(FLOOR_SCRIPT) as server:
        url = server.url
        res = run_load(url, 3, duration=6.0, pace=(0.5, 1.0))
    assert sum(res.errors.values()) == 0, res.errors
    assert len(res.first_load_ms) == 3 and len(res.latencies_ms) >= 6
    assert res.actions["slider"] == len(res.latencies_ms)
    assert res.images > 3  # every slider move brought a new image: the server saw the new value
    assert 0 < res.pct(50) <= res.pct(95)


@pytest.mark.load
def test_a_pages_ratio_is_the_median_of_its_floor_then_page_pairs():
    (row,) = paired_ratios(["softmax"], n=3, duration=3.0, pairs=3, log=lambda *_: None)
    assert row["target"] == "softmax" and row["n"] == 3 and row["errors"] == 0
    assert len(row["floor_p95_ms"]) == len(row["p95_ms"]) == 3 and all(row["floor_p95_ms"]) and all(row["p95_ms"])
    assert row["ratios"] == pytest.approx([p / f for p, f in zip(row["p95_ms"], row["floor_p95_ms"], strict=True)])
    assert row["ratio"] == statistics.median(row["ratios"])


@pytest.fixture(scope="module")
def app_url():
    """One `streamlit run` of the whole app, warmed on the latent page (model loaded, digits encoded)."""
    with streamlit_server(APP_SCRIPT) as server:
        warm(server.url, "latent")
        yield server.url


@pytest.mark.load
@pytest.mark.parametrize("page", pages_with_controls())
def test_every_page_under_three_sessions_moving_any_control(app_url, page):
    warm(app_url, page)  # its models loaded and first run done, as for a class that opens a warm server
    res = run_load(app_url, 3, duration=8.0, page=page, pace=(0.3, 0.6), timeout=120)
    assert sum(res.errors.values()) == 0, (page, res.errors)
    assert len(res.latencies_ms) >= 9 and len(res.actions) >= 2, res.actions  # several kinds of control moved


@pytest.mark.load
def test_latent_page_under_three_sessions(app_url):
    res = run_load(app_url, 3, duration=10.0, page="latent", pace=(0.5, 1.0), only=LATENT_CONTROLS, timeout=120)
    assert sum(res.errors.values()) == 0, res.errors
    assert res.actions["bidi_component"] == len(res.latencies_ms) > 0
    assert 0 < res.pct(50) <= res.pct(95)


def _live_map(data: dict) -> Element:
    el = Element()
    el.bidi_component.id = "$$ID-abc-latent.map"
    el.bidi_component.json = json.dumps(data)
    return el


def test_a_pick_on_the_live_map_is_a_one_shot_trigger_inside_its_extent():
    w = widget_from_element(_live_map({"extent": [-2.0, 2.0, -1.0, 1.0], "z": [0, 0]}), "frag", None)
    assert w.actionable and w.state is None  # a component reports nothing until it fires
    w.act(random.Random(2))
    assert w.state.id.startswith("$$STREAMLIT_INTERNAL_KEY_$$ID-abc-latent.map") and w.state.id.endswith("__events")
    (payload,) = json.loads(w.state.json_trigger_value)
    z1, z2 = payload["value"]
    assert payload["event"] == "pick" and -2 <= z1 <= 2 and -1 <= z2 <= 1
    again = widget_from_element(_live_map({"extent": [-2.0, 2.0, -1.0, 1.0], "z": [z1, z2]}), "frag", w)
    assert again.state is None  # the rerun that carried the pick leaves no trigger to send again
    weights = widget_from_element(_live_map({"id": "x", "layers": []}), "frag", None)
    assert not weights.actionable  # the decoder's mount is not a control


def move_once(url: str, page: str, suffix: str) -> tuple:
    """One session opens ``page``, fires the trigger of the widget whose id ends with ``suffix`` once (a fresh
    value), and reruns: (the value sent, the widget's next data, the session's errors)."""
    async def once():
        s = Session(url, page, random.Random(0), LoadResult(url, page, 1, 0), 120.0, None)
        await s.open()
        await s.rerun()
        live = next(w for w in s.widgets.values() if w.id.endswith(suffix))
        live.act(random.Random(5))
        sent = json.loads(live.state.json_trigger_value)[0]["value"]
        await s.rerun(live.fragment_id)
        data = json.loads(next(w for w in s.widgets.values() if w.id.endswith(suffix)).element.json)
        await s.ws.close()
        return sent, data, s.result.errors

    return run_sync(once)


@pytest.mark.load
def test_a_pick_on_the_live_map_moves_z(app_url):
    sent, data, errors = move_once(app_url, "latent", "latent.map")
    assert not errors
    assert data["z"] == pytest.approx(sent, abs=1e-9)  # the map's next data carries the picked z


def test_a_release_of_the_live_descent_widget_moves_one_control_to_a_fresh_value_in_range():
    data = {"mode": "surface", "domain": [[-2.0, 2.0], [-1.0, 3.0]], "start": [0.5, 0.5],
            "controls": {"lr": {"choices": [0.01, 0.1, 1.0], "value": 0.1}, "steps": {"range": [1, 500, 1], "value": 30}}}
    el = Element()
    el.bidi_component.id = "$$ID-abc-gd2.live"
    el.bidi_component.json = json.dumps(data)
    w = widget_from_element(el, "", None)
    assert w.actionable and w.state is None
    rng, seen = random.Random(4), set()
    for _ in range(12):
        w.act(rng)
        (payload,) = json.loads(w.state.json_trigger_value)
        sent = payload["value"]
        assert payload["event"] == "release" and set(sent) == {"lr", "steps", "start"}
        moved = {k for k in ("lr", "steps") if sent[k] != data["controls"][k]["value"]} | \
            ({"start"} if sent["start"] != data["start"] else set())
        assert len(moved) == 1  # a person lets go of one control at a time
        assert sent["lr"] in (0.01, 0.1, 1.0) and 1 <= sent["steps"] <= 500
        assert -2 <= sent["start"][0] <= 2 and -1 <= sent["start"][1] <= 3
        seen.add(json.dumps(sent, sort_keys=True))
        w.sent()
    assert len(seen) >= 6  # fresh values, not one cache key


def test_a_release_of_the_live_softmax_widget_moves_one_value_to_a_fresh_place_and_the_page_takes_it():
    at = app_test("pages/softmax.py").run()
    (proto,) = [e.proto for e in at.get("bidi_component") if getattr(e, "key", None) == "softmax.live"]
    w = widget_from_element(_element("bidi_component", proto), "", None)
    assert w.actionable and w.state is None  # a component reports nothing until it fires
    data = json.loads(proto.json)
    before = {name: spec["value"] for name, spec in data["controls"].items()} | {"true": data["true"]["value"]}
    rng, seen = random.Random(6), set()
    for _ in range(40):
        w.act(rng)
        (payload,) = json.loads(w.state.json_trigger_value)
        sent = payload["value"]
        assert payload["event"] == "release" and set(sent) == set(before)
        (moved,) = [k for k in sent if sent[k] != before[k]]  # a person lets go of one control at a time
        if moved == "true":
            assert sent["true"] in range(10)
        else:
            lo, hi, step = data["controls"][moved]["range"]
            assert lo <= sent[moved] <= hi and sent[moved] == round(sent[moved], 1)
        seen.add(moved)
        w.sent()
        assert w.state is None
    assert len(seen) >= 8  # the temperature, the true class and logits all get moved
    w.act(random.Random(1))
    sent = json.loads(w.state.json_trigger_value)[0]["value"]
    states = at._tree.get_widget_states()
    states.widgets.append(w.state)
    at._run(states)  # the page reruns with the moved value: its callback took the release
    assert not at.exception
    assert {k: at.session_state[f"softmax.{k}"] for k in sent} == sent


@pytest.mark.load
@pytest.mark.parametrize("page", ["descent_1d", "descent_2d", "fit_line"])
def test_a_release_of_the_live_descent_widget_reruns_the_page_with_its_values(app_url, page):
    sent, data, errors = move_once(app_url, page, ".live")
    assert not errors
    shown = {name: spec["value"] for name, spec in data["controls"].items()}
    assert shown == pytest.approx({k: v for k, v in sent.items() if k in shown})  # the next data carries the release
    if "start" in sent:
        assert data["start"] == pytest.approx(sent["start"])


def test_cached_messages_expire_after_two_unused_runs_as_in_the_browser():
    s = Session("http://127.0.0.1:9", "", random.Random(0), LoadResult("", "", 1, 0), 1.0, None)
    msg = ForwardMsg(hash="abc")
    msg.metadata.cacheable = True
    msg.delta.new_element.markdown.body = "x" * 20_000
    s.on_delta(msg, set())
    for _ in range(2):
        s.age_cache()
    assert "abc" in s.back_msg().rerun_script.cached_message_hashes
    s.age_cache()  # a third run without it: gone, so the server sends it in full again
    assert "abc" not in s.back_msg().rerun_script.cached_message_hashes


def _widget(path: tuple, fragment: str) -> Widget:
    return Widget(f"id{path}", "checkbox", fragment, None, None, actionable=True, path=path)


def test_a_fragments_rerun_drops_what_it_no_longer_draws_and_a_full_run_keeps_only_what_it_drew():
    s = Session("http://127.0.0.1:9", "", random.Random(0), LoadResult("", "", 1, 0), 1.0, None)
    inside, nested, outside = _widget((0, 2, 1), "F"), _widget((0, 2, 3, 0, 1), "G"), _widget((1, 0), "")
    s.widgets = {w.id: w for w in (inside, nested, outside)}
    s.fragment_roots = {"F": (0, 2), "G": (0, 2, 3, 0)}
    s.forget_unseen("F", {inside.id}, {})  # F drew `inside` again, and not the section holding `nested`
    assert set(s.widgets) == {inside.id, outside.id}
    s.forget_unseen("", {outside.id}, {"H": (0, 1)})  # a whole run: only what it drew stays
    assert set(s.widgets) == {outside.id} and s.fragment_roots == {"H": (0, 1)}


@pytest.mark.load
@pytest.mark.parametrize("page", ["tensors", "gradient_tape", "restore"])
def test_one_session_moves_any_control_many_times_and_every_rerun_finishes(app_url, page):
    """Tabs that move, sections that come and go, a dialog: each move is one a person could make, so each rerun
    ends (a control of a section no longer shown would be a rerun the server never runs)."""
    async def go():
        s = Session(app_url, page, random.Random(0), LoadResult(app_url, page, 1, 0), 60.0, None)
        await s.open()
        await s.rerun()
        for _ in range(60):
            assert await s.act() is not None, s.result.errors
        await s.ws.close()
        return s
    s = run_sync(go)
    assert not s.result.errors
    assert page != "tensors" or s.result.actions["tabs"] > 0  # the stateful tabs are a control too
    texts = [w for w in s.widgets.values() if w.kind == "text_input"]
    assert page != "gradient_tape" or texts[0].state.string_value  # the formula box sends its text back
