"""The latent page through AppTest: the live map first, a pick sets z and the URL, sections follow.

The map is a Components-v2 widget: AppTest sees the JSON it receives (``payload``) and sends its
``pick`` trigger the way the browser does (``explorer.bench.apptest.with_trigger``). Image URLs in
AppTest are content hashes of the PNG bytes, so equal URLs mean equal pictures.
"""

import base64
import io
import json
import re

import numpy as np
import pytest
import torch
from apps import app_test, figure, values
from PIL import Image

from explorer import zoo
from explorer.bench.apptest import with_trigger
from explorer.data import class_example, digits
from explorer.figures.style import CLASSROOM, NORMAL
from explorer.latent import decode

PAGE = "pages/latent.py"
MAP = "latent.map"


def run(**state):
    at = app_test(PAGE)
    for key, value in state.items():
        at.session_state[key.replace("__", ".")] = value
    at.run()
    assert not at.exception, at.exception
    return at


def payload(at) -> dict:
    """The JSON the live map received on the last run."""
    return json.loads(next(e for e in at.get("bidi_component") if e.key == MAP).proto.json)


def pick(at, z1: float, z2: float):
    """What the browser sends when the map is clicked, a drag ends or z₁/z₂ is let go at (z1, z2)."""
    at._run(with_trigger(at, MAP, "pick", [z1, z2]))
    assert not at.exception, at.exception
    return at


def shown(at) -> np.ndarray:
    """The server's picture of z that the map received (28, 28) in [0, 1]."""
    return np.frombuffer(base64.b64decode(payload(at)["image"]), dtype=np.uint8).reshape(28, 28) / 255.0


def overlays(at, kind: str) -> list[dict]:
    """What the open section draws on the live map: its overlay mount's data (the map's own carries none)."""
    assert payload(at)["overlays"] == []
    (mount,) = [e for e in at.get("bidi_component") if e.key == f"{MAP}.overlays"]
    data = json.loads(mount.proto.json)
    assert data["overlays_for"] == MAP
    return [o for o in data["overlays"] if o["kind"] == kind]


def test_the_first_map_is_the_live_map_with_every_test_digit():
    at = run()
    assert at.title[0].value == "VAE latent map"
    data = payload(at)
    assert len(data["points"]) == 2 * 1000 and sorted(set(data["labels"])) == list(range(10))
    assert data["z"] == [0.0, 0.0] and data["sizes"] == NORMAL and data["decoder_id"]
    assert not at.slider  # z₁ and z₂ are range inputs inside the widget, not Streamlit sliders
    assert [e.key for e in at.get("bidi_component")] == [f"{MAP}.weights", MAP, f"{MAP}.overlays"]
    assert all(figure(at, i)["data"][0]["type"] == "image" for i in range(len(at.get("plotly_chart"))))  # manifold


def test_a_pick_moves_z_the_link_and_the_picture():
    at = run()
    before = shown(at)
    pick(at, 1.25, -0.5)
    assert (at.session_state["latent.z1"], at.session_state["latent.z2"]) == (1.25, -0.5)
    assert at.query_params["latent.z1"] == "1.25" and at.query_params["latent.z2"] == "-0.5"
    assert at.query_params["latent.prev"] == "0,0"  # the point before: one end of a path
    at.session_state["_share.latent.open"] = True
    assert "latent.z1=1.25&latent.z2=-0.5" in at.run().code[0].value  # "copy link to this view"
    data = payload(at)
    assert data["z"] == [1.25, -0.5]
    vae = zoo.load("vae")
    assert np.abs(shown(at) - decode(vae, (1.25, -0.5))).max() <= 0.5 / 255 + 1e-6
    assert np.abs(shown(at) - before).mean() > 0.01
    pick(at, 0.0, 0.0)
    assert np.array_equal(shown(at), before)  # the same z decodes to the same picture


def test_a_pick_is_rounded_to_the_links_resolution():
    at = pick(run(), 0.123456, -2.987654)
    assert payload(at)["z"] == [0.12, -2.99] and at.query_params["latent.z1"] == "0.12"


