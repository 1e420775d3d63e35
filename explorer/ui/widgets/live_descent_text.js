// Numbers of the live descent widget: Python's number formats, and "the numbers for one step" —
// explorer/update_rule.py's content (the optimizer's state rebuilt from the slopes the run recorded, step k
// written with its numbers) as HTML instead of LaTeX. What the pages say about a run: live_descent_said.js.

// Python rounds a number it prints half to even on its exact value; toFixed and toExponential round a half
// away from zero. An exact half that Python rounds down is printed from the next double towards zero.
function pyRounded(v, how, digits) {
  const [whole, frac = ""] = Math.abs(v)[how](100).split("e")[0].split("."); // exact wherever a half can occur
  const kept = digits ? frac[digits - 1] : whole.slice(-1);
  const half = frac[digits] === "5" && !/[1-9]/.test(frac.slice(digits + 1));
  if (!half || Number(kept) % 2 === 1) return v[how](digits);
  const bits = new BigInt64Array(new Float64Array([v]).buffer);
  bits[0] -= 1n; // one ulp towards zero, for either sign
  return new Float64Array(bits.buffer)[0][how](digits);
}

function fmtG(v, digits) { // Python's format(v, f".{digits}g")
  if (Number.isNaN(v)) return "nan";
  if (!Number.isFinite(v)) return v > 0 ? "inf" : "-inf";
  if (v === 0) return Object.is(v, -0) ? "-0" : "0";
  const [mant, exp] = pyRounded(v, "toExponential", digits - 1).split("e"), e = Number(exp);
  const strip = (s) => (s.includes(".") ? s.replace(/0+$/, "").replace(/\.$/, "") : s);
  if (e < -4 || e >= digits) return `${strip(mant)}e${e < 0 ? "-" : "+"}${String(Math.abs(e)).padStart(2, "0")}`;
  return strip(pyRounded(v, "toFixed", Math.max(0, digits - 1 - e)));
}

const minusSign = (s) => s.replace(/^-/, "\u2212");
const g4 = (v) => minusSign(fmtG(v, 4));
const fixed = (v, d) => minusSign(v.toFixed(d));
const capitalise = (s) => s.charAt(0).toUpperCase() + s.slice(1);

function num(v, paren = true) { // update_rule.num: 4 significant digits, ×10ⁿ, negatives in parentheses
  let text = fmtG(v, 4).replace("e-0", "e-").replace("e+0", "e+");
  if (text.includes("e")) {
    const [mant, exp] = text.split("e");
    text = `${mant}\u00d710<sup>${Number(exp)}</sup>`;
  }
  text = minusSign(text);
  return v < 0 && paren ? `(${text})` : text;
}

const sub = (name, i) => `${name}<sub>${i}</sub>`;

