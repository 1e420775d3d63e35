"""Logits -> probabilities: softmax with a temperature, cross-entropy and its gradient, written out.

Logits are what softmax takes as inputs; it outputs probabilities.
Everything here works on the last dimension, so a (10,) vector or an (N, 10) batch both work.
"""

from __future__ import annotations

import torch
from torch import Tensor

CLASSES = 10  # the ten digits 0..9


def softmax(logits: Tensor, temperature: float = 1.0) -> Tensor:
    """p_k = exp(z_k / T) / sum_j exp(z_j / T) over the last dimension; T > 0."""
    if not temperature > 0:
        raise ValueError(f"temperature must be positive, got {temperature}")
    scaled = logits / temperature
    # subtracting the max changes nothing mathematically but keeps exp() from overflowing
    e = torch.exp(scaled - scaled.max(dim=-1, keepdim=True).values)
    return e / e.sum(dim=-1, keepdim=True)


def one_hot(target: int | Tensor, classes: int = CLASSES) -> Tensor:
    """The true class as a vector: 1 at ``target``, 0 elsewhere (float32)."""
    return torch.nn.functional.one_hot(torch.as_tensor(target), classes).float()


def cross_entropy(logits: Tensor, target: int | Tensor, temperature: float = 1.0) -> Tensor:
    """-log p_target: small when the true class gets most of the probability."""
    if not temperature > 0:
        raise ValueError(f"temperature must be positive, got {temperature}")
    scaled = logits / temperature
    # log softmax via log-sum-exp, so a tiny p_target gives a large finite loss, not inf
    log_p = scaled - torch.logsumexp(scaled, dim=-1, keepdim=True)
    y = one_hot(target, logits.shape[-1]).to(log_p.dtype)
    return -(y * log_p).sum(dim=-1)


def cross_entropy_grad(logits: Tensor, target: int | Tensor, temperature: float = 1.0) -> Tensor:
    """d CE / d logits = (softmax(z / T) - one_hot) / T: at T = 1 it is just softmax - one_hot."""
    p = softmax(logits, temperature)
    return (p - one_hot(target, logits.shape[-1]).to(p.dtype)) / temperature

