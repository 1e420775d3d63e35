"""What torch.optim refuses of the runs a descent page draws: each racer's optimizer made and the function taken (with
its gradient) at the start, no step run — asked of the reference worker process when it is up.

A script run's torch calls cost several times their own time in the server: each releases the GIL and the event
loop, busy with the class's messages, takes it (a 0-step race: 0.2 ms alone, 1.3 ms in a run). In the worker the
same question is the same torch in float64, so the answer is the one the server would have given. An answer is kept
for the process: a rerun that asks again (classroom mode, a lesson's step, a box opened) does not wait for the worker.
"""

from __future__ import annotations

from functools import lru_cache

from explorer.descent import race_formula
from explorer.expressions import Expression
from explorer.ui import reference_pool


def refused(f: Expression, start: tuple[float, ...], racers: dict[str, tuple[str, float, dict]]) -> dict[str, ValueError]:
    """Each racer torch.optim would not run, with its reason (none: every racer runs).

    Raises ValueError when no racer can run: the start is out of bounds, or ``f`` is not finite there.
    """
    if not racers:
        return {}
    no_racer, pairs = _refusals(f.text, tuple(float(v) for v in start), _frozen(racers))
    if no_racer is not None:
        raise ValueError(no_racer)  # a new one each time: the kept answer is shared by every session's run
    return dict(pairs)


KEPT = 512  # questions (a formula, a start and a few racers' settings: small)


def _frozen(racers: dict[str, tuple[str, float, dict]]) -> tuple:
    """The racers as a hashable key, in their order (each one's settings as sorted items)."""
    return tuple((name, optimizer, lr, tuple(sorted(settings.items())))
                 for name, (optimizer, lr, settings) in racers.items())


def _thawed(racers: tuple) -> dict[str, tuple[str, float, dict]]:
    return {name: (optimizer, lr, dict(settings)) for name, optimizer, lr, settings in racers}


@lru_cache(maxsize=KEPT)
def _refusals(formula: str, start: tuple[float, ...], racers: tuple) -> tuple[str | None, tuple]:
    """Why no racer can run (None if some can), and the refused racers as (name, ValueError) pairs."""
    try:
        outcome = reference_pool.run(race_formula, formula, start, _thawed(racers), 0)
    except ValueError as err:
        return str(err), ()
    return None, tuple((name, why) for name, why in outcome.items() if isinstance(why, ValueError))
