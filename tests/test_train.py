"""The ELBO terms against torch.distributions, and short training runs that lower the loss."""

import pytest
import torch
from torch.distributions import Bernoulli, Normal, kl_divergence

from explorer import train
from explorer.data import digits

X = digits("mnist-5k", "train")[0][::16]  # 250 digits of every class


def test_kl_matches_torch_distributions():
    g = torch.Generator().manual_seed(0)
    mu, logvar = torch.randn(6, 3, generator=g), torch.randn(6, 3, generator=g)
    q = Normal(mu, torch.exp(0.5 * logvar))
    p = Normal(torch.zeros(3), torch.ones(3))
    torch.testing.assert_close(train.gaussian_kl(mu, logvar), kl_divergence(q, p).sum(1))


def test_reconstruction_is_bernoulli_log_likelihood():
    g = torch.Generator().manual_seed(1)
    logits = torch.randn(4, 1, 28, 28, generator=g)
    x = (torch.rand(4, 1, 28, 28, generator=g) > 0.5).float()
    rec, _ = train.elbo_terms(logits, x, torch.zeros(4, 2), torch.zeros(4, 2))
    torch.testing.assert_close(rec, -Bernoulli(logits=logits).log_prob(x).flatten(1).sum(1))


def _losses(fit_fn):
    seen = []
    fit_fn(lambda epoch, epochs, m: seen.append(m["loss"]))
    return seen


def test_short_vae_run_lowers_the_loss_and_reports_progress():
    hp = {"latent": 2, "width": 8, "hidden": 32, "dropout": 0.0}
    seen = _losses(lambda p: train.train_vae(X, 3, hparams=hp, progress=p))
    assert len(seen) == 3 and seen[-1] < seen[0]


def test_training_is_deterministic_for_a_seed():
    hp = {"width": 4, "hidden": 16}
    a = train.train_ae(X[:64], 1, hparams=hp, seed=3).model
    b = train.train_ae(X[:64], 1, hparams=hp, seed=3).model
    for pa, pb in zip(a.parameters(), b.parameters()):
        assert torch.equal(pa, pb)


def test_restorer_and_classifier_runs_lower_their_loss():
    for task in ("denoise", "inpaint"):
        seen = _losses(lambda p, task=task: train.train_restorer(X, 3, task=task, hparams={"width": 4}, progress=p))
        assert seen[-1] < seen[0]
    with pytest.raises(ValueError):
        train.train_restorer(X, 1, task="paint")
    y = digits("mnist-5k", "train")[1][::16]
    seen = _losses(lambda p: train.train_classifier(X, y, 3, hparams={"width": 4}, progress=p))
    assert seen[-1] < seen[0]


def test_the_fast_loop_is_deterministic_and_hands_back_a_plain_layout_model():
    def once():
        return train.train_restorer(X[:64], 1, hparams={"width": 4}, seed=3, fused=True, channels_last=True).model
    a, b = once(), once()
    for pa, pb in zip(a.parameters(), b.parameters()):
        assert torch.equal(pa, pb)
    convs = [p for p in a.parameters() if p.dim() == 4]
    assert convs and all(p.is_contiguous() for p in convs)  # as a checkpoint loads it, not channels-last
