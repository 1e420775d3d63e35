"""What a descent run did, in one true sentence: settled, bouncing, diverged, still falling, stalled, stuck.

Pages choose the note beside a figure from this, not from a fixed text, so a note never says
"the walk settles" next to a walk that bounces or a "diverged" warning. ``classify`` reads one
:class:`~explorer.descent.Trajectory`; ``standings`` ranks racers (``leaders``: who leads, the one rule every sentence
about a race uses); ``fit_outcome`` reads a line fit;
``lesson_holds`` checks a preset's stated facts against the outcomes, so its lesson is shown only
when the picture agrees with it.

The descent pages' widget writes these sentences in the browser from the runs it draws
(explorer/ui/widgets/live_descent_said.js): a change here is a change there, and
tests/e2e/test_descent_engine_e2e.py holds the two to the same words.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from explorer.descent import Trajectory

KINDS = ("none", "diverged", "bouncing", "zigzag", "falling", "stalled", "settled", "local")
STILL = 5e-4  # a last move under this fraction of the view's width counts as standing still
FLAT = 1e-2  # ... and the slope must promise less than this fraction of the walk's drop nearby
PROBE = 0.05  # look for lower ground this fraction of the view's width away
JUMP = 100.0  # a first step longer than this many view widths is a jump "by orders of magnitude"
SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


@dataclass(frozen=True)
class Outcome:
    """How a run ended: ``kind`` is one of KINDS, ``text`` the sentence (no subject: "settled at …")."""

    kind: str
    text: str
    loss: float


def plural(n: int, word: str, many: str | None = None) -> str:
    """'1 step', '2 steps', '0 steps'."""
    return f"{n:,} {word if n == 1 else many or word + 's'}"


def num(v: float) -> str:
    """A number for a sentence: 3 significant digits, 1.2e-05 written 1.2·10⁻⁵."""
    if v == 0 or 1e-3 <= abs(v) < 1e3:
        return f"{v:.3g}".replace("-", "−")
    if 1e3 <= abs(v) < 1e5:
        return f"{v:,.0f}".replace("-", "−")
    mantissa, exponent = f"{v:.2e}".split("e")
    return f"{float(mantissa):.3g}·10{str(int(exponent)).translate(SUPERSCRIPT)}".replace("-", "−", 1)


def where(point) -> str:
    """'x = 1.5' for a curve, '(1.5, 0.2)' for a surface."""
    p = [float(v) for v in np.atleast_1d(point)]
    return f"x = {num(p[0])}" if len(p) == 1 else "(" + ", ".join(num(v) for v in p) + ")"


def stopped_sentence(traj: Trajectory) -> str:
    """:func:`stopped` as a sentence of its own: its first letter upper-case (the rest as it is: NaN stays NaN)."""
    text = stopped(traj)
    return text[:1].upper() + text[1:] + "."


def stopped(traj: Trajectory) -> str:
    """The divergence sentence with the count of kept steps, so a warning and a readout always agree."""
    kept = traj.steps_run
    if kept == 0:
        return f"{traj.reason} — only the start is shown"
    return f"{traj.reason} — the {plural(kept, 'step')} before it {'is' if kept == 1 else 'are'} shown"


def classify(traj: Trajectory, span: float, f=None, minima: tuple = ()) -> Outcome:
    """What the run did. ``span`` is the width of the view (sets what counts as small), ``f`` the function
    (to look for lower ground around the end), ``minima`` the known minima, the lowest first."""
    points, losses, loss = traj.points, traj.losses, float(traj.losses[-1])
    end, k = points[-1], traj.steps_run
    if traj.diverged:
        kept = "only the start is shown" if k == 0 else f"the {plural(k, 'step')} before it {'is' if k == 1 else 'are'} shown"
        return Outcome("diverged", f"diverged at step {traj.diverged_at} ({traj.reason.split(':')[0]}) — {kept}", loss)
    if k == 0:
        return Outcome("none", f"has not moved: it is still at the start, {where(end)}", loss)
    moves = np.diff(points, axis=0)  # (k, dim)
    size = np.linalg.norm(moves, axis=1)
    swing = _swinging(moves, size, span)
    if swing == "bouncing":
        a, b = points[-2], points[-1]
        if size[-1] > 1.05 * size[-min(len(size), 8)]:
            return Outcome("bouncing", f"swings further out with every step (now between {where(a)} and {where(b)}): "
                                       "the learning rate is too large, and more steps would make it diverge", loss)
        return Outcome("bouncing", f"bounces between {where(a)} and {where(b)} without settling: "
                                   "every step overshoots the bottom by as much as it gains", loss)
    drop = max(float(np.max(losses) - np.min(losses)), 1e-12 * max(1.0, abs(loss)))
    slope = float(np.linalg.norm(traj.grads[-1]))
    still = size[-1] < STILL * span and slope * PROBE * span < FLAT * drop
    if not still:
        if swing == "zigzag":
            return Outcome("zigzag", f"is still zig-zagging in at {where(end)} (f = {num(loss)}), each swing "
                                     "smaller than the last: more steps would let it settle", loss)
        going = "going downhill" if losses[-1] <= losses[-2] else "moving"
        return Outcome("falling", f"is still {going} at {where(end)} (f = {num(loss)}): its last step moved it "
                                  f"{num(size[-1])}, so more steps would take it further", loss)
    near = _nearest(end, minima, span)
    if near is not None:
        return _at_minimum(end, loss, near, minima, f)
    lower = _lower_ground(f, end, span) if f is not None else None
    if lower is not None:
        return Outcome("stalled", f"has all but stopped at {where(end)}: the slope there is almost flat "
                                  f"({num(slope)}), yet lower ground lies {lower} — a flat shelf or a saddle, "
                                  "not a minimum", loss)
    if minima and f is not None and loss > _value(f, minima[0]) + _tolerance(losses, f, minima[0]):
        return Outcome("local", f"settled at {where(end)} (f = {num(loss)}), a local minimum: the lowest point, "
                                f"f = {num(_value(f, minima[0]))} at {where(minima[0])}, lies elsewhere", loss)
    return Outcome("settled", f"settled at {where(end)} (f = {num(loss)}), where the slope is about zero", loss)


def first_jump(traj: Trajectory, span: float) -> str:
    """A warning when the very first step lands orders of magnitude farther away than the view is wide."""
    if traj.steps_run < 1:
        return ""
    jump = float(np.linalg.norm(traj.points[1] - traj.points[0]))
    if jump <= JUMP * span:
        return ""
    slope = float(np.linalg.norm(traj.grads[0]))
    return (f"The first step jumped {num(jump)}, {_times(jump / span)} the width of the usual view: the slope at the "
            f"start is {num(slope)}, so learning rate × slope is huge. "
            "Try a much smaller learning rate, or a start where the curve is gentler.")


def leaders(runs: dict[str, Trajectory]) -> list[str]:
    """The racers that finished lowest, lowest first: one, or every racer within 10⁻⁴ of the winner's way down from the
    start (a tie); none when no racer finished. A racer that diverged is never among them."""
    done = sorted(((float(t.losses[-1]), n) for n, t in runs.items() if not t.diverged))
    if not done:
        return []
    best = done[0][0]
    # a too-large rate can walk every racer uphill without diverging: then the "fall" is a rise
    fall = abs(max(float(runs[n].losses[0]) for _, n in done) - best)
    return [n for v, n in done if v - best <= 1e-4 * fall + 1e-12]


def standings(runs: dict[str, Trajectory], labels: dict[str, str]) -> str:
    """Who ended lowest, and by how much: 'Adam ended lowest (f = 0.001); SGD: f = 0.03, 30× higher.'

    Racers that :func:`leaders` counts as tied share the lead.
    """
    done = sorted(((float(t.losses[-1]), n) for n, t in runs.items() if not t.diverged))
    out = [f"{labels[n]} diverged at step {t.diverged_at}" for n, t in runs.items() if t.diverged]
    if not done:
        return ("; ".join(out) + ": no racer finished.") if out else ""
    best, winner = done[0]
    if len(done) == 1:
        head = f"{labels[winner]} ended at f = {num(best)}" if len(runs) == 1 else \
            f"Only {labels[winner]} finished: f = {num(best)}"
        return "; ".join([head, *out]) + "."
    tied = leaders(runs)
    if len(tied) == len(done):
        both, worst = "both" if len(tied) == 2 else "all", num(done[-1][0])
        at = f"at f = {worst}" if worst == num(best) else f"between f = {num(best)} and {worst}"
        return "; ".join([f"A tie: {listing([labels[n] for n in tied])} {both} ended {at}", *out]) + "."
    top = max(v for v, n in done if n in tied)  # compare the others with the worst of the leaders
    head = (f"{listing([labels[n] for n in tied])} tie for the lowest (f ≤ {num(top)})" if len(tied) > 1
            else f"{labels[winner]} ended lowest (f = {num(best)})")
    rest = [f"{labels[n]}: f = {num(v)}, {_gap(v, top)}" for v, n in done if n not in tied]
    return "; ".join([head, *rest, *out]) + "."


def fit_outcome(losses: np.ndarray, best: float, diverged: bool) -> tuple[str, str]:
    """A line fit's loss curve in words: (kind, sentence); ``best`` is the least-squares loss (the noise level)."""
    if diverged:
        return "diverged", "The loss blew up: each step made the line worse, until the numbers ran away."
    losses = np.asarray(losses, dtype=float)
    end, start = float(losses[-1]), float(losses[0])
    if len(losses) < 2:
        return "none", f"No step yet: the loss is {num(end)}."
    if end <= best * 1.02:
        k = int(np.argmax(losses <= best * 1.02))
        return "settled", (f"It falls fast, then flattens at the noise level ({num(best)}, the least-squares loss) "
                           f"from step {k} on: no line does better on these noisy points.")
    moves = np.diff(losses[-min(len(losses), 8):])
    if len(moves) >= 3 and np.all(moves[1:] * moves[:-1] < 0):
        return "bouncing", (f"It does not settle: the loss swings up and down around {num(end)}, far above the "
                            f"noise level {num(best)} — the steps overshoot.")
    if end > start:
        return "climbing", (f"It climbs: the loss went from {num(start)} up to {num(end)} — each step overshoots "
                            "further. A smaller learning rate (or feature scaling) fixes it.")
    return "falling", (f"It is still falling at the last step ({num(end)}, the noise level is {num(best)}): "
                       "more steps, or a larger learning rate, would bring it down further.")


