"""Softmax with temperature, cross-entropy and its gradient, against torch."""

import pytest
import torch

from explorer import softmax as sm
from explorer.figures.softmax import TRUE_COLOUR, bar_look

TEMPERATURES = [0.1, 0.25, 0.5, 1.0, 1.7, 3.0, 5.0, 20.0]


@pytest.fixture
def logits():
    return torch.randn(64, 10, generator=torch.Generator().manual_seed(0), dtype=torch.float64) * 4


@pytest.mark.parametrize("T", TEMPERATURES)
def test_softmax_sums_to_one_and_matches_torch(logits, T):
    p = sm.softmax(logits, T)
    assert torch.all(p > 0)
    torch.testing.assert_close(p.sum(-1), torch.ones(64, dtype=torch.float64))
    torch.testing.assert_close(p, torch.softmax(logits / T, dim=-1))


def test_softmax_is_stable_for_huge_logits():
    z = torch.tensor([1000.0, 0.0, -1000.0])
    p = sm.softmax(z, 1.0)
    assert torch.isfinite(p).all() and p[0] == pytest.approx(1.0)


def test_temperature_sharpens_and_flattens():
    z = torch.tensor([2.0, 1.0, 0.0])
    assert sm.softmax(z, 0.1)[0] > sm.softmax(z, 1.0)[0] > sm.softmax(z, 10.0)[0] > 1 / 3
    with pytest.raises(ValueError):
        sm.softmax(z, 0.0)


@pytest.mark.parametrize("T", TEMPERATURES)
@pytest.mark.parametrize("target", [0, 3, 9])
def test_cross_entropy_and_gradient_match_autograd(T, target):
    z = torch.linspace(-3, 4, 10, dtype=torch.float64).roll(target).requires_grad_(True)
    expected = torch.nn.functional.cross_entropy((z / T)[None], torch.tensor([target]))
    expected.backward()
    assert float(sm.cross_entropy(z.detach(), target, T)) == pytest.approx(expected.item(), rel=1e-12)
    torch.testing.assert_close(sm.cross_entropy_grad(z.detach(), target, T), z.grad)


def test_gradient_is_softmax_minus_one_hot_at_t1():
    z = torch.tensor([1.0, -0.5, 0.5, 2.0, -1.0, 0.0, -2.0, 3.0, 1.5, -1.5])
    g = sm.cross_entropy_grad(z, 7)
    torch.testing.assert_close(g, torch.softmax(z, -1) - torch.eye(10)[7])
    assert float(g.sum()) == pytest.approx(0.0, abs=1e-6)  # probabilities and one_hot both sum to 1
    assert g[7] < 0 and torch.all(torch.cat([g[:7], g[8:]]) > 0)


def test_the_bars_look_marks_the_true_class_and_grows_in_classroom():
    normal, big = bar_look(False), bar_look(True)
    assert normal["true_colour"] == TRUE_COLOUR and normal["true_width"] > normal["edge_width"]  # the true class stands out
    assert big["sizes"]["tick"] > normal["sizes"]["tick"] and big["label_size"] > normal["label_size"] >= 12
    assert "{T}" in normal["words"]["probs"] and len(normal["palette"]) == 10
