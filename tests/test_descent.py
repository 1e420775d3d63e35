"""descend() against a hand-run torch.optim loop, closed forms, divergence and numerical extremes; race() against descend()."""

import itertools
import math

import numpy as np
import pytest
import torch

from explorer.descent import BOUND, OPTIMIZERS, Trajectory, descend, race
from explorer.expressions import parse
from explorer.surfaces import CURVES, SURFACES

ROSENBROCK = "(1 - x)^2 + 100*(y - x^2)^2"


def hand_run(fn, start, cls, steps, **kwargs):
    """The textbook loop, written out with torch.optim directly."""
    p = torch.tensor(start, dtype=torch.float64, requires_grad=True)
    opt = cls([p], **kwargs)
    points = [p.detach().clone()]
    for _ in range(steps):
        opt.zero_grad()
        fn(p).backward()
        opt.step()
        points.append(p.detach().clone())
    return torch.stack(points).numpy()


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_every_optimizer_matches_a_hand_run_torch_loop(name):
    cls, defaults = OPTIMIZERS[name]
    traj = descend(parse(ROSENBROCK), (-1.2, 1.0), name, 1e-3, 60)
    ref = hand_run(lambda p: (1 - p[0]) ** 2 + 100 * (p[1] - p[0] ** 2) ** 2, [-1.2, 1.0], cls, 60, lr=1e-3, **defaults)
    np.testing.assert_allclose(traj.points, ref, rtol=1e-12, atol=1e-14)
    assert traj.points.shape == (61, 2) and traj.losses.shape == (61,) and traj.grads.shape == (61, 2)
    assert traj.optimizer == name and traj.lr == 1e-3 and not traj.diverged and traj.diverged_at is None


@pytest.mark.parametrize("name, hyper", [
    ("momentum", {"momentum": 0.5, "dampening": 0.1}), ("nesterov", {"momentum": 0.6}),
    ("rmsprop", {"alpha": 0.9, "momentum": 0.3}), ("adagrad", {"lr_decay": 0.01}),
    ("adam", {"betas": (0.8, 0.9), "amsgrad": True}), ("sgd", {"weight_decay": 0.1}),
])
def test_hyper_parameters_pass_straight_to_torch(name, hyper):
    cls, defaults = OPTIMIZERS[name]
    traj = descend(parse("x^4 - 3.5*x^2 + 3*x"), (2.2,), name, 0.01, 40, **hyper)
    ref = hand_run(lambda p: p[0] ** 4 - 3.5 * p[0] ** 2 + 3 * p[0], [2.2], cls, 40, lr=0.01, **(defaults | hyper))
    np.testing.assert_allclose(traj.points, ref, rtol=1e-12, atol=1e-14)
    assert not np.allclose(traj.points, descend(parse("x^4 - 3.5*x^2 + 3*x"), (2.2,), name, 0.01, 40).points)


@pytest.mark.parametrize("x0, lr", [(2.0, 0.1), (-3.0, 0.01), (1.5, 0.45), (0.7, 0.9)])
def test_sgd_on_a_parabola_follows_the_closed_form(x0, lr):
    traj = descend(parse("x^2"), (x0,), "sgd", lr, 30)
    k = np.arange(31)
    np.testing.assert_allclose(traj.points[:, 0], x0 * (1 - 2 * lr) ** k, rtol=1e-12, atol=1e-300)
    np.testing.assert_allclose(traj.losses, traj.points[:, 0] ** 2, rtol=1e-12)
    np.testing.assert_allclose(traj.grads[:, 0], 2 * traj.points[:, 0], rtol=1e-12)


def test_too_large_learning_rate_diverges_and_says_when():
    traj = descend(parse("x^2"), (2.0,), "sgd", 1.5, 100)
    first_out = next(k for k in range(100) if 2.0 * 2.0**k > BOUND)  # x_k = 2·(−2)^k
    assert traj.diverged and traj.diverged_at == first_out == len(traj.points)
    assert traj.reason == f"learning rate too large: diverged at step {first_out}"
    assert np.all(np.isfinite(traj.points)) and np.all(np.isfinite(traj.losses)) and np.all(np.isfinite(traj.grads))
    np.testing.assert_allclose(traj.points[:, 0], 2.0 * (-2.0) ** np.arange(first_out))


def test_bound_stops_a_runaway_early():
    traj = descend(parse("x^2"), (2.0,), "sgd", 1.5, 100, bound=100)
    assert traj.diverged_at == 6 and np.abs(traj.points).max() <= 100  # 2·2^6 = 128 > 100


