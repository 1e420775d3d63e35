"""Held-out measures: PSNR, hole MSE, the ELBO estimate, and the baselines on the test split.

The manifest's restoration scores must be the page's: the same digits give the same numbers.
"""

import math

import pytest
import torch
from torch import nn

from explorer import baselines, corrupt, metrics, restoration, scores
from explorer.data import digits
from explorer.nets import VAE
from explorer.train import elbo_terms


class Identity(nn.Module):
    """A denoiser (x) or inpainter (x, mask) that changes nothing: its scores are the baselines'."""

    def forward(self, x, mask=None):
        return x if mask is None else x * mask


def test_psnr_and_hole_mse_by_hand():
    ref = torch.zeros(2, 1, 28, 28)
    assert scores.psnr(ref + 0.1, ref) == pytest.approx(20.0)  # MSE 0.01 -> 20 dB
    assert math.isinf(scores.psnr(ref, ref))
    mask = corrupt.centre_hole(2)
    x = ref + 0.5 * (1 - mask) + 0.9 * mask  # error 0.5 in the hole, 0.9 outside it
    assert scores.hole_mse(x, ref, mask) == pytest.approx(0.25)
    assert scores.hole_mse(x, ref, torch.ones_like(mask)) is None  # no hole, no score


def test_baselines_on_the_test_split():
    x = digits("mnist-5k", "test")[0]
    d = metrics.denoising(Identity(), x)
    assert d["psnr_denoised"] == d["psnr_noisy"] == pytest.approx(9.4, abs=0.1)
    assert d["filter"] in baselines.FILTERS and d["psnr_filter"] > d["psnr_noisy"] + 3
    i = metrics.inpainting(Identity(), x)
    assert i["hole_mse_mean_fill"] == pytest.approx(0.28, abs=0.01)
    assert i["hole_mse"] > i["hole_mse_mean_fill"]  # zeros are a worse fill than the mean


def test_manifest_denoising_is_the_page_at_sigma_half():
    x = digits("mnist-5k", "test")[0][::10]
    d = metrics.denoising(Identity(), x)
    page_filter = restoration.choose_filter("gaussian", 0.5, restoration.tuning_digits())  # the page's pick
    page = restoration.denoise(Identity(), x, "gaussian", 0.5, page_filter)
    assert d["filter"] == page_filter
    assert (d["psnr_noisy"], d["psnr_filter"]) == (page.psnr_noisy, page.psnr_baseline)


def test_manifest_mean_fill_is_the_pages_mean_fill_digit_by_digit():
    x = digits("mnist-5k", "test")[0][::50]  # 20 digits
    whole = metrics.inpainting(Identity(), x)["hole_mse_mean_fill"]
    hole = corrupt.centre_hole()
    one_by_one = [restoration.inpaint(Identity(), d[None], hole).mse_mean_fill for d in x]
    assert whole == pytest.approx(sum(one_by_one) / len(one_by_one), rel=1e-6)  # every hole is 144 pixels


def test_negative_elbo_is_reconstruction_plus_kl_with_sampled_z():
    torch.manual_seed(0)
    vae = VAE(width=4, hidden=16).eval()
    x = digits("mnist-5k", "test")[0][:50]
    m = metrics.negative_elbo(vae, x, samples=4, seed=1)
    assert m["neg_elbo"] == pytest.approx(m["reconstruction"] + m["kl"], rel=1e-5)
    assert metrics.negative_elbo(vae, x, samples=4, seed=1) == m  # a fixed seed: the same figure
    mu, logvar = vae.encode(x)
    at_mu, _ = elbo_terms(vae.decode(mu), x, mu, logvar)
    assert m["reconstruction"] != pytest.approx(at_mu.mean().item(), rel=1e-6)  # z is sampled, not mu
