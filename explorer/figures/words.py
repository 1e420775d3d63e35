"""Figures in words: each chart's accessible name and a one-sentence description from its data.

What a screen reader says for a chart and what a teacher can read out; numbers in the same
four-significant-digit form the figures print, with real minus signs. ``walk``, ``race`` and ``fit`` are
also written in the browser by the descent widget (explorer/ui/widgets/live_descent_said.js), tested to
the same words.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from explorer.descent import LABELS, Trajectory
from explorer.outcomes import leaders, listing, plural
from explorer.restoration import Curve, Denoising, Inpainting
from explorer.tape import Tape


def num(v: float, digits: int = 4) -> str:
    """A number as the figures print it: ``digits`` significant digits, a real minus sign."""
    return f"{v:.{digits}g}".replace("-", "−").replace("inf", "∞")


def point(z: Sequence[float], digits: int = 2) -> str:
    """A point as "(0.40, −1.20)"."""
    return "(" + ", ".join(f"{float(v):.{digits}f}".replace("-", "−") for v in z) + ")"


def decoded_digit(z: Sequence[float]) -> str:
    """Alt text of a decoder's drawing at the point z."""
    return f"Digit decoded from z = {point(z)}"


def walk(t: Trajectory) -> tuple[str, str]:
    """Name and description of a 1-D descent: where the walk ended and how far the loss fell."""
    end = "stopped at" if t.diverged else "reached"
    return (f"Gradient descent with {LABELS[t.optimizer]} on the curve, and the loss after each step",
            f"The walk started at x = {num(t.points[0, 0])} and {end} x = {num(t.points[-1, 0])} after "
            f"{plural(t.steps_run, 'step')}; {_loss_went(t.losses[0], t.losses[-1])}.")


def fit(w: Sequence[float], b: Sequence[float], losses: Sequence[float]) -> str:
    """One sentence for the fit-a-line pictures: the line the neuron learned and how far the loss fell."""
    return (f"After {plural(len(w) - 1, 'step')} the neuron's line is y = {num(w[-1])}·x + {num(b[-1])}; "
            f"{_loss_went(losses[0], losses[-1])}.")


def _loss_went(first: float, last: float) -> str:
    """The loss's change in words that match its direction."""
    verb = "fell" if last < first else "rose" if last > first else "stayed"
    return f"the loss {verb} from {num(first)} to {num(last)}" if verb != "stayed" else f"the loss stayed at {num(last)}"


def race(runs: dict[str, Trajectory]) -> tuple[str, str]:
    """Name and description of optimizers racing on a 2-D landscape: each one's end and final loss."""
    if not runs:
        return "Contour map of the landscape", "No optimizer is racing: pick one."
    start = next(iter(runs.values())).points[0]
    ends = "; ".join(f"{LABELS[n]} ends at {point(t.points[-1], 3)} with loss {num(t.losses[-1])} after "
                     f"{plural(t.steps_run, 'step')}" for n, t in runs.items())
    lowest = leaders(runs)  # as the standings under the map count them: a tie is a tie, a diverged racer never leads
    if len(lowest) > 1:
        ends += f". Lowest loss: a tie between {listing([LABELS[n] for n in lowest])}"
    elif lowest and len(runs) > 1:
        ends += f". Lowest loss: {LABELS[lowest[0]]}"
    return f"Contour map: {plural(len(runs), 'optimizer')} racing downhill from {point(start, 3)}", f"{ends}."


def latent_map(z: Sequence[float], n_points: int) -> tuple[str, str]:
    """Name and description of the latent map with the point z marked."""
    return (f"Latent map of {n_points:,} test digits, coloured by class, with z marked",
            f"Each dot is a test digit's code; the star marks z = {point(z)}, whose decoded digit is beside the map.")