def lesson_holds(facts: tuple, outcomes: dict[str, Outcome]) -> bool:
    """True when every one of a preset's facts is about racers in ``outcomes`` and holds there.

    A fact is ``("is", racer, kind)`` or ``("beats", a, b, factor)``: a's final f is lower than b's
    by ``factor`` (times, when both are positive; else by any margin), or b diverged and a did not.
    A note about racers that are not running says nothing true about the picture, so it is not shown.
    """
    for fact in facts:
        names = fact[1:2] if fact[0] == "is" else fact[1:3]
        if not all(n in outcomes for n in names):
            return False
        if fact[0] == "is" and outcomes[fact[1]].kind != fact[2]:
            return False
        if fact[0] == "beats" and not _beats(outcomes[fact[1]], outcomes[fact[2]], fact[3]):
            return False
    return bool(facts)


def _beats(a: Outcome, b: Outcome, factor: float) -> bool:
    if a.kind == "diverged":
        return False
    if b.kind == "diverged":
        return True
    return a.loss * factor < b.loss if a.loss > 0 and b.loss > 0 else a.loss < b.loss


def _swinging(moves: np.ndarray, size: np.ndarray, span: float) -> str:
    """'bouncing' when the last moves reverse every step without shrinking, 'zigzag' when they shrink, else ''."""
    window = min(len(moves), 8)
    if window < 3 or size[-1] < STILL * span:
        return ""
    last = moves[-window:]
    if not np.all(np.sum(last[1:] * last[:-1], axis=1) < 0):
        return ""
    return "bouncing" if size[-1] >= 0.9 * size[-window] else "zigzag"


