"""Runs stepped together in lanes: each gives the path it takes alone, bit for bit, whoever shares its batch and
whenever it joins; a lane leaves at its own last step."""

import numpy as np
import pytest
import torch

from explorer.descent import descend, race, race_formula, race_formula_job, race_job
from explorer.expressions import parse
from explorer.fitline import celsius_data, train, train_job
from explorer.lanes import WIDTH, Runner, run_alone

C, F = celsius_data()


def _same(a, b) -> None:
    for column in ("points", "losses", "grads"):
        np.testing.assert_array_equal(getattr(a, column), getattr(b, column))
    assert (a.diverged, a.diverged_at, a.reason) == (b.diverged, b.diverged_at, b.reason)


def _until_done(runner: Runner, jobs: dict) -> dict:
    """Step until every job is done; each job's answer, and the step at which it was handed back."""
    answers, at = {}, {}
    k = 0
    while runner:
        k += 1
        for job in runner.step():
            name = next(n for n, j in jobs.items() if j is job)
            answers[name], at[name] = job.answer(job.lanes), k
    return answers, at


def test_jobs_that_join_midway_among_strangers_walk_their_own_paths():
    """Races on several formulas (one of them x ** 2.5, whose vector and scalar kernels differ in the last bit), a
    1-D run and fits, joining at different steps, each equal to the same question asked alone."""
    questions = {
        "bowl": ("x^2 + 3*y^2 + sin(x*y)", (1.5, -2.0), {"adam": ("adam", 0.1, {}), "sgd": ("sgd", 0.05, {})}, 120),
        "power": ("abs(x)^2.5 + y^2", (2.0, 1.0), {"momentum": ("momentum", 0.01, {"momentum": 0.8})}, 200),
        "blows up": ("x^2 + y^2", (1.0, 1.0), {"sgd": ("sgd", 1.5, {})}, 300),
        "one-d": ("x^4 - x^2", (1.7,), {"rmsprop": ("rmsprop", 0.01, {"alpha": 0.9})}, 90),
        "bowl again": ("x^2 + 3*y^2 + sin(x*y)", (-1.0, 0.5), {"adagrad": ("adagrad", 0.3, {})}, 40),
    }
    runner, problems, jobs, answers = Runner(), {}, {}, {}

    def step() -> None:
        for job in runner.step():
            answers[next(n for n, j in jobs.items() if j is job)] = job.answer(job.lanes)

    for i, (name, question) in enumerate(questions.items()):
        jobs[name] = race_formula_job(*question, problems=problems)
        runner.add(jobs[name])
        for _ in range(7 * i):  # the next joins while these are half way
            step()
    jobs["fit"] = train_job(C, F, "adam", 0.2, 150, problems=problems)
    runner.add(jobs["fit"])
    while runner:
        step()
    assert set(answers) == set(jobs)
    for name, question in questions.items():
        for racer, alone in race_formula(*question).items():
            _same(answers[name][racer], alone)
    assert answers["blows up"]["sgd"].diverged
    alone = train(C, F, "adam", 0.2, 150)
    np.testing.assert_array_equal(answers["fit"].w, alone.w)
    np.testing.assert_array_equal(answers["fit"].losses, alone.losses)


def test_a_short_run_is_answered_at_its_own_last_step_not_at_the_longest():
    runner, problems = Runner(), {}
    jobs = {"long": race_formula_job("x^2", (3.0,), {"sgd": ("sgd", 0.01, {})}, 400, problems=problems),
            "short": race_formula_job("x^2", (2.0,), {"sgd": ("sgd", 0.01, {})}, 10, problems=problems)}
    for job in jobs.values():
        runner.add(job)
    answers, at = _until_done(runner, jobs)
    assert at == {"short": 11, "long": 401}  # step 0 is the start's evaluation
    assert answers["short"]["sgd"].steps_run == 10


def test_more_lanes_than_one_batch_holds():
    """Past WIDTH lanes on one function a second batch opens; every lane still walks its own path."""
    rates = np.linspace(0.01, 0.3, WIDTH + 5)
    racers = {f"sgd{i}": ("sgd", float(lr), {}) for i, lr in enumerate(rates)}
    together = race(parse("abs(x)^2.5 + sin(3*y)"), (1.0, 2.0), racers, 60)
    for name, (optimizer, lr, hyper) in racers.items():
        _same(together[name], descend(parse("abs(x)^2.5 + sin(3*y)"), (1.0, 2.0), optimizer, lr, 60, **hyper))


def test_a_function_that_is_not_elementwise_runs_one_lane_at_a_time():
    """A plain callable of 0-d tensors (descend's contract) gets 0-d tensors, also next to a batched race."""
    def f(x, y):
        assert x.dim() == 0 and y.dim() == 0
        return torch.stack([x, y]).pow(2).sum()

    runner = Runner()
    plain = race_job(f, (1.0, -2.0), {"adam": ("adam", 0.1, {})}, 50)
    batched = race_formula_job("x^2 + y^2", (1.0, -2.0), {"adam": ("adam", 0.1, {})}, 50)
    runner.add(plain)
    runner.add(batched)
    while runner:
        runner.step()
    a, b = plain.answer(plain.lanes)["adam"], batched.answer(batched.lanes)["adam"]
    np.testing.assert_allclose(a.points, b.points, rtol=1e-12)


def test_a_job_whose_start_is_undefined_raises_when_answered():
    job = race_formula_job("log(x)", (-1.0,), {"sgd": ("sgd", 0.1, {})}, 5)
    with pytest.raises(ValueError, match="not defined .* at the start"):
        run_alone(job)


@pytest.mark.parametrize("formula, start", [("abs(x)^2.5 + sin(3*y)", (1.0, 2.0)), ("x^4 - 3*x^2 + x", (1.9,)),
                                            ("(1 - x)^2 + 100*(y - x^2)^2", (-1.2, 1.0))])
def test_a_full_batch_computes_as_lone_scalars_do(formula, start):
    """Every column of a full batch takes torch's scalar kernels, as 0-d tensors do (and as the browser's engine
    copies): a vector kernel differs in the last bit."""
    racers = {f"r{i}": (name, 0.001 * (i + 1), {}) for i, name in enumerate(["sgd", "momentum", "adam", "rmsprop",
                                                                              "adagrad", "nesterov", "sgd"][:WIDTH])}
    racers["r5"] = ("nesterov", 0.006, {"momentum": 0.5})
    batched = run_alone(race_job(parse(formula), start, racers, 200, elementwise=True))
    for name, spec in racers.items():
        scalar = run_alone(race_job(parse(formula), start, {name: spec}, 200, elementwise=False))[name]
        _same(batched[name], scalar)
