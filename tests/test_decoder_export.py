"""The decoder export: its NumPy forward against the PyTorch decoder, and the round trip."""

import base64
import json
from pathlib import Path

import numpy as np
import pytest
import torch
from torch import nn

from explorer import SEED
from explorer.decoder_export import (
    decode_numpy,
    decode_tensor,
    decoder_weights,
    encode_tensor,
)
from explorer.nets import VAE

CHECKPOINT = Path("models/vae-mnist-5k.pt")


def sharp_vae() -> VAE:
    """A VAE whose decoder gives logits of order ±10 (a fresh init gives ~0.5 everywhere)."""
    torch.manual_seed(SEED)
    vae = VAE().eval()
    with torch.no_grad():
        for p in vae.decoder.parameters():
            p.mul_(3.0)
    return vae


def shipped_vae() -> nn.Module:
    from explorer import zoo

    return zoo.load("vae")


@pytest.mark.parametrize("make", [
    pytest.param(sharp_vae, id="sharp-init"),
    pytest.param(shipped_vae, id="shipped",
                 marks=pytest.mark.skipif(not CHECKPOINT.exists(), reason="no shipped VAE checkpoint")),
])
def test_numpy_forward_matches_torch_decoder_at_50_random_z(make):
    vae = make()
    z = torch.randn(50, 2, generator=torch.Generator().manual_seed(SEED)) * 2.5  # (50, 2)
    with torch.no_grad():
        expected = torch.sigmoid(vae.decode(z))[:, 0].numpy()  # (50, 28, 28)
    got = decode_numpy(decoder_weights(vae), z.numpy())
    assert got.shape == (50, 28, 28)
    assert expected.std() > 0.1  # the images have contrast, so the comparison means something
    np.testing.assert_allclose(got, expected, atol=1e-5, rtol=0)


KINDS = {nn.Linear: "linear", nn.ReLU: "relu", nn.Unflatten: "unflatten",
         nn.ConvTranspose2d: "conv_transpose2d", nn.Conv2d: "conv2d", nn.Sigmoid: "sigmoid"}


def test_export_round_trips_every_tensor_bit_for_bit():
    vae = sharp_vae()
    export = json.loads(json.dumps(decoder_weights(vae)))  # what the browser receives
    assert [layer["type"] for layer in export["layers"]] == [KINDS[type(m)] for m in vae.decoder]
    params = [(m.weight, m.bias) for m in vae.decoder if hasattr(m, "weight")]
    tensors = [(layer["weight"], layer["bias"]) for layer in export["layers"] if "weight" in layer]
    assert len(tensors) == len(params) >= 3
    for (w, b), (dw, db) in zip(params, tensors):
        assert dw["shape"] == list(w.shape) and db["shape"] == list(b.shape)
        np.testing.assert_array_equal(decode_tensor(dw), w.detach().numpy())
        np.testing.assert_array_equal(decode_tensor(db), b.detach().numpy())
    assert export["latent"] == 2 and export["output"] == "logits"


def test_float32_payload_is_little_endian_raw_bytes():
    t = torch.tensor([[1.0, -2.5], [3.25, 0.0]])
    d = encode_tensor(t)
    assert base64.b64decode(d["data"]) == np.array([1.0, -2.5, 3.25, 0.0], dtype="<f4").tobytes()
    assert d["shape"] == [2, 2] and d["dtype"] == "float32"


def test_float16_export_halves_the_payload_and_rounds_like_torch_half():
    vae = sharp_vae()
    full, half = decoder_weights(vae), decoder_weights(vae, dtype="float16")
    assert len(json.dumps(half)) < 0.55 * len(json.dumps(full))
    w = vae.decoder[2].weight  # the big Linear(hidden, 2w·7·7)
    np.testing.assert_array_equal(decode_tensor(half["layers"][2]["weight"]), w.detach().half().float().numpy())


def test_id_follows_the_weights():
    vae = sharp_vae()
    first = decoder_weights(vae)["id"]
    assert decoder_weights(vae)["id"] == first
    with torch.no_grad():
        vae.decoder[-1].bias.add_(0.01)
    assert decoder_weights(vae)["id"] != first


def test_layers_without_a_browser_version_are_refused():
    class Odd(nn.Module):
        decoder = nn.Sequential(nn.Linear(2, 4), nn.GELU())

    with pytest.raises(ValueError, match="GELU"):
        decoder_weights(Odd())
