"""Held-out quality measures: negative ELBO, PSNR, MSE over a hole, accuracy.

Each ``evaluate_*`` takes the images to score; ``explorer.zoo`` passes the test split only.
Random parts (z samples, noise) use fixed seeds so a figure is the same on every run.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from explorer import SEED, corrupt
from explorer.train import elbo_terms, gaussian_kl

BENCH_SIGMA = 0.5  # the denoising benchmark: Gaussian sigma 0.5, then clipped to [0, 1]


def psnr(x: Tensor, ref: Tensor) -> float:
    """Peak signal-to-noise ratio in dB for pixels in [0, 1]: 10 log10(1 / MSE), over all images."""
    mse = F.mse_loss(x, ref).item()
    return float("inf") if mse == 0 else 10.0 * torch.log10(torch.tensor(1.0 / mse)).item()


def hole_mse(x: Tensor, ref: Tensor, mask: Tensor) -> float:
    """Mean squared error over the missing pixels only (mask == 0)."""
    missing = (1 - mask).expand_as(ref)
    return (((x - ref) ** 2) * missing).sum().item() / missing.sum().item()


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


def _median3(x: Tensor) -> Tensor:
    patches = F.unfold(F.pad(x, (1, 1, 1, 1), mode="replicate"), 3)  # (N, 9, 784)
    return patches.median(dim=1).values.reshape(x.shape)


def _blur(x: Tensor, sigma: float = 1.0) -> Tensor:
    r = torch.arange(-2, 3, dtype=x.dtype)
    g = torch.exp(-(r**2) / (2 * sigma**2))
    k = (g[:, None] * g[None, :]) / g.sum() ** 2
    return F.conv2d(F.pad(x, (2, 2, 2, 2), mode="replicate"), k.reshape(1, 1, 5, 5))


@torch.inference_mode()
def denoising(restorer: nn.Module, images: Tensor, seed: int = SEED) -> dict:
    """PSNR at Gaussian sigma 0.5 (clipped) of the network and of the noisy, 3x3-median, blur baselines."""
    noisy = corrupt.gaussian_noise(images, BENCH_SIGMA, seed)
    return {
        "psnr_denoised": psnr(restorer.denoise(noisy), images),
        "psnr_noisy": psnr(noisy, images),
        "psnr_median3": psnr(_median3(noisy), images),
        "psnr_blur": psnr(_blur(noisy), images),
    }


@torch.inference_mode()
def inpainting(restorer: nn.Module, images: Tensor) -> dict:
    """MSE over the centre hole (rows/cols 8-19) of the network and of filling with the mean pixel."""
    mask = corrupt.centre_hole(len(images))
    mean_fill = images.mean() * (1 - mask) + images * mask
    return {
        "hole_mse": hole_mse(restorer.inpaint(images * mask, mask), images, mask),
        "hole_mse_mean_fill": hole_mse(mean_fill, images, mask),
    }


@torch.inference_mode()
def accuracy(classifier: nn.Module, images: Tensor, labels: Tensor) -> dict:
    """Fraction of digits whose arg-max logit is the true class."""
    return {"accuracy": (classifier(images).argmax(1) == labels).float().mean().item()}