def test_leaving_the_domain_is_reported_not_nan():
    traj = descend(parse("log(x)"), (1.0,), "sgd", 2.0, 50)  # x1 = 1 − 2·1 = −1: log is NaN
    assert traj.diverged_at == 1 and traj.points.tolist() == [[1.0]] and "domain" in traj.reason


def test_unbounded_below_is_told_apart_from_a_large_learning_rate():
    traj = descend(parse("-x^2"), (1.0,), "sgd", 0.1, 500)
    assert traj.diverged and "no minimum" in traj.reason and np.all(np.isfinite(traj.points))


def test_infinite_slope_stops():
    traj = descend(parse("sqrt(x)"), (1.0,), "sgd", 2.0, 10)  # x1 = 1 − 2·0.5 = 0: the slope is inf
    assert traj.diverged_at == 1 and "slope became infinite" in traj.reason


def test_start_where_the_function_is_undefined_is_a_value_error():
    with pytest.raises(ValueError, match="pick another start"):
        descend(parse("log(x)"), (-1.0,), "sgd", 0.1, 10)


def test_plain_callable_and_constant_function():
    traj = descend(lambda x, y: (x - 1) ** 2 + (y + 2) ** 2, (0.0, 0.0), "sgd", 0.25, 40)
    np.testing.assert_allclose(traj.points[-1], [1.0, -2.0], atol=1e-9)
    flat = descend(parse("3"), (0.5,), "adam", 0.1, 5)
    assert flat.points.ravel().tolist() == [0.5] * 6 and flat.grads.ravel().tolist() == [0.0] * 6


def test_one_variable_formula_on_two_coordinates_keeps_y():
    traj = descend(parse("x^2"), (1.0, 7.0), "sgd", 0.1, 5)
    assert traj.points.shape == (6, 2) and np.all(traj.points[:, 1] == 7.0)


def test_zero_steps_is_just_the_start():
    traj = descend(parse("x^2"), (1.5,), "adam", 0.1, 0)
    assert traj.points.tolist() == [[1.5]] and traj.losses.tolist() == [2.25] and traj.steps_run == 0


@pytest.mark.parametrize("kwargs, message", [
    ({"optimizer": "lbfgs"}, "unknown optimizer 'lbfgs'"),
    ({"optimizer": "sgd", "betas": (0.9, 0.99)}, "sgd does not take betas"),
    ({"optimizer": "adam", "momentum": 0.9}, "adam does not take momentum"),
    ({"optimizer": "sgd", "lr": -0.1}, "learning rate"),
    ({"optimizer": "sgd", "lr": float("nan")}, "learning rate"),
    ({"optimizer": "nesterov", "momentum": 0.0}, "nesterov"),  # torch's own check, as a ValueError
    ({"optimizer": "adam", "betas": (1.5, 0.9)}, "adam"),
    ({"optimizer": "sgd", "steps": -1}, "steps"),
    ({"optimizer": "sgd", "start": (float("inf"),)}, "start"),
    ({"optimizer": "sgd", "start": (1.0, 2.0, 3.0)}, "start"),
])
def test_bad_arguments_are_value_errors(kwargs, message):
    args = {"f": parse("x^2"), "start": (1.0,), "lr": 0.1, "steps": 5} | kwargs
    with pytest.raises(ValueError, match=message):
        descend(**args)


def test_two_variable_formula_needs_two_start_numbers():
    with pytest.raises(ValueError, match="two numbers"):
        descend(parse("x*y"), (1.0,), "sgd", 0.1, 5)


def test_function_must_return_one_number():
    with pytest.raises(ValueError, match="one number"):
        descend(lambda x: torch.stack([x, x]), (1.0,), "sgd", 0.1, 5)


def corners(domain):
    """The domain's corners: 2 ends of a curve, 4 corners of a surface."""
    return list(itertools.product(*domain))


PRESETS = list(CURVES.values()) + list(SURFACES.values())


@pytest.mark.parametrize("surface", PRESETS, ids=[f"{s.dim}d-{s.key}" for s in PRESETS])
def test_numerical_extremes_never_give_nan(surface):
    """Every optimizer at lr 10 and 1e-4, 500 steps, starting at the domain's edges."""
    ends = corners(surface.domain)
    for i, (name, lr) in enumerate(itertools.product(OPTIMIZERS, (10.0, 1e-4))):
        start = ends[i % len(ends)]  # every corner gets used across the optimizers
        traj = descend(surface.f, start, name, lr, 500)
        assert isinstance(traj, Trajectory)
        for a in (traj.points, traj.losses, traj.grads):
            assert np.all(np.isfinite(a)), (surface.key, name, lr)
        assert traj.points[0].tolist() == list(start)
        if traj.diverged:
            assert traj.diverged_at == len(traj.points) and f"step {traj.diverged_at}" in traj.reason
        else:
            assert len(traj.points) == 501 and traj.reason == "" and np.abs(traj.points).max() <= BOUND


