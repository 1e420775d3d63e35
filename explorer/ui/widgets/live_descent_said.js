// What the descent pages say about the runs they draw, written in the browser from those runs: the same
// sentences, character for character, as explorer/outcomes.py (classify, first_jump, leaders, standings,
// lesson_holds, stopped_sentence, fit_outcome) and explorer/figures/words.py (walk, race, fit). A run here is
// descent_engine.js's: {points, losses, grads, diverged, divergedAt, reason}; `fn` the compiled expression.

const STILL = 5e-4; // outcomes.py's constants: a last move under this fraction of the view's width stands still
const FLAT = 1e-2; // ... and the slope promises less than this fraction of the walk's drop nearby
const PROBE = 0.05; // lower ground is looked for this fraction of the view's width away
const JUMP = 100.0; // a first step longer than this many view widths is a jump "by orders of magnitude"
const SUPERSCRIPT = Object.fromEntries([..."-0123456789"].map((c, i) => [c, "\u207b\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079"[i]]));

const everyMinus = (s) => s.replaceAll("-", "\u2212");
const thousands = (digits) => digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
const superscript = (n) => [...String(n)].map((c) => SUPERSCRIPT[c]).join("");
const plural = (n, word) => `${thousands(String(n))} ${n === 1 ? word : `${word}s`}`;
const listing = (names) => (names.length === 1 ? names[0] : `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`);
const pyFixed = (v, d) => (v < 0 || Object.is(v, -0) ? "-" : "") + pyRounded(Math.abs(v), "toFixed", d); // f"{v:.{d}f}"
const norm = (v) => Math.sqrt(v.reduce((total, x) => total + x * x, 0));
const last = (a, i = 1) => a[a.length - i];
const stepsRun = (run) => run.points.length - 1;

function figureNum(v) { // words.num: 4 significant digits, every minus a real one
  return everyMinus(fmtG(v, 4)).replace("inf", "\u221e");
}

function sentenceNum(v) { // outcomes.num: 3 significant digits, 1,234 grouped, 1.2e-05 written 1.2·10⁻⁵
  const size = Math.abs(v);
  if (v === 0 || (size >= 1e-3 && size < 1e3)) return everyMinus(fmtG(v, 3));
  if (size >= 1e3 && size < 1e5) return everyMinus(thousands(pyRounded(v, "toFixed", 0)));
  const [mant, exp] = pyRounded(v, "toExponential", 2).split("e");
  return `${fmtG(Number(mant), 3)}\u00b710${superscript(Number(exp))}`.replace("-", "\u2212");
}

const where = (p) => (p.length === 1 ? `x = ${sentenceNum(p[0])}` : `(${p.map(sentenceNum).join(", ")})`);
const point3 = (p) => `(${p.map((v) => everyMinus(pyFixed(v, 3))).join(", ")})`; // words.point(z, 3)

function lossWent(first, end) { // words._loss_went
  const verb = end < first ? "fell" : end > first ? "rose" : "stayed";
  return verb === "stayed" ? `the loss stayed at ${figureNum(end)}` : `the loss ${verb} from ${figureNum(first)} to ${figureNum(end)}`;
}

function times(ratio) { // outcomes._times: '3.2×', '290×', 'about 10⁵×'
  if (ratio >= 1000) return `about 10${superscript(Math.floor(Math.log10(ratio)))}\u00d7`;
  return ratio < 10 ? `${fmtG(ratio, 2)}\u00d7` : `${thousands(pyRounded(Number(fmtG(ratio, 2)), "toFixed", 0))}\u00d7`;
}

const gap = (v, best) => (best > 0 && v >= 2 * best ? `${times(v / best)} higher` : `${sentenceNum(v - best)} higher`);

function stoppedSentence(run) { // outcomes.stopped_sentence
  const kept = stepsRun(run);
  const text = kept === 0 ? `${run.reason} \u2014 only the start is shown`
    : `${run.reason} \u2014 the ${plural(kept, "step")} before it ${kept === 1 ? "is" : "are"} shown`;
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
}

function firstJump(run, span) { // outcomes.first_jump: "" unless the first step leaps far beyond the view
  if (stepsRun(run) < 1) return "";
  const jump = norm(run.points[1].map((v, i) => v - run.points[0][i]));
  if (jump <= JUMP * span) return "";
  return `The first step jumped ${sentenceNum(jump)}, ${times(jump / span)} the width of the usual view: the slope at the `
    + `start is ${sentenceNum(norm(run.grads[0]))}, so learning rate \u00d7 slope is huge. `
    + "Try a much smaller learning rate, or a start where the curve is gentler.";
}

