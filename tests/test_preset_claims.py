"""Every preset's note is a claim about its default run; computed here with real torch.optim.

Each test runs the preset's own racers from its own start at its own learning rate for its own
number of steps (``descend`` drives the torch.optim class) and checks what the note says, with
plain arithmetic on the path, independent of explorer.outcomes.
"""

import numpy as np
import pytest

from explorer.descent import descend
from explorer.outcomes import classify, lesson_holds
from explorer.surfaces import CURVES, SURFACES


def race(s, start=None, optimizers=None, steps=None):
    """The preset's default run: optimizer -> Trajectory."""
    return {o: descend(s.f, start or s.start, o, s.lr, steps or s.steps, **s.kwargs(o)) for o in optimizers or s.racers}


def distance(point, target) -> float:
    return float(np.linalg.norm(np.asarray(point) - np.asarray(target)))


def nearest_minimum(s, point) -> int:
    return int(np.argmin([distance(point, m) for m in s.minima]))


def test_every_preset_names_its_racers_steps_and_facts():
    for s in (*CURVES.values(), *SURFACES.values()):
        assert s.racers and 1 <= s.steps <= 500 and s.facts, s.key
        assert all(set(fact[1:2] if fact[0] == "is" else fact[1:3]) <= set(s.racers) for fact in s.facts), s.key


# --- curves (the 1-D page runs one optimizer: plain SGD) ---

def test_bowl_steps_shrink_and_the_walk_settles():
    t = race(CURVES["bowl"])["sgd"]
    moves = np.abs(np.diff(t.points[:, 0]))
    assert np.all(moves[1:] < moves[:-1])  # every step shorter than the one before
    assert abs(t.points[-1, 0]) < 0.01 and moves[-1] < 1e-3


def test_two_minima_stops_in_the_shallow_valley():
    s = CURVES["two_minima"]
    t = race(s)["sgd"]
    assert t.points[-1, 0] == pytest.approx(1.0, abs=0.02)  # the shallow valley on the right
    assert np.all(t.points[:, 0] > 0.5)  # never crosses the hump towards the deeper one
    assert float(s.f(*s.minima[0])) < t.losses[-1] - 7  # the other valley is much deeper


def test_wiggly_start_decides_the_end():
    s = CURVES["wiggly"]
    right = race(s)["sgd"].points[-1, 0]
    left = race(s, start=(-3.0,))["sgd"].points[-1, 0]
    assert right == pytest.approx(s.minima[1][0], abs=1e-3)  # the right-hand dip (local)
    assert left == pytest.approx(s.minima[0][0], abs=1e-3)  # the lowest one


def test_abs_steps_never_shrink_and_hop_across_the_bottom():
    s = CURVES["abs"]
    t = race(s)["sgd"]
    moves = np.abs(np.diff(t.points[:, 0]))
    np.testing.assert_allclose(moves, s.lr, rtol=1e-9)  # slope ±1: every step is exactly η long
    tail = t.points[-10:, 0]
    assert np.all(np.sign(tail[1:]) != np.sign(tail[:-1])) or np.all(np.diff(np.sign(tail)) != 0)  # hops across 0


def test_plateau_plain_descent_stalls_momentum_rolls_through():
    s = CURVES["plateau"]
    runs = race(s, optimizers=("sgd", "momentum"))
    sgd, momentum = runs["sgd"], runs["momentum"]
    assert -0.1 < sgd.points[-1, 0] < 0  # stuck on the shelf left of x = 0
    assert abs(sgd.grads[-1, 0]) < 0.01 and abs(sgd.points[-1, 0] - sgd.points[-2, 0]) < 1e-3
    assert momentum.points[-1, 0] == pytest.approx(2.0, abs=0.1)  # through to the valley
    assert momentum.losses[-1] < sgd.losses[-1] - 1


def test_steep_flat_safe_rate_crawls_on_the_flat_side():
    s = CURVES["steep_flat"]
    t = race(s)["sgd"]
    assert s.lr * 20.2 < 2  # f'' = 20.2 on the steep side: this rate is stable there
    assert not race(s, start=(1.5,))["sgd"].diverged
    assert t.points[-1, 0] < s.start[0] / 2  # after all the steps: not even halfway to 0
    assert np.all(np.diff(t.points[:, 0]) > 0)  # a steady crawl, no overshoot


# --- surfaces (the 2-D page races its racers) ---

def test_round_bowl_sgd_walks_a_straight_line_into_the_minimum():
    s = SURFACES["bowl"]
    t = race(s)["sgd"]
    direction = np.asarray(s.start) / np.linalg.norm(s.start)
    off_line = t.points - np.outer(t.points @ direction, direction)
    assert np.abs(off_line).max() < 1e-12  # every point on the segment from the start to (0, 0)
    assert distance(t.points[-1], (0, 0)) < 1e-6


