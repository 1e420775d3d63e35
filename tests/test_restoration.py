"""Restoration library: PSNR and hole MSE by closed form, reproducible noise, masks, the PSNR curve."""

import math

import numpy as np
import plotly.graph_objects as go
import pytest
import torch

from explorer import baselines, restoration
from explorer.data import digits
from explorer.figures.restore import HOLE_RGB, error_map, hole_overlay
from explorer.figures.restore import psnr_curve as figure
from explorer.scores import psnr


@pytest.fixture(scope="module")
def some_digits():
    return digits("mnist-5k", "test")[0][::50]  # (20, 1, 28, 28), two per class


@pytest.mark.parametrize("offset", [0.5, 0.1, 0.01])
def test_psnr_closed_form(offset):
    ref = torch.full((2, 1, 28, 28), 0.25)
    # a constant offset d gives MSE d², so PSNR = 10 log10(1 / d²) = -20 log10 d
    assert psnr(ref + offset, ref) == pytest.approx(-20 * math.log10(offset), rel=1e-5)


def test_psnr_of_identical_images_is_infinite():
    x = torch.rand(1, 1, 28, 28)
    assert psnr(x, x.clone()) == math.inf


def test_hole_mse_only_counts_the_hole():
    truth = torch.zeros(1, 1, 28, 28)
    mask = restoration.make_mask("rectangle", top=0, left=0, height=2, width=2)  # 4 missing pixels
    guess = truth.clone()
    guess[0, 0, 0, 0] = 0.5  # inside the hole: squared error 0.25 over 4 pixels
    guess[0, 0, 20:, 20:] = 1.0  # outside the hole: must not count
    assert restoration.hole_mse(guess, truth, mask) == pytest.approx(0.25 / 4)


def test_hole_mse_without_a_hole_is_none():
    x = torch.rand(1, 1, 28, 28)
    assert restoration.hole_mse(x, x, torch.ones(1, 1, 28, 28)) is None


def test_same_seed_same_noise_other_seed_other_noise(some_digits):
    for kind in restoration.NOISES:
        a = restoration.add_noise(some_digits, kind, 0.3, seed=7)
        torch.testing.assert_close(a, restoration.add_noise(some_digits, kind, 0.3, seed=7))
        assert not torch.equal(a, restoration.add_noise(some_digits, kind, 0.3, seed=8))
    with pytest.raises(ValueError, match="noise must be one of"):
        restoration.add_noise(some_digits, "speckle", 0.3)


@pytest.mark.parametrize("shape, kwargs, missing", [
    ("rectangle", {"top": 3, "left": 5, "height": 4, "width": 6}, 24),
    ("rectangle", {"top": 20, "left": 20, "height": 12, "width": 12}, 64),  # clipped at the border
    ("horizontal stripe", {"top": 10, "height": 3}, 3 * 28),
    ("vertical stripe", {"left": 26, "width": 5}, 2 * 28),
    ("half", {"side": "left"}, 14 * 28),
    ("centre hole", {}, 144),
])
def test_mask_geometry(shape, kwargs, missing):
    mask = restoration.make_mask(shape, **kwargs)
    assert mask.shape == (1, 1, 28, 28)
    assert int((mask == 0).sum()) == missing


def test_random_pixel_mask_fraction_and_seed():
    mask = restoration.make_mask("random pixels", fraction=0.3, seed=3)
    assert abs((mask == 0).float().mean().item() - 0.3) < 0.06
    torch.testing.assert_close(mask, restoration.make_mask("random pixels", fraction=0.3, seed=3))


def test_denoise_scores_each_output(some_digits):
    clean = some_digits[:1]
    result = restoration.denoise(lambda x: x, clean, "gaussian", 0.4, "median 3×3", seed=1)
    noisy = restoration.add_noise(clean, "gaussian", 0.4, seed=1)
    torch.testing.assert_close(result.noisy, noisy)
    assert result.psnr_denoised == result.psnr_noisy == psnr(noisy, clean)  # identity "denoiser"
    assert result.psnr_baseline == psnr(baselines.median_filter(noisy, 3), clean)
    torch.testing.assert_close(result.error, (noisy - clean).abs()[0, 0])


def test_zero_noise_gives_infinite_psnr(some_digits):
    result = restoration.denoise(lambda x: x, some_digits[:1], "salt-and-pepper", 0.0, "blur σ=0.5")
    assert result.psnr_noisy == math.inf and result.psnr_denoised == math.inf
    assert math.isfinite(result.psnr_baseline)


