"""The shipped models in one table: architecture, training recipe and held-out measure.

Changing an entry's ``hparams`` makes existing checkpoints "another architecture": the zoo
then retrains them. ``epochs`` is the recipe the shipped checkpoints were made with.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from torch import Tensor, nn

from explorer import metrics, train
from explorer.nets import VAE, Autoencoder, Classifier, Denoiser, Inpainter, Restorer

Progress = train.Progress


@dataclass(frozen=True)
class Spec:
    """How to build, train and score one model."""

    cls: type[nn.Module]
    epochs: int
    fit: Callable[..., train.Fit]  # fit(images, labels, epochs, progress, seed)
    evaluate: Callable[[nn.Module, Tensor, Tensor], dict]  # on the test split
    hparams: dict = field(default_factory=dict)  # architecture: a checkpoint must match it
    about: str = ""
    recipe: dict = field(default_factory=dict)  # batch, lr, warm-up: recorded in the manifest

    def train(self, x: Tensor, y: Tensor, epochs: int, progress: Progress | None, seed: int) -> train.Fit:
        """Run this model's recipe on (x, y)."""
        return self.fit(x, y, epochs, progress, seed, self.hparams, **self.recipe)


def _vae(x, _y, epochs, progress, seed, hp, **recipe):
    return train.train_vae(x, epochs, hparams=hp, progress=progress, seed=seed, **recipe)


def _ae(x, _y, epochs, progress, seed, hp, **recipe):
    return train.train_ae(x, epochs, hparams=hp, progress=progress, seed=seed, **recipe)


def _restorer(x, _y, epochs, progress, seed, hp, **recipe):
    return train.train_restorer(x, epochs, hparams=hp, progress=progress, seed=seed, **recipe)


def _classifier(x, y, epochs, progress, seed, hp, **recipe):
    return train.train_classifier(x, y, epochs, hparams=hp, progress=progress, seed=seed, **recipe)


def _elbo(model, x, _y):
    return metrics.negative_elbo(model, x)


def _rec(model, x, _y):
    return metrics.reconstruction_bce(model, x)


def _denoising(model, x, _y):
    return metrics.denoising(Denoiser(model), x)  # the page's view of the restorer: noisy -> clean


def _inpainting(model, x, _y):
    return metrics.inpainting(Inpainter(model), x)  # the page's view: (masked, mask) -> filled


def _acc(model, x, y):
    return metrics.accuracy(model, x, y)


VAE_HP = {"latent": 2, "width": 32, "hidden": 128, "dropout": 0.3}
FAST = {"fused": True}  # measured: one fused Adam kernel per step, ~10% off every model's time
SMALL_BATCH = {"batch": 32, "lr": 1e-3, **FAST}  # measured: batch 64 at 2e-3 -> 149.5 nats, 1.5e-3 -> 154
QUICK = {"batch": 64, "lr": 2e-3, **FAST}
# measured: batch 16 -> 19.9 dB, 32 -> 19.4, 64 -> 18.6 at 12 epochs; NHWC convs ~20-45% faster per step
RESTORE = {"batch": 16, "lr": 2e-3, "channels_last": True, **FAST}
SPECS: dict[str, Spec] = {
    "vae": Spec(VAE, 60, _vae, _elbo, VAE_HP, "2-D VAE: the latent map", SMALL_BATCH),
    "ae": Spec(Autoencoder, 20, _ae, _rec, VAE_HP, "2-D plain autoencoder: AE vs VAE", QUICK),
    "vae8": Spec(VAE, 20, _vae, _elbo, {**VAE_HP, "latent": 8}, "8-latent VAE", QUICK),
    "vae16": Spec(VAE, 20, _vae, _elbo, {**VAE_HP, "latent": 16}, "16-latent VAE", QUICK),
    "denoiser": Spec(Restorer, 12, _restorer, _denoising, {"width": 24}, "U-Net restorer trained to denoise",
                     {"task": "denoise", **RESTORE}),
    "inpainter": Spec(Restorer, 6, _restorer, _inpainting, {"width": 16}, "U-Net restorer trained to inpaint",
                      {"task": "inpaint", **RESTORE}),
    "classifier": Spec(Classifier, 6, _classifier, _acc, {"width": 16}, "digit classifier", QUICK),
}
