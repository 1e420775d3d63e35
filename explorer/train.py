"""Training loops for the digit networks: one generic loop, one loss per kind of model.

Every loop is deterministic for a given seed (weight init, batch order, noise and masks all
come from seeded generators), trains on the images it is given (the train split: the callers
in ``explorer.zoo`` never pass test digits), and reports each epoch to
``progress(epoch, epochs, metrics)``.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from explorer import SEED, corrupt
from explorer.nets import VAE, Autoencoder, Classifier, Restorer

Progress = Callable[[int, int, dict], None]
Step = Callable[[Tensor, Tensor, float, torch.Generator], Tensor]


@dataclass
class Fit:
    """What a training run returns: the trained model (eval mode) and its cost."""

    model: nn.Module
    epochs: int
    seconds: float
    last_loss: float


def gaussian_kl(mu: Tensor, logvar: Tensor) -> Tensor:
    """KL(N(mu, exp(logvar)) || N(0, I)) per row (N,), closed form (Kingma & Welling, appendix B)."""
    return -0.5 * (1 + logvar - mu.pow(2) - logvar.exp()).sum(1)


def elbo_terms(logits: Tensor, x: Tensor, mu: Tensor, logvar: Tensor) -> tuple[Tensor, Tensor]:
    """The two terms of the negative ELBO per digit, each (N,), in nats.

    Kingma & Welling 2013, "Auto-Encoding Variational Bayes", eq. 10:
      -ELBO = E_q[-log p(x|z)] + KL(q(z|x) || N(0, I))
    reconstruction: Bernoulli log-likelihood of each pixel = BCE with logits, summed over pixels;
    KL (their appendix B, closed form for two Gaussians) = -1/2 sum(1 + log s^2 - mu^2 - s^2).
    """
    rec = F.binary_cross_entropy_with_logits(logits, x, reduction="none").flatten(1).sum(1)
    return rec, gaussian_kl(mu, logvar)


def fit(model: nn.Module, images: Tensor, step: Step, epochs: int, *, batch: int = 128,
        lr: float = 2e-3, seed: int = SEED, progress: Progress | None = None,
        labels: Tensor | None = None, fused: bool = False, channels_last: bool = False) -> Fit:
    """Adam with a one-cycle learning rate over ``epochs``; ``step(x, y, t, gen) -> loss``.

    ``t`` in [0, 1] is the fraction of training done (for warm-ups and curricula).
    ``fused``: Adam's update as one kernel per step (fewer small ops per parameter);
    ``channels_last``: convolutions in NHWC while training, which oneDNN runs faster on CPU.
    The returned model is back in the default layout, like one loaded from a checkpoint.
    """
    gen = torch.Generator().manual_seed(seed)
    labels = torch.zeros(len(images), dtype=torch.int64) if labels is None else labels
    if channels_last:
        model.to(memory_format=torch.channels_last)
    opt = torch.optim.Adam(model.parameters(), lr=lr, fused=fused or None)
    per_epoch = math.ceil(len(images) / batch)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=lr, total_steps=epochs * per_epoch,
                                                pct_start=0.15)
    start, loss_avg = time.perf_counter(), float("nan")
    model.train()
    for epoch in range(epochs):
        order = torch.randperm(len(images), generator=gen)
        total = 0.0
        for k in range(per_epoch):
            idx = order[k * batch:(k + 1) * batch]
            t = (epoch * per_epoch + k) / (epochs * per_epoch)
            loss = step(images[idx], labels[idx], t, gen)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            sched.step()
            total += loss.item() * len(idx)
        loss_avg = total / len(images)
        if progress is not None:
            progress(epoch + 1, epochs, {"loss": loss_avg, "seconds": time.perf_counter() - start})
    if channels_last:
        model.to(memory_format=torch.contiguous_format)
    model.eval()
    return Fit(model, epochs, time.perf_counter() - start, loss_avg)


def train_vae(images: Tensor, epochs: int = 60, *, hparams: dict | None = None, warmup: float = 0.1,
              batch: int = 32, lr: float = 1e-3, seed: int = SEED, progress: Progress | None = None,
              **loop) -> Fit:
    """Fit a VAE by minimising the negative ELBO; the KL weight ramps 0 -> 1 over ``warmup``."""
    torch.manual_seed(seed)
    model = VAE(**(hparams or {}))

    def step(x, _y, t, gen):
        mu, logvar = model.encode(x)
        logits = model.decode(model.reparameterize(mu, logvar, gen))
        rec, kl = elbo_terms(logits, x, mu, logvar)
        beta = min(1.0, t / warmup) if warmup > 0 else 1.0  # KL warm-up: codes spread out first
        return (rec + beta * kl).mean()

    return fit(model, images, step, epochs, batch=batch, lr=lr, seed=seed, progress=progress, **loop)


def train_ae(images: Tensor, epochs: int = 20, *, hparams: dict | None = None, batch: int = 64,
             lr: float = 2e-3, seed: int = SEED, progress: Progress | None = None, **loop) -> Fit:
    """Fit a plain autoencoder on the Bernoulli reconstruction loss alone (no KL)."""
    torch.manual_seed(seed)
    model = Autoencoder(**(hparams or {}))

    def step(x, _y, _t, _gen):
        rec = F.binary_cross_entropy_with_logits(model(x), x, reduction="none")
        return rec.flatten(1).sum(1).mean()

    return fit(model, images, step, epochs, batch=batch, lr=lr, seed=seed, progress=progress, **loop)


def train_restorer(images: Tensor, epochs: int = 12, *, task: str = "denoise", hparams: dict | None = None,
                   batch: int = 16, lr: float = 2e-3, seed: int = SEED, progress: Progress | None = None,
                   **loop) -> Fit:
    """Fit a restorer for one task, per-pixel BCE against the clean digit.

    ``task="denoise"``: noisy digits (``corrupt.training_noise``), mask of ones;
    ``task="inpaint"``: masked digits (``corrupt.training_masks``). One network per task, so
    each page control runs the net trained for it, and each can have its own size and recipe.
    """
    if task not in ("denoise", "inpaint"):
        raise ValueError(f"task must be 'denoise' or 'inpaint', not {task!r}")
    torch.manual_seed(seed)
    model = Restorer(**(hparams or {}))

    def step(x, _y, _t, gen):
        if task == "denoise":
            inputs, mask = corrupt.training_noise(x, gen), torch.ones_like(x)
        else:
            mask = corrupt.training_masks(len(x), gen)
            inputs = x * mask
        return F.binary_cross_entropy_with_logits(model.logits(inputs, mask), x)

    return fit(model, images, step, epochs, batch=batch, lr=lr, seed=seed, progress=progress, **loop)


def train_classifier(images: Tensor, labels: Tensor, epochs: int = 6, *, hparams: dict | None = None,
                     batch: int = 64, lr: float = 2e-3, seed: int = SEED, progress: Progress | None = None,
                     **loop) -> Fit:
    """Fit the digit classifier with cross-entropy on the labels."""
    torch.manual_seed(seed)
    model = Classifier(**(hparams or {}))

    def step(x, y, _t, _gen):
        return F.cross_entropy(model(x), y)

    return fit(model, images, step, epochs, batch=batch, lr=lr, seed=seed, progress=progress, labels=labels, **loop)