def test_long_valley_sgd_zigzags_and_crawls_momentum_and_adam_end_far_lower():
    s = SURFACES["elongated"]
    runs = race(s)
    sgd, momentum = runs["sgd"], runs["momentum"]
    y = sgd.points[:, 1]
    assert np.mean(np.sign(y[1:]) != np.sign(y[:-1])) > 0.9  # y changes sign at (almost) every step
    assert sgd.points[-1, 0] < -0.5  # still far along the floor from the minimum at x = 0
    assert np.all(np.diff(sgd.points[:, 0]) > 0)  # but always creeping towards it

    def zigzag_until(t) -> int:  # the last step that is still 0.05 or more off the floor y = 0
        return int(np.nonzero(np.abs(t.points[:, 1]) >= 0.05)[0][-1])

    assert s.kwargs("momentum") == {"momentum": 0.7}
    assert zigzag_until(momentum) < zigzag_until(sgd)  # the zig-zags die out sooner with momentum
    assert np.abs(momentum.points[:, 1]).sum() < 0.7 * np.abs(y).sum()  # ... and swing less in all
    for name in ("momentum", "adam"):
        assert not runs[name].diverged
        assert runs[name].losses[-1] * 1000 < sgd.losses[-1], name  # more than 1,000× lower
        assert distance(runs[name].points[-1], (0, 0)) < 0.01, name


def test_saddle_sgd_lingers_then_rolls_off_momentum_and_adam_pass_sooner():
    s = SURFACES["saddle"]
    runs = race(s)

    def lingering(t) -> int:
        return int(np.sum(np.linalg.norm(t.points, axis=1) < 0.25))  # steps spent close to the saddle

    assert lingering(runs["sgd"]) >= 5
    assert lingering(runs["momentum"]) < lingering(runs["sgd"]) and lingering(runs["adam"]) < lingering(runs["sgd"])
    assert distance(runs["sgd"].points[-1], (1, 0)) < 1e-3  # rolled off to one side, into a minimum
    near = np.linalg.norm(runs["sgd"].points, axis=1) < 0.25
    assert np.all(np.abs(runs["sgd"].losses[near]) < 0.1)  # the flat stretch of the loss curve, at f(0, 0) = 0


def test_rosenbrock_floor_is_found_fast_then_the_walk_crawls():
    s = SURFACES["rosenbrock"]
    runs = race(s)
    for name, t in runs.items():
        floor = np.abs(t.points[:, 1] - t.points[:, 0] ** 2)  # the valley floor is y = x²
        assert np.argmax(floor < 0.1) <= 10 and floor[30:].max() < 0.1, name  # on the floor early, and stays
    sgd, momentum = runs["sgd"], runs["momentum"]
    assert distance(sgd.points[-1], (1, 1)) > 1.5  # barely moved along the floor
    assert distance(momentum.points[-1], (1, 1)) < 0.5 < distance(sgd.points[-1], (1, 1)) / 3


def test_himmelblau_optimizers_and_nearby_starts_end_in_different_minima():
    s = SURFACES["himmelblau"]
    runs = race(s)
    ends = {name: nearest_minimum(s, t.points[-1]) for name, t in runs.items()}
    for name, t in runs.items():
        assert distance(t.points[-1], s.minima[ends[name]]) < 0.05, name
    assert ends["sgd"] != ends["momentum"]
    lower = race(s, start=(0.0, -0.8), optimizers=("sgd",))["sgd"].points[-1]
    third = nearest_minimum(s, lower)
    assert distance(lower, s.minima[third]) < 0.05 and third not in ends.values()
    assert distance((0.0, -0.8), s.start) < 0.31  # "a little lower"
    values = [float(s.f(*m)) for m in s.minima]
    assert max(values) < 1e-9  # four equally deep minima


def test_beale_sgd_is_thrown_off_rmsprop_and_adam_reach_the_minimum():
    s = SURFACES["beale"]
    runs = race(s)
    assert runs["sgd"].diverged and runs["sgd"].diverged_at <= 5
    for name in ("rmsprop", "adam"):
        t = runs[name]
        assert not t.diverged and distance(t.points[-1], (3, 0.5)) < 0.05, name
        slopes = np.linalg.norm(t.grads, axis=1)
        assert slopes.max() / slopes.min() > 100, name  # the slope changes by orders of magnitude on the way


def test_rastrigin_every_racer_stops_in_the_nearest_cup():
    s = SURFACES["rastrigin"]
    cup = np.round(s.start)  # the egg-box cups sit near whole numbers
    for name, t in race(s).items():
        assert distance(t.points[-1], cup) < 0.1, name
        assert t.losses[-1] > 7, name  # far above f(0, 0) = 0


@pytest.mark.parametrize("s", [*CURVES.values(), *SURFACES.values()], ids=lambda s: f"{s.dim}d-{s.key}")
def test_the_page_shows_each_lesson_for_its_own_run(s):
    """The pages show a note only while its facts hold: at the preset's own settings they must."""
    span = max(hi - lo for lo, hi in s.domain)
    outcomes = {o: classify(t, span, s.f, s.minima) for o, t in race(s).items()}
    assert lesson_holds(s.facts, outcomes), {o: out.kind for o, out in outcomes.items()}
