"""What torch.optim refuses of the runs a descent page draws: each racer's optimizer made and the function taken (with
its gradient) at the start, no step run — asked of the reference worker process when it is up.

A script run's torch calls cost several times their own time in the server: each releases the GIL and the event
loop, busy with the class's messages, takes it (a 0-step race: 0.2 ms alone, 1.3 ms in a run). In the worker the
same question is the same torch in float64, so the answer is the one the server would have given.
"""

from __future__ import annotations

from explorer.descent import race_formula
from explorer.expressions import Expression
from explorer.ui import reference_pool


def refused(f: Expression, start: tuple[float, ...], racers: dict[str, tuple[str, float, dict]]) -> dict[str, ValueError]:
    """Each racer torch.optim would not run, with its reason (none: every racer runs).

    Raises ValueError when no racer can run: the start is out of bounds, or ``f`` is not finite there.
    """
    if not racers:
        return {}
    outcome = reference_pool.run(race_formula, f.text, start, racers, 0)
    return {name: why for name, why in outcome.items() if isinstance(why, ValueError)}