def test_url_round_trip_restores_z_and_section():
    at = app_test(PAGE)
    at.query_params["latent.z1"] = "1.5"
    at.query_params["latent.z2"] = "-0.75"
    at.query_params["latent.section"] = "Encode"
    at.run()
    assert not at.exception
    assert payload(at)["z"] == [1.5, -0.75]
    assert at.session_state["latent.section"] == "Encode"
    pick(at, 0.5, 2.0)
    assert at.query_params["latent.z1"] == "0.5" and at.query_params["latent.z2"] == "2"


def test_bad_url_values_are_ignored_not_fatal():
    at = app_test(PAGE)
    at.query_params["latent.z1"] = "nan"
    at.query_params["latent.section"] = "<script>"
    at.run()
    assert not at.exception
    assert payload(at)["z"] == [0.0, 0.0] and at.session_state["latent.section"] == "Manifold"


def test_far_url_point_is_clamped_to_the_map():
    at = app_test(PAGE)
    at.query_params["latent.z1"] = "40"
    at.run()
    assert not at.exception
    data = payload(at)
    assert data["z"][0] == data["extent"][1] < 40


def test_classroom_mode_sends_classroom_sizes_to_the_map():
    assert payload(run(classroom=True))["sizes"] == CLASSROOM


def test_interpolation_between_the_last_two_picks_is_drawn_on_the_map():
    at = run(latent__section="Interpolate", latent__path="clicks")
    assert any("Pick two places" in i.value for i in at.info)
    assert overlays(at, "path") == []
    pick(pick(at, -1.0, 0.5), 1.5, -1.0)
    (path,) = overlays(at, "path")
    xy = np.reshape(path["points"], (-1, 2))
    assert len(xy) == at.session_state["latent.steps"]
    assert np.allclose(xy[[0, -1]], [[-1.0, 0.5], [1.5, -1.0]], atol=1e-6) and path["ends"] == ["A", "B"]
    assert len(at.get("image")) == 1  # the strip (the digit at z is drawn inside the map)


def test_interpolation_between_two_digits_changes_with_the_choice():
    at = run(latent__section="Interpolate")
    strip, path = at.get("image")[0].proto.imgs[0].url, overlays(at, "path")
    at.selectbox(key="latent.to").set_value(0).run()
    assert not at.exception and at.get("image")[0].proto.imgs[0].url != strip
    assert overlays(at, "path") != path  # the path on the map moved with the choice


def test_manifold_spacing_toggle_changes_the_grid():
    at = run(latent__section="Manifold")
    ticks = figure(at, 0)["layout"]["xaxis"]["ticktext"]
    at.session_state["latent.spacing"] = "icdf"
    at.run()
    icdf = figure(at, 0)["layout"]["xaxis"]["ticktext"]
    assert ticks != icdf and float(icdf[-1]) < float(ticks[-1])  # Φ⁻¹(0.975) ≈ 1.96 < the map's edge


def test_sampling_draws_again_with_a_new_seed_and_marks_the_digit_on_the_map():
    at = run(latent__section="Sampling")
    samples = next(t for t in figure(at, 0)["data"] if t.get("name", "").startswith("samples"))
    assert len(values(samples["x"])) == at.session_state["latent.samples"]
    (star,) = overlays(at, "point")
    assert star["z"] == pytest.approx(values(figure(at, 0)["data"][-1]["x"]).tolist() + values(
        figure(at, 0)["data"][-1]["y"]).tolist(), abs=1e-4)  # the same μ as the zoomed view's star
    strip = at.get("image")[-1].proto.imgs[0].url
    next(b for b in at.button if b.label == "Draw again").click().run()
    assert at.session_state["latent.seed"] == 1 and at.get("image")[-1].proto.imgs[0].url != strip


def test_encode_marks_the_digit_and_moves_z_to_its_code():
    at = run(latent__section="Encode", latent__digit=4, latent__example=2)
    (star,) = overlays(at, "point")
    assert "a 4" in star["label"]
    next(b for b in at.button if b.label == "Decode this point on the map").click().run()
    assert not at.exception
    assert payload(at)["z"] == pytest.approx(star["z"], abs=0.006)


