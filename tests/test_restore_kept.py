"""Denoise and inpaint's kept results: the very result the library gives for those arguments, kept once per
question (a rerun with the same digit, noise and mask reuses it), and a new result for any other question."""

import pytest
import torch

from explorer import zoo
from explorer.data import digits
from explorer.restoration import denoise, inpaint, make_mask
from explorer.ui.restore import kept


@pytest.fixture(scope="module")
def models():
    return zoo.load("denoiser"), zoo.load("inpainter")


def digit(i: int) -> torch.Tensor:
    return digits("mnist-5k", "test")[0][i:i + 1].clone()


def test_a_kept_denoising_is_the_librarys_and_is_kept_once(models):
    denoiser, _ = models
    first = kept.denoised(denoiser, digit(3), "gaussian", 0.4, "median 3×3", 7)
    direct = denoise(denoiser, digit(3), "gaussian", 0.4, "median 3×3", 7)
    for part in ("clean", "noisy", "denoised", "baseline"):
        assert torch.equal(getattr(first, part), getattr(direct, part)), part
    assert (first.psnr_noisy, first.psnr_denoised, first.psnr_baseline) == \
        (direct.psnr_noisy, direct.psnr_denoised, direct.psnr_baseline)
    assert kept.denoised(denoiser, digit(3), "gaussian", 0.4, "median 3×3", 7) is first  # an equal digit: kept
    for other in [(digit(4), "gaussian", 0.4, "median 3×3", 7), (digit(3), "salt-and-pepper", 0.4, "median 3×3", 7),
                  (digit(3), "gaussian", 0.45, "median 3×3", 7), (digit(3), "gaussian", 0.4, "blur σ=0.8", 7),
                  (digit(3), "gaussian", 0.4, "median 3×3", 8)]:
        again, want = kept.denoised(denoiser, *other), denoise(denoiser, *other)
        assert again is not first and torch.equal(again.noisy, want.noisy) and torch.equal(again.baseline, want.baseline)


def test_a_kept_inpainting_is_the_librarys_and_a_new_mask_is_a_new_question(models):
    _, inpainter = models
    hole = make_mask("rectangle", top=6, left=6, height=10, width=10)
    first = kept.inpainted(inpainter, digit(5), hole)
    direct = inpaint(inpainter, digit(5), hole)
    assert torch.equal(first.inpainted, direct.inpainted) and first.mse_inpainted == direct.mse_inpainted
    assert kept.inpainted(inpainter, digit(5), hole.clone()) is first
    other = kept.inpainted(inpainter, digit(5), make_mask("rectangle", top=6, left=6, height=10, width=11))
    assert other is not first and other.missing == first.missing + 10