// Step k → k+1 of a 1-D run as HTML lines; run.settings holds every keyword the optimizer ran with.
function ruleLines(run, k) {
  const s = run.settings, g = run.grads.slice(0, k + 1).map((r) => r[0]), x = run.points[k][0], lr = run.lr, t = k + 1;
  const xk = sub("x", k), xn = sub("x", t), gk = `f\u2032(${xk})`, name = run.optimizer;
  if (name === "sgd") {
    const next = x - lr * g[k];
    return [`${xn} = ${xk} \u2212 \u03b7\u00b7${gk} = ${num(x)} \u2212 ${num(lr)}\u00b7${num(g[k])} = ${num(next, false)}`];
  }
  if (name === "momentum" || name === "nesterov") {
    const mu = s.momentum, vs = [];
    g.forEach((gi, i) => vs.push(i === 0 ? gi : mu * vs[i - 1] + gi)); // torch: buf = g first, then μ·buf + g
    const v = vs[k], vOld = k ? vs[k - 1] : 0;
    const vLine = `${sub("v", t)} = \u03bc\u00b7${sub("v", k)} + ${gk} = ${num(mu)}\u00b7${num(vOld)} + ${num(g[k])} = ${num(v, false)}`;
    if (name === "momentum") {
      const next = x - lr * v;
      return [vLine, `${xn} = ${xk} \u2212 \u03b7\u00b7${sub("v", t)} = ${num(x)} \u2212 ${num(lr)}\u00b7${num(v)} = ${num(next, false)}`];
    }
    const step = g[k] + mu * v, next = x - lr * step; // torch's Nesterov steps along g + μ·buf
    return [vLine, `${xn} = ${xk} \u2212 \u03b7\u00b7(${gk} + \u03bc\u00b7${sub("v", t)}) = ${num(x)} \u2212 ${num(lr)}\u00b7${num(step)} = ${num(next, false)}`];
  }
  if (name === "rmsprop" || name === "adagrad") {
    const alpha = s.alpha ?? 0, sqs = [s.initial_accumulator_value ?? 0];
    for (const gi of g) sqs.push(name === "rmsprop" ? alpha * sqs[sqs.length - 1] + (1 - alpha) * gi * gi : sqs[sqs.length - 1] + gi * gi);
    const sq = sqs[k + 1], sqOld = sqs[k], root = Math.sqrt(sq), next = x - (lr * g[k]) / (root + s.eps);
    const sLine = name === "rmsprop"
      ? `${sub("s", t)} = \u03b1\u00b7${sub("s", k)} + (1\u2212\u03b1)\u00b7${gk}\u00b2 = ${num(alpha)}\u00b7${num(sqOld)} + ${num(1 - alpha)}\u00b7${num(g[k] ** 2)} = ${num(sq, false)}`
      : `${sub("s", t)} = ${sub("s", k)} + ${gk}\u00b2 = ${num(sqOld)} + ${num(g[k] ** 2)} = ${num(sq, false)}`;
    return [sLine, `${xn} = ${xk} \u2212 \u03b7\u00b7${gk} / (\u221a${sub("s", t)} + \u03b5) = ${num(x)} \u2212 ${num(lr)}\u00b7${num(g[k], false)} / ${num(root)} = ${num(next, false)}`];
  }
  const [b1, b2] = s.betas; // adam
  let m = 0, v = 0;
  for (const gi of g) { m = b1 * m + (1 - b1) * gi; v = b2 * v + (1 - b2) * gi * gi; }
  const mHat = m / (1 - b1 ** t), vHat = v / (1 - b2 ** t), next = x - (lr * mHat) / (Math.sqrt(vHat) + s.eps);
  return [
    `${sub("m", t)} = \u03b2\u2081${sub("m", k)} + (1\u2212\u03b2\u2081)\u00b7${gk} = ${num(m, false)}, &nbsp; ${sub("v", t)} = \u03b2\u2082${sub("v", k)} + (1\u2212\u03b2\u2082)\u00b7${gk}\u00b2 = ${num(v, false)}`,
    `m\u0302 = ${sub("m", t)} / (1\u2212\u03b2\u2081<sup>${t}</sup>) = ${num(mHat, false)}, &nbsp; v\u0302 = ${sub("v", t)} / (1\u2212\u03b2\u2082<sup>${t}</sup>) = ${num(vHat, false)}`,
    `${xn} = ${xk} \u2212 \u03b7\u00b7m\u0302 / (\u221av\u0302 + \u03b5) = ${num(x)} \u2212 ${num(lr)}\u00b7${num(mHat, false)} / ${num(Math.sqrt(vHat))} = ${num(next, false)}`,
  ];
}

// The "numbers for one step" panel of the curve page, for step k of `run` (HTML).
function stepNumbers(run, k, words) {
  const n = run.points.length - 1, last = `After <b>${n}</b> steps: x = <b>${g4(run.points[n][0])}</b>, f(x) = <b>${g4(run.losses[n])}</b>.`;
  if (n < 1) return `<p>The run stopped before its first step: x = ${g4(run.points[0][0])}, f(x) = ${g4(run.losses[0])}, slope ${g4(run.grads[0][0])}.</p><p>${last}</p>`;
  const at = Math.min(k, n - 1), slope = run.grads[at][0];
  const downhill = slope > 0 ? "left" : slope < 0 ? "right" : "nowhere: the slope is zero";
  const plain = run.optimizer === "sgd" ? "" : ` Plain SGD would be ${sub("x", "k+1")} = ${sub("x", "k")} \u2212 \u03b7\u00b7f\u2032(${sub("x", "k")}).`;
  return [
    `<p>At step <b>${at}</b>: x = <b>${g4(run.points[at][0])}</b>, f(x) = <b>${g4(run.losses[at])}</b>, slope f\u2032(x) = <b>${g4(slope)}</b> \u2014 so downhill is to the ${downhill}.</p>`,
    ...ruleLines(run, at).map((line) => `<p class="ld-rule">${line}</p>`),
    `<p class="ld-words">${words}${plain}</p>`,
    `<p>${last}</p>`,
  ].join("");
}

// The warning a stopped run shows above the picture (the pages' own sentences).
function warning(run, mode, scale) {
  if (!run.diverged) return "";
  const smaller = run.reason.startsWith("learning rate") ? " Try a smaller learning rate." : "";
  if (mode === "fit") return `${capitalise(run.reason)}. Try a smaller learning rate${scale ? "." : ", or switch on feature scaling."}`;
  return `${capitalise(run.reason)}.${smaller}`;
}