def _nearest(end, minima, span):
    """The known minimum the walk stands on (within 2% of the view), or None."""
    close = [m for m in minima if np.linalg.norm(np.asarray(m) - end) <= 0.02 * span]
    return min(close, key=lambda m: np.linalg.norm(np.asarray(m) - end)) if close else None


def _at_minimum(end, loss, near, minima, f) -> Outcome:
    if f is None or near == minima[0] or _value(f, near) <= _value(f, minima[0]) + 1e-9:
        return Outcome("settled", f"settled in the minimum at {where(near)} (f = {num(loss)})", loss)
    low = minima[0]
    return Outcome("local", f"settled in a local minimum at {where(near)} (f = {num(loss)}): the lowest point, "
                            f"f = {num(_value(f, low))} at {where(low)}, lies elsewhere", loss)


def _value(f, point) -> float:
    with torch.no_grad():
        return float(f(*torch.tensor(point, dtype=torch.float64).unbind()))


def _tolerance(losses, f, low) -> float:
    return 1e-3 * max(1.0, float(losses[0]) - _value(f, low))


def _lower_ground(f, end, span) -> str | None:
    """Which way lies a point clearly lower than the end, one probe step away ('to the right', ...), or None."""
    h = PROBE * span
    here = _value(f, end)
    directions = [(1.0,), (-1.0,)] if len(end) == 1 else [(1, 0), (-1, 0), (0, 1), (0, -1), (1, 1), (1, -1), (-1, 1), (-1, -1)]
    best, name = here - 1e-9 * (1 + abs(here)), None
    for d in directions:
        v = _value(f, np.asarray(end) + h * np.asarray(d, dtype=float) / np.linalg.norm(d))
        if np.isfinite(v) and v < best:
            best, name = v, d
    if name is None:
        return None
    if len(end) == 1:
        return "to the right" if name[0] > 0 else "to the left"
    return "close by"


def _times(ratio: float) -> str:
    """'3.2×', '290×', 'about 10⁵×'."""
    if ratio >= 1000:
        return f"about 10{str(int(np.floor(np.log10(ratio)))).translate(SUPERSCRIPT)}×"
    return f"{ratio:.2g}×" if ratio < 10 else f"{float(f'{ratio:.2g}'):,.0f}×"


def _gap(v: float, best: float) -> str:
    return f"{_times(v / best)} higher" if best > 0 and v >= 2 * best else f"{num(v - best)} higher"


def listing(words: list[str]) -> str:
    """Names joined as a sentence lists them: "a", "a and b", "a, b and c"."""
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
