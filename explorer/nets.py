"""The digit networks: VAE, plain autoencoder, restorer (denoise + inpaint) and a classifier.

Every network works on (N, 1, 28, 28) images with pixels in [0, 1]. Each class takes its
architecture hyper-parameters as keyword arguments and exposes them as ``.hparams`` so a
checkpoint can record them and the zoo can rebuild the same network.
"""

from __future__ import annotations

import torch
from torch import Tensor, nn


def _encoder(width: int, hidden: int, out: int, dropout: float) -> nn.Sequential:
    """Conv encoder: (N, 1, 28, 28) -> (N, out)."""
    return nn.Sequential(
        nn.Conv2d(1, width, 4, stride=2, padding=1), nn.ReLU(),  # (N, w, 14, 14)
        nn.Conv2d(width, 2 * width, 4, stride=2, padding=1), nn.ReLU(),  # (N, 2w, 7, 7)
        nn.Flatten(), nn.Dropout(dropout),  # dropout: 4,000 training digits overfit fast
        nn.Linear(2 * width * 49, hidden), nn.ReLU(),
        nn.Linear(hidden, out),
    )


def _decoder(latent: int, width: int, hidden: int) -> nn.Sequential:
    """Conv decoder: (N, latent) -> Bernoulli logits (N, 1, 28, 28)."""
    return nn.Sequential(
        nn.Linear(latent, hidden), nn.ReLU(),
        nn.Linear(hidden, 2 * width * 49), nn.ReLU(),
        nn.Unflatten(1, (2 * width, 7, 7)),
        nn.ConvTranspose2d(2 * width, width, 4, stride=2, padding=1), nn.ReLU(),  # (N, w, 14, 14)
        nn.ConvTranspose2d(width, 1, 4, stride=2, padding=1),  # (N, 1, 28, 28) logits
    )


class VAE(nn.Module):
    """Variational autoencoder (Kingma & Welling 2013) with a Gaussian q(z|x) and Bernoulli p(x|z).

    ``encode(x) -> (mu, logvar)`` each (N, latent); ``decode(z) -> logits`` (N, 1, 28, 28);
    ``torch.sigmoid(logits)`` is the mean image in [0, 1].
    """

    def __init__(self, latent: int = 2, width: int = 32, hidden: int = 256, dropout: float = 0.2):
        super().__init__()
        self.hparams = {"latent": latent, "width": width, "hidden": hidden, "dropout": dropout}
        self.latent = latent
        self.encoder = _encoder(width, hidden, 2 * latent, dropout)
        self.decoder = _decoder(latent, width, hidden)

    def encode(self, x: Tensor) -> tuple[Tensor, Tensor]:
        """q(z|x): (N, 1, 28, 28) -> mean and log-variance, each (N, latent)."""
        mu, logvar = self.encoder(x).chunk(2, dim=1)
        return mu, logvar

    def reparameterize(self, mu: Tensor, logvar: Tensor, generator: torch.Generator | None = None) -> Tensor:
        """z = mu + sigma * eps with eps ~ N(0, I): a sample that gradients flow through."""
        eps = torch.randn(mu.shape, generator=generator, dtype=mu.dtype, device=mu.device)
        return mu + torch.exp(0.5 * logvar) * eps

    def decode(self, z: Tensor) -> Tensor:
        """p(x|z): (N, latent) -> Bernoulli logits (N, 1, 28, 28)."""
        return self.decoder(z)

    def forward(self, x: Tensor) -> tuple[Tensor, Tensor, Tensor]:
        """Encode, sample z, decode: returns (logits, mu, logvar)."""
        mu, logvar = self.encode(x)
        return self.decode(self.reparameterize(mu, logvar)), mu, logvar


class Autoencoder(nn.Module):
    """Plain (deterministic) autoencoder with the VAE's layers, for the AE-vs-VAE comparison.

    ``encode(x) -> z`` is a single (N, latent) tensor (no variance: nothing forces the codes
    to fill a Gaussian, which is the point of the comparison); ``decode(z) -> logits``.
    """

    def __init__(self, latent: int = 2, width: int = 32, hidden: int = 256, dropout: float = 0.2):
        super().__init__()
        self.hparams = {"latent": latent, "width": width, "hidden": hidden, "dropout": dropout}
        self.latent = latent
        self.encoder = _encoder(width, hidden, latent, dropout)
        self.decoder = _decoder(latent, width, hidden)

    def encode(self, x: Tensor) -> Tensor:
        """(N, 1, 28, 28) -> codes z (N, latent)."""
        return self.encoder(x)

    def decode(self, z: Tensor) -> Tensor:
        """(N, latent) -> Bernoulli logits (N, 1, 28, 28)."""
        return self.decoder(z)

    def forward(self, x: Tensor) -> Tensor:
        """Reconstruction logits (N, 1, 28, 28)."""
        return self.decode(self.encode(x))


