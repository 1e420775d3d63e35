"""Fit a line: the data, the loss and its gradient against closed forms, training against torch.optim by hand."""

import numpy as np
import pytest
import torch

from explorer.fitline import (
    TRUE_B,
    TRUE_W,
    Scaling,
    celsius_data,
    exact_fit,
    loss_grid,
    mse,
    mse_grad,
    train,
)


@pytest.fixture(scope="module")
def data():
    return celsius_data()


def test_data_is_fixed_noisy_and_follows_the_rule(data):
    c, f = data
    again = celsius_data()
    assert c.shape == f.shape == (24,)
    np.testing.assert_array_equal(c, again[0])
    np.testing.assert_array_equal(f, again[1])
    assert np.all(np.diff(c) >= 0)
    residual = f - (TRUE_W * c + TRUE_B)
    assert 1.0 < residual.std() < 8.0  # noisy, but the rule is still the rule
    assert not np.array_equal(celsius_data(seed=1)[1], f)


def test_loss_gradient_matches_the_closed_form(data):
    c, f = data
    for w0, b0 in [(0.0, 0.0), (1.8, 32.0), (-2.5, 70.0), (3.1, -12.0)]:
        w = torch.tensor(w0, dtype=torch.float64, requires_grad=True)
        b = torch.tensor(b0, dtype=torch.float64, requires_grad=True)
        loss = mse(w, b, torch.as_tensor(c), torch.as_tensor(f))
        loss.backward()
        dw, db = mse_grad(w0, b0, c, f)
        assert w.grad.item() == pytest.approx(dw, rel=1e-12)
        assert b.grad.item() == pytest.approx(db, rel=1e-12)
        assert loss.item() == pytest.approx(np.mean((w0 * c + b0 - f) ** 2), rel=1e-12)


def test_exact_fit_is_where_the_gradient_vanishes(data):
    c, f = data
    w, b = exact_fit(c, f)
    assert mse_grad(w, b, c, f) == pytest.approx((0.0, 0.0), abs=1e-9)


def test_loss_grid_rows_follow_b_and_columns_follow_w(data):
    c, f = data
    ws, bs, zs = loss_grid(c, f, (0.0, 3.0), (10.0, 50.0), n=7)
    assert zs.shape == (7, 7)
    assert zs[2, 5] == pytest.approx(np.mean((ws[5] * c + bs[2] - f) ** 2))


@pytest.mark.parametrize("scale", [True, False])
def test_scaling_maps_the_same_line_both_ways(data, scale):
    c, _ = data
    s = Scaling.of(c) if scale else Scaling()
    w, b = s.to_celsius(*s.from_celsius(1.3, -4.0))
    assert (w, b) == pytest.approx((1.3, -4.0))
    ws, bs = s.from_celsius(1.3, -4.0)
    np.testing.assert_allclose(ws * (c - s.mean) / s.std + bs, 1.3 * c - 4.0)


def test_training_recovers_the_rule(data):
    c, f = data
    fit = train(c, f, "sgd", lr=0.1, steps=200)
    assert not fit.diverged
    assert fit.w[-1] == pytest.approx(TRUE_W, abs=0.1)
    assert fit.b[-1] == pytest.approx(TRUE_B, abs=1.5)
    assert (fit.w[-1], fit.b[-1]) == pytest.approx(exact_fit(c, f), abs=1e-6)  # the noise-free best, reached
    assert fit.losses[-1] < fit.losses[0] / 50


def test_adam_on_raw_celsius_also_gets_there(data):
    c, f = data
    fit = train(c, f, "adam", lr=0.5, steps=500, scale=False)
    assert fit.w[-1] == pytest.approx(TRUE_W, abs=0.1)
    assert fit.b[-1] == pytest.approx(TRUE_B, abs=1.5)


def test_reported_losses_are_the_loss_of_the_reported_lines(data):
    c, f = data
    fit = train(c, f, "momentum", lr=0.05, steps=40, start=(0.5, 10.0), momentum=0.8)
    assert (fit.w[0], fit.b[0]) == pytest.approx((0.5, 10.0))
    np.testing.assert_allclose(fit.losses, mse(fit.w[:, None], fit.b[:, None], c, f), rtol=1e-10)


def test_training_is_a_plain_torch_optim_loop_on_the_scaled_input(data):
    c, f = data
    fit = train(c, f, "adam", lr=0.3, steps=25, betas=(0.8, 0.95))
    x = torch.as_tensor((c - c.mean()) / c.std())
    y = torch.as_tensor(f)
    wb = torch.zeros(2, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.Adam([wb], lr=0.3, betas=(0.8, 0.95))
    path = [wb.detach().clone()]
    for _ in range(25):
        opt.zero_grad()
        ((wb[0] * x + wb[1] - y) ** 2).mean().backward()
        opt.step()
        path.append(wb.detach().clone())
    np.testing.assert_allclose(fit.trajectory.points, torch.stack(path).numpy(), rtol=1e-10, atol=1e-12)


def test_a_too_large_learning_rate_diverges_and_says_so(data):
    c, f = data
    fit = train(c, f, "sgd", lr=0.1, steps=100, scale=False)  # raw °C: steep along w
    assert fit.diverged
    assert "learning rate too large" in fit.trajectory.reason
    assert np.all(np.isfinite(fit.w)) and np.all(np.isfinite(fit.losses))
