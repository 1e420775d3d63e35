"""What a run did, in words: each outcome from a real torch.optim run, and the sentence says it."""

import numpy as np
import pytest

from explorer.descent import descend
from explorer.expressions import parse
from explorer.fitline import celsius_data, exact_fit, mse, train
from explorer.outcomes import classify, first_jump, fit_outcome, lesson_holds, num, plural, standings, stopped
from explorer.surfaces import CURVES, SURFACES

LABELS = {"sgd": "SGD", "momentum": "Momentum", "adam": "Adam", "rmsprop": "RMSprop"}


def outcome(formula, x0, lr, steps, optimizer="sgd", span=6.0, minima=()):
    f = parse(formula)
    return classify(descend(f, x0, optimizer, lr, steps), span, f, minima)


def test_plural_and_numbers_read_right():
    assert plural(1, "step") == "1 step" and plural(0, "step") == "0 steps" and plural(2, "minimum", "minima") == "2 minima"
    assert plural(1500, "step") == "1,500 steps"
    assert num(0.5) == "0.5" and num(-2.5) == "−2.5" and num(12345) == "12,345" and num(1.2e-5) == "1.2·10⁻⁵"


def test_bowl_settles_and_says_where():
    out = outcome("x^2", (2.5,), 0.1, 30, minima=((0.0,),))
    assert out.kind == "settled" and "settled in the minimum at x = 0" in out.text


def test_learning_rate_one_on_the_bowl_bounces_between_plus_and_minus_start():
    out = outcome("x^2", (2.5,), 1.0, 30)
    assert out.kind == "bouncing"
    assert "bounces between x = 2.5 and x = −2.5" in out.text or "bounces between x = −2.5 and x = 2.5" in out.text


def test_growing_swings_are_called_so_before_they_diverge():
    out = outcome("x^2", (2.5,), 1.05, 20)
    assert out.kind == "bouncing" and "swings further out" in out.text


def test_divergence_says_the_step_and_how_many_were_kept():
    t = descend(parse("x^2"), (2.5,), "sgd", 10.0, 30)
    out = classify(t, 6.0, parse("x^2"))
    assert out.kind == "diverged" and t.diverged_at == t.steps_run + 1
    assert f"diverged at step {t.diverged_at}" in out.text
    assert f"the {plural(t.steps_run, 'step')} before it" in out.text
    assert stopped(t).startswith("learning rate too large: diverged at step") and "(learning rate too large)" in out.text


def test_a_shrinking_zigzag_is_not_called_settled():
    out = outcome("x^2", (2.5,), 0.95, 20)  # x → −0.9 x each step
    assert out.kind == "zigzag"


def test_a_crawl_is_still_falling_not_settled():
    out = outcome("x^2", (2.5,), 1e-4, 30)
    assert out.kind == "falling" and "still going downhill" in out.text


def test_a_local_minimum_and_a_flat_shelf():
    two = CURVES["two_minima"]
    assert classify(descend(two.f, two.start, "sgd", two.lr, 60), 5.0, two.f, two.minima).kind == "local"
    shelf = CURVES["plateau"]
    out = classify(descend(shelf.f, shelf.start, "sgd", shelf.lr, 60), 4.5, shelf.f, shelf.minima)
    assert out.kind == "stalled" and "lower ground lies to the right" in out.text


def test_a_local_minimum_is_found_without_a_preset_when_minima_are_not_given():
    out = outcome("x^2 + 10*sin(x)", (7.0,), 0.05, 60, span=20.0)
    assert out.kind == "settled"  # no table of minima: it can only say the slope is zero there
    out = outcome("x^2 + 10*sin(x)", (7.0,), 0.05, 60, span=20.0, minima=CURVES["wiggly"].minima)
    assert out.kind == "local" and "lies elsewhere" in out.text


def test_zero_steps():
    assert outcome("x^2", (2.5,), 0.1, 0).kind == "none"


