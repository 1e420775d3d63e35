"""Checkpoints: save, verify, load, and train-if-missing.

``models/<name>-<dataset>.pt`` holds ``{"class", "hparams", "state_dict", ...}`` (loaded with
``torch.load(weights_only=True)``); ``models/manifest.json`` records per checkpoint its file,
sha256, hyper-parameters, dataset, epochs, seed, training seconds and held-out metrics.
A checkpoint that is missing, truncated, altered (sha256), unreadable or built for another
architecture raises ``CheckpointError``; ``ensure`` turns that into a fresh training run.
Writes go to a temporary file renamed into place under a lock on the folder, so replicas
retraining at once never leave a torn file. The folder is ``$EXPLORER_MODELS`` or ``models/``.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import tempfile
import threading
from collections import defaultdict
from pathlib import Path

import torch
from torch import nn

from explorer import ROOT, SEED
from explorer.data import BUNDLED, digits
from explorer.nets import Denoiser, Inpainter
from explorer.specs import SPECS, Progress

try:
    import fcntl
except ImportError:  # not POSIX: no cross-process lock, the atomic rename still holds
    fcntl = None

MANIFEST = "manifest.json"
VIEWS = {"denoiser": Denoiser, "inpainter": Inpainter}  # a Restorer checkpoint, served as a callable
NAMES = tuple(SPECS)
_locks: defaultdict[str, threading.Lock] = defaultdict(threading.Lock)  # one training per model
_locks_guard = threading.Lock()  # creating a per-model lock is itself a race without it
_in_memory: dict[str, nn.Module] = {}  # trained but not saved (read-only folder)


class CheckpointError(ValueError):
    """A checkpoint cannot be used; the message says why."""


def file_stamp(path: os.PathLike) -> tuple:
    """A file's mtime and size (empty if missing): what changes when a model is retrained and saved."""
    try:
        info = os.stat(path)
    except OSError:
        return ()
    return info.st_mtime_ns, info.st_size


def models_dir(root: str | os.PathLike | None = None) -> Path:
    """The checkpoint folder: ``root``, else $EXPLORER_MODELS, else ``models/`` in the repo."""
    if root is not None:
        return Path(root)
    return Path(os.environ.get("EXPLORER_MODELS", ROOT / "models"))


def _known(name: str) -> str:
    if name not in SPECS:
        raise ValueError(f"Unknown model '{name}': choose one of {', '.join(NAMES)}.")
    return name


def _key(name: str, dataset: str) -> str:
    return f"{name}-{dataset}"