def test_inpaint_scores_the_hole_against_mean_fill(some_digits):
    truth, mask = some_digits[3:4], restoration.make_mask("centre hole")
    oracle = restoration.inpaint(lambda x, m: truth, truth, mask)  # knows the answer
    assert oracle.mse_inpainted == 0 and oracle.mse_mean_fill > 0.05
    assert oracle.missing == 144
    torch.testing.assert_close(oracle.masked, truth * mask)
    everything = restoration.inpaint(lambda x, m: x, truth, torch.zeros(1, 1, 28, 28))
    assert everything.mse_inpainted == pytest.approx((truth ** 2).mean().item())
    nothing = restoration.inpaint(lambda x, m: x, truth, torch.ones(1, 1, 28, 28))
    assert nothing.mse_inpainted is None and nothing.missing == 0


def test_psnr_curve_falls_with_noise_and_matches_direct_scores(some_digits):
    tuning = restoration.tuning_digits()[::5]
    levels = (0.1, 0.5, 0.9)

    def blur(x):  # a stand-in "network"
        return baselines.gaussian_blur(x, 1.0)

    curve = restoration.psnr_curve(blur, some_digits, "gaussian", tuning, levels, seed=4)
    assert list(curve.levels) == list(levels)
    assert curve.noisy[0] > curve.noisy[1] > curve.noisy[2]
    noisy = restoration.add_noise(some_digits, "gaussian", 0.5, seed=4)
    assert curve.noisy[1] == pytest.approx(psnr(noisy, some_digits))
    assert curve.learned[1] == pytest.approx(psnr(blur(noisy), some_digits))
    assert curve.filters[1] == restoration.choose_filter("gaussian", 0.5, tuning, seed=4)
    assert curve.baseline[1] == pytest.approx(psnr(baselines.apply_filter(curve.filters[1], noisy), some_digits))


def test_error_map_and_hole_overlay_colours():
    err = np.zeros((28, 28), np.float32)
    err[0, 0] = 1.0
    rgb = error_map(err)
    assert rgb.shape == (28, 28, 3) and rgb.dtype == np.uint8
    assert rgb[1, 1].max() < 10 and rgb[0, 0].min() > 150  # exact = black, a full step off = bright yellow
    mask = np.ones((28, 28), np.float32)
    mask[5, 6] = 0
    img = hole_overlay(np.full((28, 28), 0.5, np.float32), mask)
    np.testing.assert_array_equal(img[5, 6], np.round(HOLE_RGB * 255).astype(np.uint8))
    assert (img[0, 0] == 128).all()  # known pixels stay grey


def test_psnr_curve_figure_marks_the_level_and_grows_in_classroom():
    curve = restoration.Curve("gaussian", np.array([0.1, 0.5, 1.0]), np.array([20.0, 9.0, 6.0]),
                              np.array([24.0, 18.0, 13.0]), np.array([22.0, 14.0, 11.0]), ("a", "b", "c"))
    fig = figure(curve, 0.3, classroom=False).to_dict()  # the plain spec st.plotly_chart sends
    now = fig["data"][-1]
    assert list(now["x"]) == [0.3] * 3
    assert list(now["y"]) == pytest.approx([21.0, 18.0, 14.5])  # learned, baseline, noisy interpolated at 0.3
    assert fig["layout"]["shapes"][0]["x0"] == 0.3
    big = figure(curve, 0.3, classroom=True).to_dict()
    assert big["layout"]["font"]["size"] > fig["layout"]["font"]["size"]
    assert big["data"][0]["line"]["width"] > fig["data"][0]["line"]["width"]
    assert len(figure(curve, 0.0, classroom=False).to_dict()["data"]) == 3  # below the first level: the line only


@pytest.mark.parametrize("classroom", [False, True])
def test_psnr_curve_figure_is_a_valid_plotly_spec(classroom):
    curve = restoration.Curve("salt-and-pepper", np.array([0.1, 0.5, 1.0]), np.array([20.0, 9.0, 6.0]),
                              np.array([24.0, 18.0, 13.0]), np.array([22.0, 14.0, 11.0]), ("a", "b", "c"))
    spec = figure(curve, 0.5, classroom).to_dict()
    assert go.Figure(spec).to_dict() == spec  # plotly validates it and writes it back unchanged