def _block(cin: int, cout: int) -> nn.Sequential:
    """Two 3x3 convs with ReLU, same spatial size."""
    return nn.Sequential(
        nn.Conv2d(cin, cout, 3, padding=1), nn.ReLU(),
        nn.Conv2d(cout, cout, 3, padding=1), nn.ReLU(),
    )


class Restorer(nn.Module):
    """Mask-conditioned small U-Net: ``denoise`` and ``inpaint`` (the zoo trains one per task).

    Input: the corrupted image with unknown pixels zeroed, and the mask (1 = known pixel,
    0 = missing). A noisy image is "all known" (mask of ones): the net learns to clean it.
    """

    def __init__(self, width: int = 32):
        super().__init__()
        self.hparams = {"width": width}
        w = width
        self.down1 = _block(2, w)  # (N, w, 28, 28)
        self.down2 = _block(w, 2 * w)  # (N, 2w, 14, 14)
        self.mid = _block(2 * w, 4 * w)  # (N, 4w, 7, 7)
        self.up2 = nn.ConvTranspose2d(4 * w, 2 * w, 2, stride=2)
        self.dec2 = _block(4 * w, 2 * w)  # skip from down2
        self.up1 = nn.ConvTranspose2d(2 * w, w, 2, stride=2)
        self.dec1 = _block(2 * w, w)  # skip from down1
        self.head = nn.Conv2d(w, 1, 1)
        self.pool = nn.MaxPool2d(2)

    def logits(self, x: Tensor, mask: Tensor) -> Tensor:
        """(N, 1, 28, 28) image and mask -> logits of the restored image (N, 1, 28, 28)."""
        d1 = self.down1(torch.cat([x * mask, mask], dim=1))
        d2 = self.down2(self.pool(d1))
        m = self.mid(self.pool(d2))
        u2 = self.dec2(torch.cat([self.up2(m), d2], dim=1))
        u1 = self.dec1(torch.cat([self.up1(u2), d1], dim=1))
        return self.head(u1)

    def forward(self, x: Tensor, mask: Tensor) -> Tensor:
        """Restored image (N, 1, 28, 28) in [0, 1]."""
        return torch.sigmoid(self.logits(x, mask))

    def denoise(self, x_noisy: Tensor) -> Tensor:
        """Clean a noisy image (all pixels known): (N, 1, 28, 28) -> (N, 1, 28, 28) in [0, 1]."""
        return self(x_noisy, torch.ones_like(x_noisy))

    def inpaint(self, x_masked: Tensor, mask: Tensor) -> Tensor:
        """Fill the pixels where mask == 0; known pixels are kept as given."""
        return mask * x_masked + (1 - mask) * self(x_masked, mask)


class Denoiser(nn.Module):
    """Thin view of a Restorer: ``denoiser(x_noisy) -> x``."""

    def __init__(self, restorer: Restorer):
        super().__init__()
        self.restorer = restorer

    def forward(self, x_noisy: Tensor) -> Tensor:
        """(N, 1, 28, 28) noisy -> (N, 1, 28, 28) clean in [0, 1]."""
        return self.restorer.denoise(x_noisy)


class Inpainter(nn.Module):
    """Thin view of a Restorer: ``inpainter(x_masked, mask) -> x``."""

    def __init__(self, restorer: Restorer):
        super().__init__()
        self.restorer = restorer

    def forward(self, x_masked: Tensor, mask: Tensor) -> Tensor:
        """(N, 1, 28, 28) image and mask (1 = known) -> (N, 1, 28, 28) in [0, 1]."""
        return self.restorer.inpaint(x_masked, mask)


class Classifier(nn.Module):
    """Small conv net: (N, 1, 28, 28) -> logits over the 10 digit classes (N, 10)."""

    def __init__(self, width: int = 16):
        super().__init__()
        self.hparams = {"width": width}
        self.net = nn.Sequential(
            nn.Conv2d(1, width, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),  # (N, w, 14, 14)
            nn.Conv2d(width, 2 * width, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),  # (N, 2w, 7, 7)
            nn.Flatten(), nn.Dropout(0.3),
            nn.Linear(2 * width * 49, 10),
        )

    def forward(self, x: Tensor) -> Tensor:
        """Class logits (N, 10)."""
        return self.net(x)
