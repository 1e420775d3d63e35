"""What torch.optim refuses of a descent page's runs, kept per question: the answer torch gives, the same when asked
again, and a run none of whose racers can start raises a ValueError of its own each time."""

import pytest

from explorer.descent import race_formula
from explorer.expressions import parse
from explorer.ui.descent import refusals

RACERS = {"nesterov": ("nesterov", 0.1, {"momentum": 0.0}), "adam": ("adam", 0.1, {"betas": (0.9, 0.999), "eps": 1e-8}),
          "sgd": ("sgd", 0.1, {})}


def test_the_refused_racers_are_torchs_and_the_same_when_asked_again():
    f = parse("x^2 + y^2")
    torch_says = {name: str(why) for name, why in race_formula(f.text, (1.0, 2.0), RACERS, 0).items()
                  if isinstance(why, ValueError)}
    assert set(torch_says) == {"nesterov"} and "momentum" in torch_says["nesterov"]
    for _ in range(2):
        why = refusals.refused(f, (1.0, 2.0), RACERS)
        assert {name: str(err) for name, err in why.items()} == torch_says


def test_a_question_differs_by_any_setting():
    f = parse("x^2 + y^2")
    with_momentum = RACERS | {"nesterov": ("nesterov", 0.1, {"momentum": 0.5})}
    assert "nesterov" in refusals.refused(f, (1.0, 2.0), RACERS)
    assert refusals.refused(f, (1.0, 2.0), with_momentum) == {}
    assert "nesterov" in refusals.refused(f, (1.0, 2.0), RACERS)


def test_no_racer_can_start_raises_a_new_error_each_time():
    f = parse("log(x)")
    with pytest.raises(ValueError) as torch_says:
        race_formula(f.text, (-1.0,), {"sgd": ("sgd", 0.1, {})}, 0)
    errors = []
    for _ in range(2):
        with pytest.raises(ValueError) as err:
            refusals.refused(f, (-1.0,), {"sgd": ("sgd", 0.1, {})})
        errors.append(err.value)
    assert [str(e) for e in errors] == [str(torch_says.value)] * 2
    assert errors[0] is not errors[1]  # a shared one would gather every run's traceback
