"""The descent pages' runs are kept per racer: a move that leaves a run as it was reuses it, every answer is the run
torch.optim makes for exactly those arguments, and a kept run cannot be written to."""

import numpy as np
import pytest

from explorer.descent import race_formula
from explorer.ui.descent import runs

FORMULA, START = "x^2 + 3*y^2 + sin(x*y)", (1.5, -2.0)
HYPER = {"sgd": {}, "momentum": {"momentum": 0.8}, "adam": {"betas": (0.9, 0.999)}, "nesterov": {"momentum": 0.0,
                                                                                                  "nesterov": True}}


def same(a, b) -> bool:
    if isinstance(a, ValueError):
        return isinstance(b, ValueError) and str(a) == str(b)
    return all(np.array_equal(getattr(a, c), getattr(b, c)) for c in ("points", "losses", "grads")) and \
        (a.diverged, a.diverged_at, a.reason) == (b.diverged, b.diverged_at, b.reason)


def direct(optimizers, lr, steps, hyper=HYPER):
    return race_formula(FORMULA, START, {n: (n, lr, hyper[n]) for n in optimizers}, steps)


@pytest.fixture(autouse=True)
def nothing_kept():
    runs.PATHS.clear()
    yield
    runs.PATHS.clear()


def test_every_answer_is_the_race_for_those_arguments():
    for optimizers, lr, steps in [(("sgd", "adam"), 0.05, 120), (("sgd", "adam", "momentum"), 0.05, 80),
                                  (("adam",), 0.05, 120), (("momentum", "sgd"), 0.05, 300), (("sgd",), 0.3, 50),
                                  (("sgd", "nesterov"), 0.05, 10)]:
        got, want = runs.paths(FORMULA, START, optimizers, lr, steps, HYPER), direct(optimizers, lr, steps)
        assert list(got) == list(optimizers)
        assert all(same(got[n], want[n]) for n in optimizers), (optimizers, lr, steps)


def test_a_racer_whose_path_is_kept_is_not_run_again():
    runs.paths(FORMULA, START, ("sgd", "adam"), 0.05, 200, HYPER)
    key = lambda name, hyper=HYPER: runs._key(FORMULA, START, name, 0.05, hyper[name])  # noqa: E731
    assert runs.PATHS.get(key("sgd"), 150) is not None  # fewer steps: the same path, cut
    assert runs.PATHS.get(key("adam"), 200) is not None
    assert runs.PATHS.get(key("adam"), 201) is None  # more steps than were run
    assert runs.PATHS.get(key("momentum"), 10) is None  # a racer that never ran
    other = {**HYPER, "adam": {"betas": (0.8, 0.999)}}
    assert runs.PATHS.get(key("adam", other), 10) is None  # another setting is another path
    assert runs.PATHS.get(runs._key(FORMULA, START, "sgd", 0.06, {}), 10) is None  # another learning rate too


def test_the_kept_paths_stay_within_their_limit(monkeypatch):
    monkeypatch.setattr(runs.PATHS, "limit", 3)
    for lr in (0.01, 0.02, 0.03, 0.04, 0.05):
        runs.paths(FORMULA, START, ("sgd",), lr, 5, HYPER)
    assert len(runs.PATHS) == 3
    assert runs.PATHS.get(runs._key(FORMULA, START, "sgd", 0.01, {}), 5) is None  # the oldest went first


def test_kept_runs_are_read_only():
    path = runs.run_race(FORMULA, START, ("sgd",), 0.05, 20, HYPER)["sgd"]
    for array in (path.points, path.losses, path.grads):
        with pytest.raises(ValueError, match="read-only"):
            array[0] = 0.0
