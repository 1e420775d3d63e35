"""A model's work where the model is named by its weights: what the reference worker runs for Denoise and inpaint's
networks.

The server knows its model object; the worker, another process, holds its own copy of the checkpoint. A call
names the model by ``(name, dataset)`` and the digest of the asker's weights: the worker answers with its copy
only while that copy has those very weights (the same file, loaded the same way: the same result to the bit),
and returns None otherwise (a checkpoint retrained since, or a model the server trained in memory), so the
asker computes it itself. In the process that holds the asker's model (:func:`hold`), the call uses that model.
Results travel as NumPy arrays and floats: plain data on the worker's pipe.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import threading
import weakref

import numpy as np
import torch
from torch import nn

from explorer import zoo
from explorer.data import BUNDLED
from explorer.restoration import Denoising, Inpainting, denoise, inpaint

_LOG = logging.getLogger(__name__)
_digests: weakref.WeakKeyDictionary[nn.Module, str] = weakref.WeakKeyDictionary()
_held: weakref.WeakValueDictionary[str, nn.Module] = weakref.WeakValueDictionary()  # digest -> the asker's model
_loaded: dict[tuple[str, str], tuple[tuple, str, nn.Module]] = {}  # (name, dataset) -> (file stamp, digest, model)
_lock = threading.Lock()


def weights_digest(model: nn.Module) -> str:
    """sha256 over the model's parameters and buffers, by name: equal digests, equal weights."""
    h = hashlib.sha256()
    for key, t in sorted(model.state_dict().items()):
        h.update(key.encode())
        h.update(str(t.dtype).encode())
        h.update(np.ascontiguousarray(t.detach().cpu().numpy()).tobytes())
    return h.hexdigest()


def hold(model: nn.Module) -> str:
    """The digest of ``model``'s weights (computed once per model), and the model kept as the one calls with that
    digest use in this process."""
    with _lock:
        digest = _digests.get(model)
        if digest is None:
            digest = _digests[model] = weights_digest(model)
        _held[digest] = model
    return digest


def _model(name: str, dataset: str, digest: str) -> nn.Module | None:
    """The model with this digest: the asker's own, else this process's copy of the checkpoint if its weights are
    those; None if not (the checkpoint is reloaded only when its file changed)."""
    held = _held.get(digest)
    if held is not None:
        return held
    with _lock:
        stamp = zoo.file_stamp(zoo.models_dir() / f"{name}-{dataset}.pt")
        copy = _loaded.get((name, dataset))
        if copy is None or copy[0] != stamp:
            try:
                model = zoo.load(name, dataset)
                copy = stamp, weights_digest(model), model
            except Exception as err:  # noqa: BLE001 — no copy here until the file changes: askers use their own
                _LOG.warning("no copy of %s here (%s); its askers compute it themselves", name, err)
                copy = stamp, "", None
            _loaded[(name, dataset)] = copy
    return copy[2] if copy[2] is not None and copy[1] == digest else None


def preload(names: tuple[str, ...] = ("denoiser", "inpainter"), dataset: str = BUNDLED) -> None:
    """Load this process's copies of the models (the worker's warm-up); a checkpoint that cannot load is left out:
    its calls are answered by the asker."""
    for name in names:
        _model(name, dataset, digest="")


def _plain(result) -> dict:
    """A result's fields as NumPy arrays and plain numbers (a tensor's pickle would go through shared memory)."""
    return {f.name: (v.numpy() if isinstance(v, torch.Tensor) else v)
            for f in dataclasses.fields(result) for v in [getattr(result, f.name)]}


def _tensors(fields: dict) -> dict:
    return {k: (torch.from_numpy(v) if isinstance(v, np.ndarray) else v) for k, v in fields.items()}


def denoised_plain(name: str, dataset: str, digest: str, clean: np.ndarray, kind: str, level: float,
                   filter_name: str, seed: int) -> dict | None:
    """:func:`explorer.restoration.denoise` by the model with ``digest``, as plain data; None without that model."""
    model = _model(name, dataset, digest)
    if model is None:
        return None
    return _plain(denoise(model, torch.from_numpy(clean), kind, level, filter_name, seed))


def inpainted_plain(name: str, dataset: str, digest: str, truth: np.ndarray, mask: np.ndarray) -> dict | None:
    """:func:`explorer.restoration.inpaint` by the model with ``digest``, as plain data; None without that model."""
    model = _model(name, dataset, digest)
    if model is None:
        return None
    return _plain(inpaint(model, torch.from_numpy(truth), torch.from_numpy(mask)))


def denoising(fields: dict) -> Denoising:
    return Denoising(**_tensors(fields))


def inpainting(fields: dict) -> Inpainting:
    return Inpainting(**_tensors(fields))