def test_ae_vs_vae_renders_with_the_shipped_model():
    if zoo.verify("ae") is not None:
        pytest.skip("the AE checkpoint is not shipped yet (the page would train it)")
    at = run(latent__section="AE vs VAE")
    assert len(at.get("image")) >= 2


def rows_of_digits(at) -> str:
    (rows,) = [h.proto.body for h in at.get("html") if 'class="explorer-rows"' in h.proto.body]
    return rows


def test_more_latents_draws_four_labelled_rows_that_follow_the_example():
    missing = [m for m in ("vae8", "vae16") if zoo.verify(m) is not None]
    if missing:
        pytest.skip(f"checkpoints not shipped yet: {missing} (the page would train them)")
    at = run(latent__section="More latents")
    rows = rows_of_digits(at)
    assert rows.count("<img ") == 4 and rows.count('alt="') == 4
    assert "<b>original</b>" in rows and all(f"<b>{d} latents · error " in rows for d in (2, 8, 16))
    at.slider(key="latent.example").set_value(7).run()
    assert not at.exception
    assert rows_of_digits(at) != rows  # other digits, other pictures


def test_more_latents_rows_are_each_models_reconstruction_of_the_ten_chosen_digits():
    """Each row's picture and error are the model's decoder at the encoder's μ of the example-th test digit of each
    class, computed here with torch directly."""
    missing = [m for m in ("vae8", "vae16") if zoo.verify(m) is not None]
    if missing:
        pytest.skip(f"checkpoints not shipped yet: {missing}")
    at = run(latent__section="More latents", latent__example=37)
    images, labels = digits("mnist-5k", "test")
    x = images[[class_example(labels.numpy(), k, 37) for k in range(10)]]  # (10, 1, 28, 28)
    pictures = re.findall(r'src="data:image/png;base64,([^"]+)"', rows_of_digits(at))
    for name, row in (("vae", 1), ("vae8", 2), ("vae16", 3)):
        model = zoo.load(name)
        with torch.inference_mode():
            rec = torch.sigmoid(model.decode(model.encode(x)[0]))  # (10, 1, 28, 28)
        assert f"latents · error {torch.mean((rec - x) ** 2).item():.3f}" in rows_of_digits(at).split("<b>")[row + 1]
        shown = np.asarray(Image.open(io.BytesIO(base64.b64decode(pictures[row]))))
        k = shown.shape[0] // 30  # the strip's whole enlargement: 28 pixels and a 1-pixel border each side
        digit = shown[k:k + 28 * k:k, k:k + 28 * k:k] / 255.0  # the first digit, back at 28 × 28
        assert np.abs(digit - rec[0, 0].numpy()).max() <= 1 / 255 + 1e-6


def test_ae_vs_vae_follows_a_pick():
    if zoo.verify("ae") is not None:
        pytest.skip("the AE checkpoint is not shipped yet")
    at = run(latent__section="AE vs VAE")
    pictures = [i.proto.imgs[0].url for i in at.get("image")]
    pick(at, -1.5, 1.0)
    for i in range(2):
        assert values(figure(at, i)["data"][-1]["x"]).tolist() == [-1.5]  # the star on both small maps
    assert [i.proto.imgs[0].url for i in at.get("image")] != pictures  # both decoders drew the new z


def test_controls_of_a_hidden_section_keep_their_values():
    at = run(latent__section="Sampling")
    at.button_group(key="latent.digit").set_value(5).run()
    at.button_group(key="latent.section").set_value("Manifold").run()
    at.button_group(key="latent.spacing").set_value("icdf").run()
    at.button_group(key="latent.section").set_value("Sampling").run()
    assert at.button_group(key="latent.digit").value == 5
    at.button_group(key="latent.section").set_value("Manifold").run()
    assert at.button_group(key="latent.spacing").value == "icdf"
    assert at.query_params["latent.spacing"] == "icdf" and at.query_params["latent.digit"] == "5"