// ---- outcomes.classify: {kind, text, loss}; minima hold the lowest first
function classify(run, span, fn, minima) {
  const { points, losses } = run, loss = last(losses), end = last(points), k = stepsRun(run);
  const said = (kind, text) => ({ kind, text, loss });
  if (run.diverged) {
    const kept = k === 0 ? "only the start is shown" : `the ${plural(k, "step")} before it ${k === 1 ? "is" : "are"} shown`;
    return said("diverged", `diverged at step ${run.divergedAt} (${run.reason.split(":")[0]}) \u2014 ${kept}`);
  }
  if (k === 0) return said("none", `has not moved: it is still at the start, ${where(end)}`);
  const moves = points.slice(1).map((p, i) => p.map((v, d) => v - points[i][d])), size = moves.map(norm);
  const swing = swinging(moves, size, span);
  if (swing === "bouncing") {
    const [a, b] = [last(points, 2), end];
    if (last(size) > 1.05 * last(size, Math.min(size.length, 8))) {
      return said("bouncing", `swings further out with every step (now between ${where(a)} and ${where(b)}): `
        + "the learning rate is too large, and more steps would make it diverge");
    }
    return said("bouncing", `bounces between ${where(a)} and ${where(b)} without settling: `
      + "every step overshoots the bottom by as much as it gains");
  }
  const drop = Math.max(Math.max(...losses) - Math.min(...losses), 1e-12 * Math.max(1.0, Math.abs(loss)));
  const slope = norm(last(run.grads));
  const still = last(size) < STILL * span && slope * PROBE * span < FLAT * drop;
  if (!still) {
    if (swing === "zigzag") {
      return said("zigzag", `is still zig-zagging in at ${where(end)} (f = ${sentenceNum(loss)}), each swing `
        + "smaller than the last: more steps would let it settle");
    }
    const going = last(losses) <= last(losses, 2) ? "going downhill" : "moving";
    return said("falling", `is still ${going} at ${where(end)} (f = ${sentenceNum(loss)}): its last step moved it `
      + `${sentenceNum(last(size))}, so more steps would take it further`);
  }
  const value = (p) => fn.value(p[0], p.length > 1 ? p[1] : 0);
  const apart = (m) => norm(m.map((v, i) => v - end[i]));
  const close = minima.filter((m) => apart(m) <= 0.02 * span);
  if (close.length) {
    const near = close.reduce((best, m) => (apart(m) < apart(best) ? m : best));
    const low = minima[0];
    if (near === low || value(near) <= value(low) + 1e-9) return said("settled", `settled in the minimum at ${where(near)} (f = ${sentenceNum(loss)})`);
    return said("local", `settled in a local minimum at ${where(near)} (f = ${sentenceNum(loss)}): the lowest point, `
      + `f = ${sentenceNum(value(low))} at ${where(low)}, lies elsewhere`);
  }
  const lower = lowerGround(value, end, span);
  if (lower !== null) {
    return said("stalled", `has all but stopped at ${where(end)}: the slope there is almost flat `
      + `(${sentenceNum(slope)}), yet lower ground lies ${lower} \u2014 a flat shelf or a saddle, not a minimum`);
  }
  if (minima.length && loss > value(minima[0]) + 1e-3 * Math.max(1.0, losses[0] - value(minima[0]))) {
    return said("local", `settled at ${where(end)} (f = ${sentenceNum(loss)}), a local minimum: the lowest point, `
      + `f = ${sentenceNum(value(minima[0]))} at ${where(minima[0])}, lies elsewhere`);
  }
  return said("settled", `settled at ${where(end)} (f = ${sentenceNum(loss)}), where the slope is about zero`);
}

function swinging(moves, size, span) { // outcomes._swinging: "bouncing", "zigzag" or ""
  const window = Math.min(moves.length, 8);
  if (window < 3 || last(size) < STILL * span) return "";
  const recent = moves.slice(-window);
  if (!recent.slice(1).every((m, i) => m.reduce((total, v, d) => total + v * recent[i][d], 0) < 0)) return "";
  return last(size) >= 0.9 * last(size, window) ? "bouncing" : "zigzag";
}

function lowerGround(value, end, span) { // outcomes._lower_ground: which way a clearly lower point lies, or null
  const h = PROBE * span, here = value(end);
  const directions = end.length === 1 ? [[1], [-1]] : [[1, 0], [-1, 0], [0, 1], [0, -1], [1, 1], [1, -1], [-1, 1], [-1, -1]];
  let best = here - 1e-9 * (1 + Math.abs(here)), found = null;
  for (const d of directions) {
    const length = norm(d), v = value(end.map((e, i) => e + (h * d[i]) / length));
    if (Number.isFinite(v) && v < best) [best, found] = [v, d];
  }
  if (found === null) return null;
  return end.length === 1 ? (found[0] > 0 ? "to the right" : "to the left") : "close by";
}

