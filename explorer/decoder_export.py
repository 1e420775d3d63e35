"""Export a VAE decoder as a JSON layer list, and a NumPy forward of that list.

The live latent map (``explorer/ui/live_map.js``) decodes z in the browser from this export;
``decode_numpy`` runs exactly the same layers and is the reference the tests hold both the
PyTorch decoder and the JavaScript decoder to.

Format: ``{"id", "latent", "output": "logits", "layers": [...]}``; each layer is a dict with a
``type`` in ``LAYER_TYPES``, its hyper-parameters and its tensors as
``{"shape": [...], "dtype": "float32"|"float16", "data": base64 of little-endian bytes}``.
"""

from __future__ import annotations

import base64
import hashlib
import json

import numpy as np
import torch
from torch import nn

LAYER_TYPES = ("linear", "relu", "leaky_relu", "sigmoid", "tanh", "unflatten", "conv2d", "conv_transpose2d")
DTYPES = ("float32", "float16")


def encode_tensor(t: torch.Tensor, dtype: str = "float32") -> dict:
    """A tensor -> ``{"shape", "dtype", "data"}`` with base64 little-endian bytes."""
    a = t.detach().cpu().numpy().astype("<f4" if dtype == "float32" else "<f2")
    return {"shape": list(a.shape), "dtype": dtype, "data": base64.b64encode(a.tobytes()).decode("ascii")}


def decode_tensor(d: dict) -> np.ndarray:
    """``encode_tensor``'s dict -> float32 array of the recorded shape."""
    a = np.frombuffer(base64.b64decode(d["data"]), dtype="<f4" if d["dtype"] == "float32" else "<f2")
    return a.astype(np.float32).reshape(d["shape"])


def _flat(module: nn.Module) -> list[nn.Module]:
    """Sequential containers flattened into their leaf layers, in forward order."""
    if isinstance(module, nn.Sequential):
        return [leaf for child in module for leaf in _flat(child)]
    return [module]


def _conv(m: nn.Conv2d | nn.ConvTranspose2d, kind: str, dtype: str) -> dict:
    square = {m.kernel_size[0] == m.kernel_size[1], m.stride[0] == m.stride[1], m.padding[0] == m.padding[1]}
    if square != {True} or m.groups != 1 or m.dilation != (1, 1) or m.padding_mode != "zeros":
        raise ValueError(f"{kind}: only square kernels, groups=1, dilation=1, zero padding are exported")
    layer = {"type": kind, "in": m.in_channels, "out": m.out_channels, "kernel": m.kernel_size[0],
             "stride": m.stride[0], "padding": m.padding[0], "weight": encode_tensor(m.weight, dtype)}
    if kind == "conv_transpose2d":
        layer["output_padding"] = m.output_padding[0]
    layer["bias"] = encode_tensor(m.bias if m.bias is not None else torch.zeros(m.out_channels), dtype)
    return layer


def _layer(m: nn.Module, dtype: str) -> dict:
    """One leaf module -> its JSON layer dict; anything the JS decoder lacks is an error."""
    if isinstance(m, nn.Linear):
        bias = m.bias if m.bias is not None else torch.zeros(m.out_features)
        return {"type": "linear", "in": m.in_features, "out": m.out_features,
                "weight": encode_tensor(m.weight, dtype), "bias": encode_tensor(bias, dtype)}
    if isinstance(m, nn.ReLU):
        return {"type": "relu"}
    if isinstance(m, nn.LeakyReLU):
        return {"type": "leaky_relu", "slope": m.negative_slope}
    if isinstance(m, nn.Sigmoid):
        return {"type": "sigmoid"}
    if isinstance(m, nn.Tanh):
        return {"type": "tanh"}
    if isinstance(m, nn.Unflatten):
        if m.dim != 1:
            raise ValueError("unflatten: only dim=1 is exported")
        return {"type": "unflatten", "shape": list(m.unflattened_size)}
    if isinstance(m, nn.ConvTranspose2d):
        return _conv(m, "conv_transpose2d", dtype)
    if isinstance(m, nn.Conv2d):
        return _conv(m, "conv2d", dtype)
    raise ValueError(f"decoder layer {type(m).__name__} has no browser implementation")


