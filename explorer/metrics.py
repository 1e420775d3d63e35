"""Held-out quality measures: negative ELBO, PSNR, MSE over a hole, accuracy.

Each takes the images to score; ``explorer.zoo`` passes the test split only. Random parts
(z samples, noise) use fixed seeds so a figure is the same on every run. The restorers' scores
and baselines are the denoise/inpaint page's functions (``explorer.restoration``), not copies.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from explorer import SEED, corrupt, restoration
from explorer.train import elbo_terms, gaussian_kl

BENCH_SIGMA = 0.5  # the denoising benchmark: Gaussian sigma 0.5, then clipped to [0, 1]


@torch.inference_mode()
def negative_elbo(vae: nn.Module, images: Tensor, samples: int = 10, seed: int = SEED) -> dict:
    """Mean negative ELBO per digit (nats), E_q[-log p(x|z)] + KL, with z sampled from q.

    The expectation is estimated with ``samples`` draws of z per digit from a fixed seed
    (not z = mu, which would understate the loss).
    """
    gen = torch.Generator().manual_seed(seed)
    mu, logvar = vae.encode(images)
    rec = torch.stack([elbo_terms(vae.decode(vae.reparameterize(mu, logvar, gen)), images, mu, logvar)[0]
                       for _ in range(samples)]).mean(0)
    kl = gaussian_kl(mu, logvar)
    return {"neg_elbo": (rec + kl).mean().item(), "reconstruction": rec.mean().item(),
            "kl": kl.mean().item()}


@torch.inference_mode()
def reconstruction_bce(ae: nn.Module, images: Tensor) -> dict:
    """Mean Bernoulli reconstruction loss per digit (nats) of a plain autoencoder."""
    rec = F.binary_cross_entropy_with_logits(ae(images), images, reduction="none").flatten(1).sum(1)
    return {"reconstruction": rec.mean().item()}


@torch.inference_mode()
def denoising(restorer: nn.Module, images: Tensor, seed: int = SEED) -> dict:
    """PSNR at Gaussian sigma 0.5 of the noisy input, the network and the best classical filter.

    The page's own PSNR curve at one level: the same noise, PSNR and filter choice (the best of
    ``baselines.FILTERS`` on 100 training digits); ``filter`` names the filter it chose.
    """
    curve = restoration.psnr_curve(restorer, images, "gaussian", restoration.tuning_digits(),
                                   (BENCH_SIGMA,), seed)
    return {"psnr_denoised": float(curve.learned[0]), "psnr_noisy": float(curve.noisy[0]),
            "psnr_filter": float(curve.baseline[0]), "filter": curve.filters[0]}


@torch.inference_mode()
def inpainting(restorer: nn.Module, images: Tensor) -> dict:
    """MSE over the centre hole (rows/cols 8-19) of the network and of the page's mean-fill.

    The page's own inpainting: mean-fill paints each image's hole with the mean of its visible pixels.
    """
    r = restoration.inpaint(restorer, images, corrupt.centre_hole(len(images)))
    return {"hole_mse": r.mse_inpainted, "hole_mse_mean_fill": r.mse_mean_fill}


@torch.inference_mode()
def accuracy(classifier: nn.Module, images: Tensor, labels: Tensor) -> dict:
    """Fraction of digits whose arg-max logit is the true class."""
    return {"accuracy": (classifier(images).argmax(1) == labels).float().mean().item()}