def tape_graph(tape: Tape, formula: str, step: int) -> tuple[str, str]:
    """Name and description of the computation graph after ``step`` backward steps."""
    root = tape.nodes[-1].id
    at = ", ".join(f"{n.op} = {num(tape.values[n.id])}" for n in tape.nodes if n.op in tape.variables)
    ops = sum(1 for n in tape.nodes if n.inputs)
    text = (f"{plural(len(tape.nodes), 'box', 'boxes')}, {ops} of them operations; the forward pass gives f = "
            f"{num(tape.values[root])}" + (f" at {at}" if at else "") + ". ")
    if not tape.steps:
        return f"Computation graph of f = {formula}", text + "Nothing to play backward."
    if step == 0:
        text += f"No backward step played yet, {len(tape.steps)} to go."
    else:
        s = tape.steps[step - 1]
        text += (f"{step} of {len(tape.steps)} backward steps played; the last one popped "
                 f"{tape.names[s.node]} with ∂f/∂{tape.names[s.node]} = {num(s.grad)}.")
    return f"Computation graph of f = {formula}", text


def softmax_bars(logits: Sequence[float], probs: Sequence[float], temperature: float,
                 true_class: int) -> tuple[str, str]:
    """Name and description of the logits-and-probabilities bars."""
    logits, probs = [float(z) for z in logits], [float(p) for p in probs]
    hi, lo = int(np.argmax(logits)), int(np.argmin(logits))
    top = int(np.argmax(probs))
    return (f"Bar charts: ten logits and their softmax probabilities at T = {num(temperature)}",
            f"Logits run from {num(logits[lo], 3)} (class {lo}) to {num(logits[hi], 3)} (class {hi}); "
            f"softmax gives class {top} the largest probability, {probs[top]:.2f}, and the true class "
            f"{true_class} gets {probs[true_class]:.2f}; the ten add up to 1.")


def gradient_bars(grad: Sequence[float], true_class: int, loss: float) -> tuple[str, str]:
    """Name and description of the cross-entropy gradient bars."""
    grad = [float(g) for g in grad]
    wrong = max((k for k in range(len(grad)) if k != true_class), key=lambda k: grad[k])
    return ("Bar chart: the cross-entropy gradient for each of the ten logits",
            f"The loss is {num(loss, 3)}; the true class {true_class} has gradient {num(grad[true_class], 3)} "
            f"(descent raises it), the largest push down is class {wrong} at +{num(grad[wrong], 3)}.")


def psnr_curve(curve: Curve, level: float, noise_name: str) -> tuple[str, str]:
    """Name and description of PSNR against noise level, read at the slider's ``level``."""
    name = f"Line chart: PSNR against {noise_name} for the network, the best filter and the noisy input"
    first, last = float(curve.levels[0]), float(curve.levels[-1])
    if not first <= level <= last:  # the curves start at the first noisy level: a clean input has PSNR ∞
        return name, (f"From {noise_name} {first:.2f} to {last:.2f} the network falls from "
                      f"{curve.learned[0]:.1f} to {curve.learned[-1]:.1f} dB, the best filter from "
                      f"{curve.baseline[0]:.1f} to {curve.baseline[-1]:.1f} dB.")
    at = [float(np.interp(level, curve.levels, v)) for v in (curve.learned, curve.baseline, curve.noisy)]
    ahead = at[0] - at[1]
    return name, (f"At {noise_name} {level:.2f} the network scores {at[0]:.1f} dB, the best classical filter "
                  f"{at[1]:.1f} dB and the noisy input {at[2]:.1f} dB: the network is "
                  f"{abs(ahead):.1f} dB {'ahead of' if ahead >= 0 else 'behind'} the filter.")


def denoise_images(r: Denoising, name: str, noise: str) -> tuple[str, str, str, str]:
    """Alt texts of the clean digit, the noisy one, the network's output and its error map."""
    err = r.error
    return (f"Clean {name}", f"{name.capitalize()} with {noise}, PSNR {num(r.psnr_noisy, 3)} dB",
            f"The network's cleaned {name}, PSNR {num(r.psnr_denoised, 3)} dB",
            f"Error map of the network's output: mean error {float(err.mean()):.3f}, largest {float(err.max()):.2f}")


def inpaint_images(r: Inpainting, name: str) -> tuple[str, str, str, str]:
    """Alt texts of the digit with its hole, the network's fill, the mean-fill and the truth."""
    score = (lambda m: "") if r.missing == 0 else (lambda m: f", hole MSE {m:.4f}")
    return (f"{name.capitalize()} with {r.missing} of 784 pixels hidden, shown blue",
            f"The network's fill of the hole{score(r.mse_inpainted)}",
            f"Mean-fill of the hole{score(r.mse_mean_fill)}", f"The whole {name}, the truth")
