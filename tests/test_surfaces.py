"""Presets: minima are real minima, starts are inside, the notes' claims hold; grid() draws right."""

import numpy as np
import pytest
import torch

from explorer.descent import descend
from explorer.expressions import parse
from explorer.surfaces import CURVES, SURFACES, Surface, grid

PRESETS = list(CURVES.values()) + list(SURFACES.values())
IDS = [f"{s.dim}d-{s.key}" for s in PRESETS]


def test_enough_presets_of_each_kind():
    assert len(CURVES) >= 6 and len(SURFACES) >= 6
    assert all(s.dim == 1 for s in CURVES.values()) and all(s.dim == 2 for s in SURFACES.values())
    assert {"rosenbrock", "himmelblau", "beale", "saddle", "elongated", "rastrigin"} <= set(SURFACES)
    assert all(k == s.key for k, s in (CURVES | SURFACES).items())


def value_grad_hessian(f, point):
    p = torch.tensor(point, dtype=torch.float64)
    value = float(f(*p.unbind()))
    grad = torch.autograd.functional.jacobian(lambda q: f(*q.unbind()), p)
    hess = torch.autograd.functional.hessian(lambda q: f(*q.unbind()), p)
    return value, grad, hess


@pytest.mark.parametrize("s", PRESETS, ids=IDS)
def test_minima_are_minima_and_the_first_is_global(s):
    assert s.f.variables == (("x",) if s.dim == 1 else ("x", "y"))
    values = []
    for m in s.minima:
        assert all(lo <= v <= hi for v, (lo, hi) in zip(m, s.domain))
        value, grad, hess = value_grad_hessian(s.f, m)
        assert grad.abs().max() < 1e-7, (s.key, m, grad)
        if s.key != "abs":  # |x| has no second derivative at 0; its minimum is checked on the grid
            assert torch.linalg.eigvalsh(hess.reshape(s.dim, s.dim)).min() > 0, (s.key, m)
        values.append(value)
    lowest = np.nanmin(grid(s, n=401 if s.dim == 1 else 201)[-1])
    assert values[0] <= lowest + 1e-12  # nothing on the grid is lower than the global minimum
    assert lowest - values[0] < 0.05 * (1 + abs(values[0]))  # and the grid gets close to it
    assert all(v >= values[0] - 1e-9 for v in values)  # the global one comes first


@pytest.mark.parametrize("s", PRESETS, ids=IDS)
def test_start_is_inside_and_the_learning_rate_works(s):
    assert len(s.start) == s.dim and all(lo < v < hi for v, (lo, hi) in zip(s.start, s.domain))
    works = [t for t in (descend(s.f, s.start, o, s.lr, s.steps) for o in s.racers) if not t.diverged]
    assert works and all(t.losses[-1] < t.losses[0] for t in works), s.key  # (Beale's lesson: SGD diverges)
    assert s.label and s.note.endswith(".")


def test_the_notes_claims_hold():
    def end(key, optimizer, steps=300, table=CURVES):
        s = table[key]
        return descend(s.f, s.start, optimizer, s.lr, steps).points[-1]

    assert end("two_minima", "sgd") == pytest.approx([1.0], abs=1e-3)  # stuck in the shallow valley
    assert end("wiggly", "sgd") == pytest.approx([3.8375], abs=1e-3)  # a local minimum
    assert -0.1 < end("plateau", "sgd")[0] < 0  # stalls on the flat shelf
    assert end("plateau", "momentum") == pytest.approx([2.0], abs=1e-3)  # rolls through
    assert end("rastrigin", "sgd", table=SURFACES) == pytest.approx([1.99, 1.99], abs=0.01)
    assert end("saddle", "sgd", table=SURFACES) == pytest.approx([1.0, 0.0], abs=1e-3)


def test_formula_is_parsed_once():
    s = CURVES["bowl"]
    assert s.f is s.f and isinstance(s, Surface)


def test_grid_1d_values():
    xs, ys = grid(CURVES["bowl"], n=7)
    np.testing.assert_allclose(xs, np.linspace(-3, 3, 7))
    np.testing.assert_allclose(ys, xs**2)


def test_grid_2d_rows_follow_y():
    xs, ys, zs = grid(parse("x + 10*y"), ((0, 1), (0, 2)), n=5)
    assert zs.shape == (5, 5)
    np.testing.assert_allclose(zs, xs[None, :] + 10 * ys[:, None])


def test_grid_masks_non_finite_values():
    ys = grid(parse("log(x)"), ((-1, 1),), n=5)[1]  # log(-1) NaN, log(0) -inf
    assert np.isnan(ys[:3]).all() and np.isfinite(ys[3:]).all()
    zs = grid(parse("exp(exp(x*y))"), ((-10, 10), (-10, 10)), n=21)[2]
    assert np.isnan(zs).any() and not np.isinf(zs).any()


def test_grid_of_one_variable_formula_over_a_plane_and_of_a_callable():
    zs = grid(parse("x^2"), ((-1, 1), (-2, 2)), n=3)[2]
    np.testing.assert_allclose(zs, [[1, 0, 1]] * 3)
    zs = grid(lambda x, y: x * y, ((0, 1), (0, 1)), n=3)[2]
    np.testing.assert_allclose(zs, np.outer([0, 0.5, 1], [0, 0.5, 1]))
    np.testing.assert_allclose(grid(parse("3"), ((0, 1),), n=4)[1], [3, 3, 3, 3])


def test_grid_refuses_a_two_variable_formula_on_a_line():
    with pytest.raises(ValueError, match="2-D domain"):
        grid(parse("x*y"), ((0, 1),))
    with pytest.raises(ValueError, match="domain"):
        grid(parse("x"))