def test_first_step_jump_by_orders_of_magnitude_is_flagged():
    t = descend(parse("exp(exp(x))"), (2.5,), "sgd", 0.1, 5)
    warning = first_jump(t, 8.0)
    assert abs(t.points[1, 0] - t.points[0, 0]) > 1e4 and "first step jumped" in warning
    assert first_jump(descend(parse("x^2"), (2.5,), "sgd", 0.1, 5), 6.0) == ""


def test_standings_name_the_winner_and_by_how_much():
    s = SURFACES["elongated"]
    runs = {o: descend(s.f, s.start, o, s.lr, s.steps, **s.kwargs(o)) for o in ("sgd", "momentum", "adam")}
    text = standings(runs, LABELS)
    assert text.startswith("Adam and Momentum tie for the lowest (f ≤ ")  # both within 10⁻⁴ of the drop
    assert f"SGD: f = {num(runs['sgd'].losses[-1])}, about 10⁵× higher" in text
    assert runs["sgd"].losses[-1] / max(runs["adam"].losses[-1], runs["momentum"].losses[-1]) > 1e5
    one = standings({"sgd": runs["sgd"], "adam": runs["adam"]}, LABELS)
    assert one.startswith(f"Adam ended lowest (f = {num(runs['adam'].losses[-1])})")


def test_standings_tie_and_divergence():
    s = SURFACES["saddle"]
    runs = {o: descend(s.f, s.start, o, s.lr, s.steps) for o in ("sgd", "adam")}
    assert standings(runs, LABELS).startswith("A tie: SGD and Adam both ended")
    b = SURFACES["beale"]
    runs = {o: descend(b.f, b.start, o, b.lr, b.steps) for o in b.racers}
    assert f"SGD diverged at step {runs['sgd'].diverged_at}" in standings(runs, LABELS)


def test_standings_when_every_racer_walked_uphill():
    f = parse("x^2 + y^2")
    runs = {o: descend(f, (1.0, 1.0), o, 3.0, 3) for o in ("sgd", "momentum")}
    assert all(not t.diverged and t.losses[-1] > t.losses[0] for t in runs.values())  # up, not out
    low = min(runs, key=lambda o: runs[o].losses[-1])
    assert standings(runs, LABELS).startswith(f"{LABELS[low]} ended lowest (f = {num(runs[low].losses[-1])})")


def test_fit_outcomes_follow_the_loss_curve():
    c, f = celsius_data()
    best = float(mse(*exact_fit(c, f), c, f))
    for settings, kind in [((("sgd", 0.1, 60), True), "settled"), ((("adam", 0.1, 60), True), "falling"),
                           ((("sgd", 0.1, 60), False), "diverged"), ((("sgd", 1.0, 60), True), "bouncing")]:
        (optimizer, lr, steps), scale = settings
        fit = train(c, f, optimizer, lr, steps, scale=scale)
        got, text = fit_outcome(fit.losses, best, fit.diverged)
        assert got == kind, (settings, text)
    assert "flattens at the noise level" in fit_outcome(train(c, f, "sgd", 0.1, 60).losses, best, False)[1]


def test_lessons_need_all_their_racers_and_facts():
    s = SURFACES["elongated"]
    runs = {o: descend(s.f, s.start, o, s.lr, s.steps, **s.kwargs(o)) for o in s.racers}
    outs = {o: classify(t, 8.0, s.f, s.minima) for o, t in runs.items()}
    assert lesson_holds(s.facts, outs)
    assert not lesson_holds(s.facts, {"sgd": outs["sgd"]})  # the note talks about momentum and Adam
    slow = {o: classify(descend(s.f, s.start, o, 0.01, s.steps), 8.0, s.f, s.minima) for o in s.racers}
    assert not lesson_holds(s.facts, slow)
    assert not lesson_holds((), outs)


@pytest.mark.parametrize("lr", [0.001, 0.1, 1.0, 1.5, 10.0])
def test_every_sentence_is_one_sentence_with_numbers_that_exist(lr):
    t = descend(parse("x^2"), (2.5,), "sgd", lr, 30)
    out = classify(t, 6.0, parse("x^2"), ((0.0,),))
    assert out.text and not out.text.endswith(".") and "nan" not in out.text and np.isfinite(out.loss)