@contextlib.contextmanager
def _folder_lock(folder: Path, exclusive: bool):
    """flock on the folder itself: writers exclusive, readers shared; no lock if unavailable."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        yield
        return
    try:
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
        yield
    finally:
        os.close(fd)  # closing releases the flock


def read_manifest(root: str | os.PathLike | None = None) -> dict:
    """The manifest as a dict ``{"models": {key: entry}}``; CheckpointError if missing/malformed."""
    path = models_dir(root) / MANIFEST
    try:
        manifest = json.loads(path.read_text())
    except FileNotFoundError:
        raise CheckpointError(f"{path} is missing") from None
    except (OSError, ValueError) as err:
        raise CheckpointError(f"{path} is unreadable ({err})") from None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("models"), dict):
        raise CheckpointError(f"{path} is malformed (no 'models' table)")
    return manifest


def _atomic_write(path: Path, data: bytes) -> None:
    """Write to a temp file in the same folder, fsync, then rename over ``path``."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            os.fchmod(f.fileno(), 0o644)  # mkstemp makes 0600: other users (a container's app user) must read it
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def save(name: str, model: nn.Module, dataset: str = BUNDLED, *, record: dict,
         root: str | os.PathLike | None = None) -> Path:
    """Write the checkpoint and its manifest entry (keeping the others); returns the file path.

    ``record`` holds epochs, seed, train_seconds and metrics. Raises OSError if unwritable.
    """
    name = _known(name)
    model = model.restorer if isinstance(model, (Denoiser, Inpainter)) else model
    folder, key = models_dir(root), _key(name, dataset)
    buf = io.BytesIO()
    torch.save({"class": type(model).__name__, "hparams": dict(model.hparams), "name": name,
                "dataset": dataset, "state_dict": model.state_dict()}, buf)
    data = buf.getvalue()
    entry = {"file": f"{key}.pt", "sha256": hashlib.sha256(data).hexdigest(), "name": name,
             "dataset": dataset, "class": type(model).__name__, "hparams": dict(model.hparams),
             "bytes": len(data), "torch": torch.__version__, **record}
    folder.mkdir(parents=True, exist_ok=True)
    with _folder_lock(folder, exclusive=True):
        try:
            manifest = read_manifest(folder)
        except CheckpointError:
            manifest = {"format": 1, "models": {}}  # a broken manifest is rebuilt, not fatal
        manifest["models"][key] = entry
        _atomic_write(folder / entry["file"], data)
        _atomic_write(folder / MANIFEST, (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode())
    return folder / entry["file"]


def _load_net(name: str, dataset: str, root) -> nn.Module:
    folder, key, spec = models_dir(root), _key(name, dataset), SPECS[_known(name)]
    with _folder_lock(folder, exclusive=False):
        entry = read_manifest(folder)["models"].get(key)
        if not isinstance(entry, dict) or "sha256" not in entry:
            raise CheckpointError(f"the manifest has no entry for {key}")
        path = folder / f"{key}.pt"  # fixed name: the manifest never chooses a path
        try:
            data = path.read_bytes()
        except OSError:
            raise CheckpointError(f"{path} is missing") from None
    if hashlib.sha256(data).hexdigest() != entry["sha256"]:
        raise CheckpointError(f"{path} fails its sha256 check (truncated or altered)")
    try:
        ckpt = torch.load(io.BytesIO(data), weights_only=True, map_location="cpu")
    except Exception as err:  # any unpickling failure means "not a checkpoint we can use"
        raise CheckpointError(f"{path} is not a readable checkpoint ({type(err).__name__})") from err
    if not isinstance(ckpt, dict) or ckpt.get("class") != spec.cls.__name__ \
            or ckpt.get("hparams") != spec.hparams:
        raise CheckpointError(f"{path} was saved for another architecture than the code's {spec.cls.__name__}")
    model = spec.cls(**spec.hparams)
    try:
        model.load_state_dict(ckpt["state_dict"])
    except (RuntimeError, KeyError, TypeError) as err:
        raise CheckpointError(f"{path} does not fit the code's architecture ({str(err)[:120]})") from None
    return model.eval().requires_grad_(False)  # read-only at serve time: safe to share


def _view(name: str, model: nn.Module) -> nn.Module:
    return VIEWS[name](model).eval() if name in VIEWS else model


def load(name: str, dataset: str = BUNDLED, root: str | os.PathLike | None = None) -> nn.Module:
    """The trained model in eval mode (parameters frozen); CheckpointError if it cannot be used.

    ``name``: vae, ae, vae8, vae16, classifier, and the two restorers, served as callables:
    ``denoiser(x_noisy) -> x`` and ``inpainter(x_masked, mask) -> x`` (``.restorer`` is the U-Net).
    """
    return _view(name, _load_net(name, dataset, root))


def verify(name: str, dataset: str = BUNDLED, root: str | os.PathLike | None = None) -> str | None:
    """None if the checkpoint is usable, else the reason it is not."""
    try:
        _load_net(name, dataset, root)
    except CheckpointError as err:
        return str(err)
    return None


def train_model(name: str, dataset: str = BUNDLED, epochs: int | None = None,
                progress: Progress | None = None, seed: int = SEED) -> tuple[nn.Module, dict]:
    """Train on the train split, score on the test split; returns (model, manifest record)."""
    spec = SPECS[_known(name)]
    x, y = digits(dataset, "train")
    fit = spec.train(x, y, epochs or spec.epochs, progress, seed)
    xt, yt = digits(dataset, "test")
    model = fit.model.eval().requires_grad_(False)
    scores = spec.evaluate(model, xt, yt)
    metrics = {k: round(v, 4) for k, v in scores.items() if not isinstance(v, str)}
    record = {"about": spec.about, "recipe": spec.recipe, "epochs": fit.epochs, "seed": seed,
              "train_seconds": round(fit.seconds, 1), "threads": torch.get_num_threads(),
              "final_train_loss": round(fit.last_loss, 4), "metrics": metrics}
    named = {k: v for k, v in scores.items() if isinstance(v, str)}  # e.g. which filter a baseline is
    if named:
        record["baselines"] = named
    return model, record


def ensure(name: str, dataset: str = BUNDLED, progress: Progress | None = None,
           root: str | os.PathLike | None = None, epochs: int | None = None) -> tuple[nn.Module, str | None]:
    """Load the model, or train (and try to save) a fresh one: returns (model, message or None).

    Never raises for a broken checkpoint or an unwritable folder: the message says what happened.
    """
    key = f"{models_dir(root).resolve()}:{_key(_known(name), dataset)}"
    with _locks_guard:
        lock = _locks[key]
    with lock:  # two sessions asking at once: one trains, the other then loads
        try:
            return _view(name, _load_net(name, dataset, root)), None
        except CheckpointError as err:
            reason = str(err)
        if key in _in_memory:
            return _view(name, _in_memory[key]), f"{reason}; using the model trained in memory earlier."
        model, record = train_model(name, dataset, epochs, progress)
        try:
            save(name, model, dataset, record=record, root=root)
        except OSError as err:
            _in_memory[key] = model
            return _view(name, model), (f"{reason}; trained a fresh model in memory "
                                        f"({record['train_seconds']:.0f} s) but could not save it ({err}).")
        return _view(name, model), f"{reason}; trained and saved a fresh model ({record['train_seconds']:.0f} s)."
