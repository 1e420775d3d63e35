"""Held-out measures: PSNR, hole MSE, the ELBO estimate, and the baselines on the test split."""

import math

import pytest
import torch
from torch import nn

from explorer import corrupt, metrics
from explorer.data import digits
from explorer.nets import VAE
from explorer.train import elbo_terms


class Identity(nn.Module):
    """A 'restorer' that changes nothing: its scores are the baselines'."""

    def denoise(self, x):
        return x

    def inpaint(self, x, mask):
        return x * mask


def test_psnr_and_hole_mse_by_hand():
    ref = torch.zeros(2, 1, 28, 28)
    assert metrics.psnr(ref + 0.1, ref) == pytest.approx(20.0)  # MSE 0.01 -> 20 dB
    assert math.isinf(metrics.psnr(ref, ref))
    mask = corrupt.centre_hole(2)
    x = ref + 0.5 * (1 - mask) + 0.9 * mask  # error 0.5 in the hole, 0.9 outside it
    assert metrics.hole_mse(x, ref, mask) == pytest.approx(0.25)


def test_baselines_on_the_test_split():
    x = digits("mnist-5k", "test")[0]
    d = metrics.denoising(Identity(), x)
    assert d["psnr_denoised"] == d["psnr_noisy"] == pytest.approx(9.4, abs=0.1)
    assert d["psnr_median3"] > d["psnr_blur"] > d["psnr_noisy"]
    i = metrics.inpainting(Identity(), x)
    assert i["hole_mse_mean_fill"] == pytest.approx(0.25, abs=0.01)
    assert i["hole_mse"] > i["hole_mse_mean_fill"]  # zeros are a worse fill than the mean


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
