"""Figures of the tensors-and-kernels page: specs plotly accepts, 0 white and marked on the diverging
scale, the picked item framed, and classroom sizes."""

import numpy as np
import plotly.graph_objects as go
import pytest
import torch
from apps import values

from explorer import kernels as K
from explorer import zoo
from explorer.data import digits
from explorer.figures import kernels as figs


@pytest.fixture(scope="module")
def parts():
    images, _ = digits("mnist-5k", "test")
    net = zoo.load("classifier")
    weights, biases = K.first_layer(net)
    return images, weights, biases, K.layers(net, images[700, 0])


def every_figure(parts, classroom: bool) -> list:
    images, weights, biases, seen = parts
    x = images[K.batch_indices(700)]
    fmap = K.feature_map(images[700, 0], weights[11], float(biases[11]))
    return [figs.digit_and_crop(x[2, 0], 14, 16, "digit", classroom), figs.digit_and_crop(x[0, 0], 0, 27, "digit", classroom),
            figs.row_bars(x[2, 0, 14], 16, "row", classroom), figs.batch_pictures(x[:, 0], 2, classroom),
            figs.kernel_grid(weights, 11, classroom), figs.kernel_grid(weights, None, classroom, numbers=False),
            figs.kernel_numbers(weights[11], "kernel 11", classroom), figs.feature_map(fmap, "map", classroom),
            figs.digit_picture(images[700, 0], "digit", classroom), figs.layer_maps(seen.conv1, classroom, 8, 11),
            figs.layer_maps(seen.conv2, classroom, 16), figs.probability_bars(seen.probs, 7, classroom)]


@pytest.mark.parametrize("classroom", [False, True])
def test_every_spec_passes_plotly_validation(parts, classroom):
    for fig in every_figure(parts, classroom):
        spec = fig.to_dict()
        checked = go.Figure(spec)  # raises on any unknown property or invalid value
        assert len(checked.data) == len(spec["data"])
        assert len(checked.layout.annotations) == len(spec["layout"].get("annotations", []))


def test_kernels_use_one_diverging_scale_centred_on_zero_with_zero_marked(parts):
    _, weights, _, _ = parts
    spec = figs.kernel_grid(weights, 11, False).to_dict()
    m = float(weights.abs().max())
    assert len(spec["data"]) == 16
    for k, tr in enumerate(spec["data"]):
        assert tr["zmin"] == pytest.approx(-m) and tr["zmax"] == pytest.approx(m)  # 0 sits in the middle: white
        assert np.allclose(values(tr["z"]).reshape(3, 3), weights[k].numpy())
        assert tr["texttemplate"] == "%{z:.2f}"
    assert dict(figs.DIVERGING)[0.5] == "#FFFFFF"
    bar = spec["data"][0]["colorbar"]
    assert 0.0 in bar["tickvals"] and "0" in bar["ticktext"]
    assert [s for s in spec["layout"]["shapes"] if s["xref"] == "x12 domain"]  # kernel 11 (the 12th cell) framed
    assert "texttemplate" not in figs.kernel_grid(weights, 11, True, numbers=False).to_dict()["data"][0]


def test_feature_map_figure_carries_the_map_on_a_symmetric_scale(parts):
    images, weights, biases, _ = parts
    fmap = K.feature_map(images[700, 0], weights[11], float(biases[11]))
    tr = figs.feature_map(fmap, "map", False).to_dict()["data"][0]
    assert np.allclose(values(tr["z"]).reshape(28, 28), fmap.numpy())
    assert tr["zmin"] == -tr["zmax"] == pytest.approx(-float(fmap.abs().max()))
    assert figs.symmetric(torch.zeros(3, 3)) == 1.0  # an all-zero map still gets a usable scale


def test_the_crop_shows_the_numbers_around_the_picked_pixel(parts):
    images, *_ = parts
    digit = images[900, 0]
    spec = figs.digit_and_crop(digit, 14, 16, "digit", False).to_dict()
    crop = values(spec["data"][1]["z"]).reshape(7, 7)
    assert np.allclose(crop, digit[11:18, 13:20].numpy())
    assert spec["layout"]["xaxis2"]["ticktext"][0] == "13" and spec["layout"]["yaxis2"]["ticktext"][0] == "11"
    corner = figs.digit_and_crop(digit, 0, 27, "digit", False).to_dict()  # clamped inside the image
    assert np.allclose(values(corner["data"][1]["z"]).reshape(7, 7), digit[0:7, 21:28].numpy())


@pytest.mark.parametrize("i", range(12))
def test_classroom_mode_makes_every_figure_bigger(parts, i):
    small, big = every_figure(parts, False)[i].to_dict(), every_figure(parts, True)[i].to_dict()
    assert big["layout"]["font"]["size"] > small["layout"]["font"]["size"]
    assert big["layout"]["height"] >= small["layout"]["height"]
