"""Noise and masks: statistics, geometry, reproducibility."""

import pytest
import torch

from explorer import corrupt


def test_gaussian_noise_statistics_and_clipping():
    x = torch.full((200, 1, 28, 28), 0.5)
    y = corrupt.gaussian_noise(x, 0.1, generator=1)
    assert abs((y - x).mean().item()) < 2e-3
    assert abs((y - x).std().item() - 0.1) < 2e-3
    big = corrupt.gaussian_noise(x, 2.0, generator=1)
    assert big.min() == 0.0 and big.max() == 1.0  # clipped to the pixel range


def test_per_image_sigma():
    x = torch.full((2, 1, 28, 28), 0.5)
    y = corrupt.gaussian_noise(x, torch.tensor([0.0, 0.2]), generator=0)
    assert torch.equal(y[0], x[0]) and (y[1] - x[1]).std() > 0.15


def test_salt_and_pepper_fraction_and_values():
    x = torch.full((100, 1, 28, 28), 0.5)
    y = corrupt.salt_and_pepper(x, 0.3, generator=2)
    hit = y != 0.5
    assert abs(hit.float().mean().item() - 0.3) < 0.01
    assert set(y[hit].unique().tolist()) == {0.0, 1.0}
    assert abs((y[hit] == 1).float().mean().item() - 0.5) < 0.02


def test_seeds_reproduce_and_differ():
    x = torch.rand(4, 1, 28, 28, generator=torch.Generator().manual_seed(0))
    for f in (lambda g: corrupt.gaussian_noise(x, 0.5, g), lambda g: corrupt.salt_and_pepper(x, 0.2, g),
              lambda g: corrupt.random_pixels(0.5, 4, g), lambda g: corrupt.training_masks(8, g),
              lambda g: corrupt.training_noise(x, g)):
        assert torch.equal(f(7), f(7))
        assert torch.equal(f(7), f(torch.Generator().manual_seed(7)))
        assert not torch.equal(f(7), f(8))


def test_rectangle_geometry():
    m = corrupt.rectangle(2, 5, 3, 4, n=2)
    assert m.shape == (2, 1, 28, 28)
    missing = (m[0, 0] == 0).nonzero()
    assert missing[:, 0].unique().tolist() == [2, 3, 4]
    assert missing[:, 1].unique().tolist() == [5, 6, 7, 8]
    assert m.sum().item() == 2 * (784 - 12)


def test_centre_hole_is_rows_and_cols_8_to_19():
    m = corrupt.centre_hole()[0, 0]
    expected = torch.ones(28, 28)
    expected[8:20, 8:20] = 0
    assert torch.equal(m, expected)


def test_stripes_and_halves():
    h = corrupt.stripe("horizontal", 10, 3)[0, 0]
    assert (h[10:13] == 0).all() and h.sum() == 784 - 3 * 28
    v = corrupt.stripe("vertical", 0, 5)[0, 0]
    assert (v[:, :5] == 0).all() and v.sum() == 784 - 5 * 28
    for side, sl in {"top": (slice(0, 14), slice(None)), "bottom": (slice(14, 28), slice(None)),
                     "left": (slice(None), slice(0, 14)), "right": (slice(None), slice(14, 28))}.items():
        m = corrupt.half(side)[0, 0]
        assert (m[sl] == 0).all() and m.sum() == 392
    with pytest.raises(ValueError):
        corrupt.half("middle")
    with pytest.raises(ValueError):
        corrupt.stripe("diagonal")


def test_random_pixels_fraction():
    m = corrupt.random_pixels(0.25, n=50, generator=3)
    assert abs((m == 0).float().mean().item() - 0.25) < 0.01


def test_apply_mask_zeroes_missing_pixels():
    x = torch.ones(1, 1, 28, 28)
    assert corrupt.apply_mask(x, corrupt.centre_hole()).sum() == 784 - 144


def test_training_masks_mix_shapes():
    m = corrupt.training_masks(400, generator=0)
    assert m.shape == (400, 1, 28, 28) and set(m.unique().tolist()) == {0.0, 1.0}
    missing = (m == 0).flatten(1).float().mean(1)
    assert (missing > 0).all()  # every training image has something to fill
    hole = corrupt.centre_hole()
    assert (m == hole).flatten(1).all(1).sum() > 20  # the benchmark hole is among them
