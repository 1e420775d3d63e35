"""Classical baselines: the median filter against a naive loop, blur and mean-fill by hand."""

import numpy as np
import pytest
import torch

from explorer import baselines, corrupt
from explorer.data import digits


def naive_median(img: np.ndarray, size: int) -> np.ndarray:
    """Median of each size×size window of a reflect-padded 2-D image, one pixel at a time."""
    r = size // 2
    padded = np.pad(img, r, mode="reflect")
    out = np.empty_like(img)
    for i in range(img.shape[0]):
        for j in range(img.shape[1]):
            window = padded[i:i + size, j:j + size].ravel()
            out[i, j] = np.sort(window)[len(window) // 2]  # odd count: the middle value
    return out


@pytest.mark.parametrize("size", [3, 5])
def test_median_filter_matches_naive_loop(size):
    gen = torch.Generator().manual_seed(1)
    x = torch.rand(2, 1, 9, 11, generator=gen)
    got = baselines.median_filter(x, size)
    for n in range(2):
        np.testing.assert_allclose(got[n, 0].numpy(), naive_median(x[n, 0].numpy(), size))


def test_median_filter_removes_isolated_salt():
    x = torch.zeros(1, 1, 7, 7)
    x[0, 0, 3, 3] = 1.0
    assert baselines.median_filter(x, 3).abs().max() == 0


def test_median_filter_rejects_even_size():
    with pytest.raises(ValueError, match="odd"):
        baselines.median_filter(torch.zeros(1, 1, 5, 5), 4)


def test_gaussian_blur_keeps_constant_and_mass_of_a_point():
    flat = torch.full((1, 1, 28, 28), 0.3)
    torch.testing.assert_close(baselines.gaussian_blur(flat, 1.2), flat)
    point = torch.zeros(1, 1, 28, 28)
    point[0, 0, 14, 14] = 1.0
    blurred = baselines.gaussian_blur(point, 1.0)
    assert blurred.sum().item() == pytest.approx(1.0, abs=1e-5)  # kernel sums to one, far from edges
    assert blurred[0, 0, 14, 14] == blurred.max()
    # a separable Gaussian: the ratio of neighbours is exp(-1/(2 sigma^2))
    ratio = (blurred[0, 0, 14, 15] / blurred[0, 0, 14, 14]).item()
    assert ratio == pytest.approx(np.exp(-0.5), rel=1e-4)


@pytest.mark.parametrize("sigma", [0.5, 0.8, 1.2, 1.8])
def test_gaussian_blur_is_torchvisions(sigma):
    from torchvision.transforms.functional import gaussian_blur as tv_blur  # the page does without it

    x = torch.rand(3, 1, 28, 28, generator=torch.Generator().manual_seed(2))
    k = 2 * int(np.ceil(2 * sigma)) + 1
    torch.testing.assert_close(baselines.gaussian_blur(x, sigma), tv_blur(x, [k, k], [sigma, sigma]))


def test_apply_filter_names_and_unknown():
    x = torch.rand(1, 1, 28, 28)
    for name in baselines.FILTERS:
        assert baselines.apply_filter(name, x).shape == x.shape
    torch.testing.assert_close(baselines.apply_filter("median 3×3", x), baselines.median_filter(x, 3))
    with pytest.raises(ValueError, match="unknown filter"):
        baselines.apply_filter("sharpen 3", x)


def test_best_filter_depends_on_the_noise():
    clean = digits("mnist-5k", "train")[0][::40]
    # isolated salt and pepper: the median's home ground
    assert baselines.best_filter(corrupt.salt_and_pepper(clean, 0.1, 0), clean) == "median 3×3"
    # faint Gaussian noise: only the lightest blur beats doing nothing
    assert baselines.best_filter(corrupt.gaussian_noise(clean, 0.1, 0), clean) == "blur σ=0.5"


def test_mean_fill_uses_known_pixels_only():
    x = torch.tensor([[1.0, 0.5], [0.0, 0.9]]).reshape(1, 1, 2, 2)
    mask = torch.tensor([[1.0, 1.0], [0.0, 0.0]]).reshape(1, 1, 2, 2)
    filled = baselines.mean_fill(x * mask, mask)
    torch.testing.assert_close(filled, torch.tensor([[1.0, 0.5], [0.75, 0.75]]).reshape(1, 1, 2, 2))


def test_mean_fill_with_nothing_known_is_zero():
    mask = torch.zeros(1, 1, 28, 28)
    assert baselines.mean_fill(torch.zeros(1, 1, 28, 28), mask).abs().max() == 0
