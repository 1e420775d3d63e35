"""Whole-pixel enlargement and tiling of digits, against torchvision's make_grid."""

import base64
import io

import numpy as np
import pytest
import torch
from PIL import Image
from torchvision.utils import make_grid

from explorer.figures.pixels import png_data_url, tile, upscale


@pytest.mark.parametrize("n,nrow,px,padding", [(7, 3, 56, 1), (10, 10, 84, 1), (400, 20, 28, 0), (6, 3, 84, 2)])
def test_tile_lays_digits_out_as_make_grid_does(n, nrow, px, padding):
    images = np.random.default_rng(n).random((n, 28, 28)).astype(np.float32)
    k = px // 28
    big = torch.nn.functional.interpolate(torch.as_tensor(images)[:, None], scale_factor=k, mode="nearest")
    want = (make_grid(big, nrow=nrow, padding=padding * k, pad_value=1.0)[0] * 255 + 0.5).to(torch.uint8).numpy()
    np.testing.assert_array_equal(tile(images, nrow, px, padding), want)


def test_upscale_repeats_whole_pixels_of_grey_and_rgb():
    grey = np.zeros((28, 28), dtype=np.float32)
    grey[3, 5] = 1.0
    out = upscale(torch.as_tensor(grey)[None, None], 84)  # a (1, 1, 28, 28) tensor is fine too
    assert out.shape == (84, 84) and out.dtype == np.uint8
    assert (out[9:12, 15:18] == 255).all() and out.sum() == 9 * 255
    rgb = np.zeros((28, 28, 3), dtype=np.uint8)
    rgb[0, 0] = (255, 0, 0)
    big = upscale(rgb, 56)
    assert big.shape == (56, 56, 3) and (big[:2, :2, 0] == 255).all() and big[2:, :, 0].sum() == 0


def _pixels(url: str) -> np.ndarray:
    head, _, body = url.partition(",")
    assert head == "data:image/png;base64"
    return np.asarray(Image.open(io.BytesIO(base64.b64decode(body))))


def test_a_data_url_carries_the_pictures_own_pixels():
    grey = np.random.default_rng(0).random((28, 28)).astype(np.float32)
    np.testing.assert_array_equal(_pixels(png_data_url(torch.as_tensor(grey)[None, None])),
                                  (grey * 255 + 0.5).astype(np.uint8))  # the same rounding as upscale
    tiles = tile(np.stack([grey, 1 - grey]), nrow=2, padding=1)  # a uint8 picture goes as it is
    np.testing.assert_array_equal(_pixels(png_data_url(tiles)), tiles)
    rgb = np.random.default_rng(1).integers(0, 256, (28, 28, 3), dtype=np.uint8)
    np.testing.assert_array_equal(_pixels(png_data_url(rgb)), rgb)


def test_a_digits_url_is_encoded_once_and_a_grid_each_time():
    from explorer.figures import pixels

    digit = np.random.default_rng(2).random((28, 28)).astype(np.float32)
    grid = tile(np.stack([digit] * 20), nrow=10, padding=1)
    assert grid.nbytes > pixels.KEPT_PICTURE_BYTES
    first = png_data_url(digit)
    kept = pixels._kept_encoded.cache_info()
    assert png_data_url(digit.copy()) is first  # the same pixels: the kept URL, not a new encoding
    assert pixels._kept_encoded.cache_info().hits == kept.hits + 1
    assert _pixels(png_data_url(grid)).shape == grid.shape
    assert pixels._kept_encoded.cache_info().currsize == kept.currsize  # the grid was not kept