def decoder_weights(vae: nn.Module, dtype: str = "float32") -> dict:
    """The VAE's decoder (``vae.decoder``, a Sequential) as a JSON-serialisable layer list.

    The result holds only str/int/float/list values, so ``st.cache_data`` can keep it and
    ``json.dumps`` can send it; ``id`` is a content hash the browser keys its copy by.
    """
    if dtype not in DTYPES:
        raise ValueError(f"dtype must be one of {DTYPES}")
    layers = [_layer(m, dtype) for m in _flat(vae.decoder)]
    latent = next(m for m in _flat(vae.decoder) if isinstance(m, nn.Linear)).in_features
    digest = hashlib.sha256(json.dumps(layers, sort_keys=True).encode()).hexdigest()[:16]
    return {"id": digest, "latent": latent, "output": "logits", "layers": layers}


def _conv2d(x: np.ndarray, w: np.ndarray, b: np.ndarray, stride: int, padding: int) -> np.ndarray:
    """Cross-correlation as in torch: (N, Cin, H, W), w (Cout, Cin, K, K) -> (N, Cout, Ho, Wo)."""
    k = w.shape[-1]
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    win = np.lib.stride_tricks.sliding_window_view(xp, (k, k), axis=(2, 3))[:, :, ::stride, ::stride]
    return np.einsum("nchwij,ocij->nohw", win, w) + b[None, :, None, None]


def _conv_transpose2d(x: np.ndarray, w: np.ndarray, b: np.ndarray, stride: int, padding: int,
                      output_padding: int) -> np.ndarray:
    """Transposed conv as in torch: each input pixel scatters w[ci] (Cin, Cout, K, K) onto the output."""
    n, _, h, wd = x.shape
    k = w.shape[-1]
    full = np.zeros((n, w.shape[1], (h - 1) * stride + k + output_padding, (wd - 1) * stride + k + output_padding))
    for i in range(k):
        for j in range(k):
            full[:, :, i:i + (h - 1) * stride + 1:stride, j:j + (wd - 1) * stride + 1:stride] += \
                np.einsum("nchw,cd->ndhw", x, w[:, :, i, j])
    ho = (h - 1) * stride - 2 * padding + k + output_padding
    wo = (wd - 1) * stride - 2 * padding + k + output_padding
    return full[:, :, padding:padding + ho, padding:padding + wo] + b[None, :, None, None]


def _forward(layer: dict, x: np.ndarray) -> np.ndarray:
    kind = layer["type"]
    if kind == "relu":
        return np.maximum(x, 0.0)
    if kind == "leaky_relu":
        return np.where(x > 0, x, layer["slope"] * x)
    if kind == "sigmoid":
        return 1.0 / (1.0 + np.exp(-x))
    if kind == "tanh":
        return np.tanh(x)
    if kind == "unflatten":
        return x.reshape(x.shape[0], *layer["shape"])
    w, b = decode_tensor(layer["weight"]).astype(np.float64), decode_tensor(layer["bias"]).astype(np.float64)
    if kind == "linear":
        return x @ w.T + b
    if kind == "conv2d":
        return _conv2d(x, w, b, layer["stride"], layer["padding"])
    if kind == "conv_transpose2d":
        return _conv_transpose2d(x, w, b, layer["stride"], layer["padding"], layer["output_padding"])
    raise ValueError(f"unknown layer type {kind!r}")


def decode_numpy(weights: dict, z) -> np.ndarray:
    """Reference forward of an export: z (N, latent) -> images (N, 28, 28) in [0, 1] (float64 maths)."""
    x = np.atleast_2d(np.asarray(z, dtype=np.float64))  # (N, latent)
    for layer in weights["layers"]:
        x = _forward(layer, x)
    if weights["output"] == "logits":
        x = 1.0 / (1.0 + np.exp(-x))  # Bernoulli mean: sigmoid of the logits
    return x.reshape(x.shape[0], x.shape[-2], x.shape[-1])  # (N, 28, 28)