// ---- a race: racers are [{name, label, run}] in the page's order
function finished(racers) { // (final loss, name) of every racer that did not diverge, lowest first
  return racers.filter((r) => !r.run.diverged).map((r) => [last(r.run.losses), r.name, r])
    .sort((a, b) => a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
}

function leaders(racers) { // outcomes.leaders: the lowest, or every racer tied with it
  const done = finished(racers);
  if (!done.length) return [];
  const best = done[0][0], fall = Math.abs(Math.max(...done.map(([, , r]) => r.run.losses[0])) - best);
  return done.filter(([v]) => v - best <= 1e-4 * fall + 1e-12).map(([, , r]) => r);
}

function standings(racers) { // outcomes.standings: who ended lowest, and by how much
  const done = finished(racers);
  const out = racers.filter((r) => r.run.diverged).map((r) => `${r.label} diverged at step ${r.run.divergedAt}`);
  if (!done.length) return out.length ? `${out.join("; ")}: no racer finished.` : "";
  const [best, , winner] = done[0];
  if (done.length === 1) {
    const head = racers.length === 1 ? `${winner.label} ended at f = ${sentenceNum(best)}` : `Only ${winner.label} finished: f = ${sentenceNum(best)}`;
    return `${[head, ...out].join("; ")}.`;
  }
  const tied = leaders(racers);
  if (tied.length === done.length) {
    const both = tied.length === 2 ? "both" : "all", worst = sentenceNum(last(done)[0]);
    const at = worst === sentenceNum(best) ? `at f = ${worst}` : `between f = ${sentenceNum(best)} and ${worst}`;
    return `${[`A tie: ${listing(tied.map((r) => r.label))} ${both} ended ${at}`, ...out].join("; ")}.`;
  }
  const top = Math.max(...done.filter(([, , r]) => tied.includes(r)).map(([v]) => v));
  const head = tied.length > 1 ? `${listing(tied.map((r) => r.label))} tie for the lowest (f \u2264 ${sentenceNum(top)})`
    : `${winner.label} ended lowest (f = ${sentenceNum(best)})`;
  const rest = done.filter(([, , r]) => !tied.includes(r)).map(([v, , r]) => `${r.label}: f = ${sentenceNum(v)}, ${gap(v, top)}`);
  return `${[head, ...rest, ...out].join("; ")}.`;
}

function raceSaid(racers) { // words.race's description
  if (!racers.length) return "No optimizer is racing: pick one.";
  let ends = racers.map((r) => `${r.label} ends at ${point3(last(r.run.points))} with loss ${figureNum(last(r.run.losses))} `
    + `after ${plural(stepsRun(r.run), "step")}`).join("; ");
  const lowest = leaders(racers);
  if (lowest.length > 1) ends += `. Lowest loss: a tie between ${listing(lowest.map((r) => r.label))}`;
  else if (lowest.length && racers.length > 1) ends += `. Lowest loss: ${lowest[0].label}`;
  return `${ends}.`;
}

function walkSaid(run) { // words.walk's description
  return `The walk started at x = ${figureNum(run.points[0][0])} and ${run.diverged ? "stopped at" : "reached"} `
    + `x = ${figureNum(last(run.points)[0])} after ${plural(stepsRun(run), "step")}; ${lossWent(run.losses[0], last(run.losses))}.`;
}

function lessonHolds(facts, outcomes) { // outcomes.lesson_holds: every fact is about a racer here and holds
  const beats = (a, b, factor) => (a.kind === "diverged" ? false : b.kind === "diverged" ? true
    : a.loss > 0 && b.loss > 0 ? a.loss * factor < b.loss : a.loss < b.loss);
  for (const [kind, ...args] of facts) {
    const names = kind === "is" ? args.slice(0, 1) : args.slice(0, 2);
    if (!names.every((n) => n in outcomes)) return false;
    if (kind === "is" && outcomes[args[0]].kind !== args[1]) return false;
    if (kind === "beats" && !beats(outcomes[args[0]], outcomes[args[1]], args[2])) return false;
  }
  return facts.length > 0;
}

// ---- Fit a line
function fitSaid(run) { // words.fit: the line the neuron learned and how far the loss fell
  const n = run.w.length - 1;
  return `After ${plural(n, "step")} the neuron's line is y = ${figureNum(run.w[n])}\u00b7x + ${figureNum(run.b[n])}; ${lossWent(run.losses[0], run.losses[n])}.`;
}

function fitOutcome(losses, best, diverged) { // outcomes.fit_outcome's sentence; best: the least-squares loss
  if (diverged) return "The loss blew up: each step made the line worse, until the numbers ran away.";
  const end = last(losses), start = losses[0];
  if (losses.length < 2) return `No step yet: the loss is ${sentenceNum(end)}.`;
  if (end <= best * 1.02) {
    return `It falls fast, then flattens at the noise level (${sentenceNum(best)}, the least-squares loss) from step `
      + `${losses.findIndex((l) => l <= best * 1.02)} on: no line does better on these noisy points.`;
  }
  const tail = losses.slice(-Math.min(losses.length, 8)), moves = tail.slice(1).map((l, i) => l - tail[i]);
  if (moves.length >= 3 && moves.slice(1).every((m, i) => m * moves[i] < 0)) {
    return `It does not settle: the loss swings up and down around ${sentenceNum(end)}, far above the noise level `
      + `${sentenceNum(best)} \u2014 the steps overshoot.`;
  }
  if (end > start) {
    return `It climbs: the loss went from ${sentenceNum(start)} up to ${sentenceNum(end)} \u2014 each step overshoots `
      + "further. A smaller learning rate (or feature scaling) fixes it.";
  }
  return `It is still falling at the last step (${sentenceNum(end)}, the noise level is ${sentenceNum(best)}): `
    + "more steps, or a larger learning rate, would bring it down further.";
}
