"""explorer.latent and explorer.figures.latent: grids, paths, samples, ellipses, encode/decode."""

import numpy as np
import pytest
import torch
from scipy.stats import norm

from explorer import SEED, latent
from explorer.figures import latent as figs
from explorer.figures.pixels import tile
from explorer.nets import VAE, Autoencoder


@pytest.fixture(scope="module")
def vae():
    torch.manual_seed(SEED)
    return VAE(latent=2).eval()


def test_linear_axis_is_evenly_spaced_cell_centres():
    axis = latent.grid_axis(20, "linear", half_width=3.0)
    assert np.allclose(np.diff(axis), 0.3)
    assert axis[0] == pytest.approx(-2.85) and axis[-1] == pytest.approx(2.85)


def test_icdf_axis_is_equal_probability_and_bounded():
    n = 20
    axis = latent.grid_axis(n, "icdf")
    assert np.all(np.isfinite(axis)) and np.all(np.diff(axis) > 0)
    assert np.allclose(norm.cdf(axis), (np.arange(n) + 0.5) / n, atol=1e-9)  # Φ(z_k) uniform
    assert axis[-1] == pytest.approx(norm.ppf(1 - 0.5 / n)) and axis[0] == pytest.approx(-axis[-1])
    gaps = np.diff(axis)
    assert gaps[0] > gaps[n // 2]  # sparse in the tails, dense in the middle


def test_unknown_spacing_is_rejected():
    with pytest.raises(ValueError, match="spacing"):
        latent.grid_axis(5, "log")


@pytest.mark.parametrize("spacing, half_width", [("linear", 3.0), ("linear", 4.5), ("icdf", 3.0)])
def test_grid_ticks_sit_where_their_z_falls_and_include_zero(spacing, half_width):
    n, fine = 20, 100  # a 100× finer grid of the same spacing locates each z by its cell centres
    position, values = latent.grid_ticks(n, spacing, half_width)
    centres = latent.grid_axis(n * fine, spacing, half_width)  # (2000,) z at cell k·(1/100) + ½/100
    expected = np.interp(values, centres, (np.arange(n * fine) + 0.5) / fine)
    assert np.allclose(position, expected, atol=0.02)
    assert 0.0 in values and position[list(values).index(0.0)] == pytest.approx(n / 2)
    assert 3 <= len(values) <= 7 and np.all(np.diff(values) > 0)
    assert np.all((position >= 0) & (position <= n))  # every tick on the picture


def test_manifold_codes_in_picture_order():
    codes = latent.manifold_codes(4, "linear", half_width=2.0)  # (16, 2)
    axis = latent.grid_axis(4, "linear", 2.0)
    assert codes.shape == (16, 2)
    assert np.allclose(codes[:4, 0], axis) and np.allclose(codes[:4, 1], axis[-1])  # top row: largest z2
    assert np.allclose(codes[-1], [axis[-1], axis[0]])  # bottom right


def test_interpolation_ends_and_even_steps():
    path = latent.interpolate([0.0, 1.0], [2.0, -3.0], 5)
    assert np.allclose(path[0], [0, 1]) and np.allclose(path[-1], [2, -3])
    assert np.allclose(np.diff(path, axis=0), [0.5, -1.0])


def test_reparameterisation_samples_have_mu_and_sigma():
    mu, logvar = np.array([1.5, -0.5]), np.log(np.array([0.04, 0.25]))  # σ = 0.2, 0.5
    z = latent.sample(mu, logvar, 20_000, seed=SEED)
    assert np.allclose(z.mean(0), mu, atol=0.015)
    assert np.allclose(z.std(0), [0.2, 0.5], rtol=0.03)
    few = latent.sample(mu, logvar, 5, seed=SEED)
    assert np.array_equal(few, latent.sample(mu, logvar, 5, seed=SEED))  # same seed, same codes
    assert not np.allclose(few, latent.sample(mu, logvar, 5, seed=SEED + 1))


def test_ellipse_radii_come_from_logvar():
    mu, logvar = np.array([1.0, 2.0]), np.log(np.array([0.09, 0.01]))  # σ = 0.3, 0.1
    for k in (1, 2):
        e = latent.ellipse(mu, logvar, k=k, points=361)
        assert np.allclose(e.max(0) - mu, [0.3 * k, 0.1 * k]) and np.allclose(mu - e.min(0), [0.3 * k, 0.1 * k])
        assert np.allclose(((e - mu) / (k * np.array([0.3, 0.1]))) ** 2 @ [1, 1], 1.0)
        assert np.allclose(e[0], e[-1])


def test_encode_decode_match_the_network(vae):
    x = torch.rand(7, 1, 28, 28, generator=torch.Generator().manual_seed(SEED))
    mu, logvar = latent.encode(vae, x, batch=3)
    ref_mu, ref_logvar = vae.encode(x)
    assert np.allclose(mu, ref_mu.detach().numpy(), atol=1e-6)
    assert np.allclose(logvar, ref_logvar.detach().numpy(), atol=1e-6)
    images = latent.decode(vae, mu)
    assert images.shape == (7, 28, 28)
    assert np.allclose(images, torch.sigmoid(vae.decode(torch.from_numpy(mu)))[:, 0].detach().numpy(), atol=1e-6)
    assert latent.decode(vae, mu[0]).shape == (28, 28)


def test_plain_autoencoder_codes_have_no_variance():
    torch.manual_seed(SEED)
    ae = Autoencoder(latent=2).eval()
    x = torch.rand(3, 1, 28, 28)
    mu, logvar = latent.encode(ae, x)
    assert np.allclose(mu, ae.encode(x).detach().numpy(), atol=1e-6) and np.all(np.isneginf(logvar))


def test_extent_holds_every_code():
    mu = np.array([[0.2, -3.3], [1.0, 0.1]])
    r = latent.extent(mu)
    assert r == 3.5 and np.all(np.abs(mu) <= r)


def test_square_around_frames_off_centre_codes():
    points = np.array([[2.0, 9.0], [8.0, 1.0], [5.0, 5.0]])
    (cx, cy), r = latent.square_around(points, pad=1.0)
    assert (cx, cy) == (5.0, 5.0) and r == 4.0  # the taller side sets the square
    fig = figs.map_figure(points, np.array([0, 1, 2]), r, classroom=False, centre=(cx, cy))
    assert list(fig.layout.xaxis.range) == [1.0, 9.0] and list(fig.layout.yaxis.range) == [1.0, 9.0]


def test_map_figure_colours_classes():
    rng = np.random.default_rng(SEED)
    mu, labels = rng.normal(size=(100, 2)), np.repeat(np.arange(10), 10)
    fig = figs.map_figure(mu, labels, 3.0, classroom=False, height=450)
    assert len(fig.data) == 10
    for k in range(10):
        trace = fig.data[k]
        assert trace.name == str(k) and trace.marker.color == figs.PALETTE[k] and trace.type == "scattergl"
        assert np.array_equal(trace.customdata[:, 1], np.flatnonzero(labels == k))


def test_classroom_map_has_bigger_fonts():
    mu, labels = np.zeros((10, 2)), np.arange(10)
    small = figs.map_figure(mu, labels, 3.0, classroom=False)
    big = figs.map_figure(mu, labels, 3.0, classroom=True)
    assert big.layout.xaxis.tickfont.size > small.layout.xaxis.tickfont.size >= 12
    assert big.layout.font.size >= 20


def test_tile_is_whole_pixel_enlargement():
    images = np.zeros((3, 28, 28), dtype=np.float32)
    images[1, 0, 0] = 1.0
    pic = tile(images, nrow=3, px=56)  # (56, 168)
    assert pic.shape == (56, 168) and pic.dtype == np.uint8
    assert np.all(pic[:2, 56:58] == 255) and pic[2, 58] == 0 and pic[0, 0] == 0
