"""Shapes and value ranges of the networks' public methods."""

import torch

from explorer import corrupt
from explorer.nets import VAE, Autoencoder, Classifier, Denoiser, Inpainter, Restorer

X = torch.rand(5, 1, 28, 28, generator=torch.Generator().manual_seed(0))


def test_vae_encode_decode_shapes():
    for latent in (2, 8, 16):
        vae = VAE(latent=latent, width=8, hidden=32).eval()
        mu, logvar = vae.encode(X)
        assert mu.shape == logvar.shape == (5, latent)
        logits = vae.decode(mu)
        assert logits.shape == (5, 1, 28, 28)
        assert torch.isfinite(logits).all()
        out, mu2, _ = vae(X)
        assert out.shape == (5, 1, 28, 28) and torch.equal(mu, mu2)


def test_reparameterize_moments_and_gradient():
    vae = VAE(latent=2, width=4, hidden=8)
    mu = torch.tensor([[1.0, -2.0]]).repeat(20000, 1).requires_grad_()
    logvar = torch.log(torch.tensor([[0.25, 4.0]])).repeat(20000, 1)
    z = vae.reparameterize(mu, logvar, torch.Generator().manual_seed(0))
    torch.testing.assert_close(z.mean(0), torch.tensor([1.0, -2.0]), atol=0.05, rtol=0)
    torch.testing.assert_close(z.std(0), torch.tensor([0.5, 2.0]), atol=0.05, rtol=0)
    z.sum().backward()
    assert torch.equal(mu.grad, torch.ones_like(mu))  # dz/dmu = 1: gradients flow through the sample


def test_autoencoder_codes_are_2d():
    ae = Autoencoder(width=8, hidden=32).eval()
    z = ae.encode(X)
    assert z.shape == (5, 2)
    assert ae.decode(z).shape == (5, 1, 28, 28)


def test_restorer_outputs_in_unit_range_and_keeps_known_pixels():
    r = Restorer(width=8).eval()
    assert r.denoise(X).shape == (5, 1, 28, 28)
    assert 0 <= r.denoise(X).min() and r.denoise(X).max() <= 1
    mask = corrupt.centre_hole(5)
    filled = r.inpaint(X * mask, mask)
    assert 0 <= filled.min() and filled.max() <= 1
    torch.testing.assert_close(filled * mask, X * mask)  # known pixels are passed through
    assert not torch.equal(filled * (1 - mask), torch.zeros_like(X))  # the hole is filled


def test_views_share_one_restorer():
    r = Restorer(width=8).eval()
    den, inp = Denoiser(r), Inpainter(r)
    mask = corrupt.half("left", 5)
    torch.testing.assert_close(den(X), r.denoise(X))
    torch.testing.assert_close(inp(X * mask, mask), r.inpaint(X * mask, mask))
    assert den.restorer is inp.restorer


def test_classifier_logits():
    assert Classifier(width=4)(X).shape == (5, 10)


def test_one_shared_model_serves_many_threads():
    from concurrent.futures import ThreadPoolExecutor

    vae = VAE(width=8, hidden=32).eval().requires_grad_(False)  # as the zoo serves it
    zs = [torch.randn(16, 2, generator=torch.Generator().manual_seed(k)) for k in range(8)]
    with torch.inference_mode():
        expected = [vae.decode(z) for z in zs]

    def decode(z):
        with torch.inference_mode():
            return vae.decode(z)

    with ThreadPoolExecutor(4) as pool:
        for got, want in zip(pool.map(decode, zs * 4), expected * 4):
            assert torch.equal(got, want)
