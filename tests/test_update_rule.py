"""The printed update rule: its numbers are torch.optim's own step, for every optimizer."""

import pytest

from explorer.descent import OPTIMIZERS, descend
from explorer.expressions import parse
from explorer.update_rule import num, update_rule

SETTINGS = {"sgd": {}, "momentum": {"momentum": 0.7}, "nesterov": {"momentum": 0.8},
            "rmsprop": {"alpha": 0.9, "eps": 1e-6}, "adagrad": {"eps": 1e-8}, "adam": {"betas": (0.8, 0.99)}}


def test_the_notes_example():
    traj = descend(parse("x^2"), (2.0,), "sgd", 0.1, 3)
    rule = update_rule(traj, 0)
    assert rule.lines == (r"x_{1} = x_{0} - \eta\,f'(x_{0}) = 2 - 0.1\cdot4 = 1.6",)
    assert rule.x_next == pytest.approx(1.6)


@pytest.mark.parametrize("optimizer", list(OPTIMIZERS))
def test_every_step_lands_on_the_next_point(optimizer):
    hyper = SETTINGS[optimizer]
    traj = descend(parse("x^2 + 3*sin(x)"), (2.0,), optimizer, 0.1, 25, **hyper)
    for k in range(traj.steps_run):
        assert update_rule(traj, k, hyper).x_next == pytest.approx(traj.points[k + 1, 0], rel=1e-12, abs=1e-12)


def test_steps_outside_the_run_are_refused():
    traj = descend(parse("x^2"), (2.0,), "sgd", 0.1, 3)
    with pytest.raises(ValueError, match="not in this run"):
        update_rule(traj, 3)


def test_numbers_print_short_with_negatives_bracketed():
    assert num(4.0) == "4"
    assert num(-0.125) == "(-0.125)"
    assert num(-0.125, paren=False) == "-0.125"
    assert num(1.5e-7) == r"1.5\times 10^{-7}"