def test_sgd_at_lr_10_on_a_bowl_diverges_and_adam_does_not():
    assert descend(CURVES["bowl"].f, (3.0,), "sgd", 10.0, 500).diverged
    adam = descend(CURVES["bowl"].f, (3.0,), "adam", 10.0, 500)  # Adam's step is about lr, whatever the slope
    assert not adam.diverged and math.isfinite(adam.losses[-1])


def test_numpy_numbers_are_fine():
    traj = descend(parse("x^2"), np.array([1.0]), "sgd", np.float64(0.25), np.int64(2))
    np.testing.assert_allclose(traj.points[:, 0], [1.0, 0.5, 0.25])


@pytest.mark.parametrize("surface", list(SURFACES.values()), ids=list(SURFACES))
@pytest.mark.parametrize("lr", [10.0, 0.01])
def test_a_race_gives_each_racer_its_own_descend_run(surface, lr):
    """Stepped together, every racer walks exactly the path it walks alone — also when others blow up early."""
    hyper = {"sgd": {}, "momentum": {"momentum": 0.5}, "nesterov": {"momentum": 0.9, "nesterov": True},
             "rmsprop": {"alpha": 0.9}, "adagrad": {"eps": 1e-6}, "adam": {"betas": (0.8, 0.99)}}
    racers = {name: (name, lr, hyper[name]) for name in OPTIMIZERS}
    together = race(surface.f, surface.start, racers, 300)
    assert list(together) == list(OPTIMIZERS)
    for name, (optimizer, rate, kwargs) in racers.items():
        alone = descend(surface.f, surface.start, optimizer, rate, 300, **kwargs)
        got = together[name]
        for a, b in ((got.points, alone.points), (got.losses, alone.losses), (got.grads, alone.grads)):
            np.testing.assert_array_equal(a, b)
        assert (got.diverged, got.diverged_at, got.reason) == (alone.diverged, alone.diverged_at, alone.reason)
    if lr == 10.0:
        assert any(t.diverged for t in together.values()) and not all(t.diverged for t in together.values())


def test_a_racer_that_cannot_start_gets_its_error_and_the_others_still_run():
    runs = race(parse("x^2 + y^2"), (1.0, 1.0), {"a": ("sgd", 0.1, {}), "b": ("sgd", 0.1, {"nesterov": True}),
                                                 "c": ("nope", 0.1, {})}, 5)
    assert isinstance(runs["a"], Trajectory) and runs["a"].steps_run == 5
    assert isinstance(runs["b"], ValueError) and "Nesterov momentum requires a momentum" in str(runs["b"])
    assert isinstance(runs["c"], ValueError) and "unknown optimizer" in str(runs["c"])
    with pytest.raises(ValueError, match="at the start"):
        race(parse("log(x)"), (-1.0,), {"a": ("sgd", 0.1, {}), "b": ("adam", 0.1, {})}, 5)


@pytest.mark.parametrize(("formula", "start", "optimizer", "lr", "hyper"), [
    ("x^4 - 3*x^2 + x", (1.0,), "adam", 0.05, {}),
    ("x^2", (2.0,), "sgd", 1.1, {}),  # diverges at step 72
    ("log(x)", (2.0,), "sgd", 0.5, {}),  # leaves the domain at step 5
    ("x^2 + 3*y^2", (1.0, -2.0), "momentum", 0.1, {"momentum": 0.8}),
])
def test_a_run_cut_after_n_steps_is_the_run_of_n_steps(formula, start, optimizer, lr, hyper):
    whole = descend(parse(formula), start, optimizer, lr, 200, **hyper)
    for n in (0, 1, 4, 5, 37, 71, 72, 199, 200):
        alone, cut = descend(parse(formula), start, optimizer, lr, n, **hyper), whole.first(n)
        for column in ("points", "losses", "grads"):
            assert np.array_equal(getattr(alone, column), getattr(cut, column)), (n, column)
        assert (alone.diverged, alone.diverged_at, alone.reason) == (cut.diverged, cut.diverged_at, cut.reason), n
    if not whole.diverged:
        with pytest.raises(ValueError, match="took 200 steps"):
            whole.first(201)
