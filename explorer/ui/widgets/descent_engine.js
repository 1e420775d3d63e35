// Descent engine: explorer.descent.descend and explorer.fitline.train, in float64, in the browser.
// Plain top-level functions; live_descent.py joins this file (after descent_exact.js: fma, torchSum,
// pyFloat) with the widget's into one ES module.
// It copies torch 2.14 on x86 CPUs operation by operation, so runs agree to the last bit wherever
// both sides use the same elementary functions: autograd's formulas and its order of summing
// gradients, the single-tensor (foreach=False) update rules of SGD, RMSprop, Adagrad and Adam, and
// the fused multiply-adds the compiler put into torch's CPU kernels (add_ with alpha, addcmul_,
// lerp_, tanh's backward), emulated here exactly. sin, cos, sqrt, ... come from `lib` (Math by
// default; torch takes them from MKL, whose results differ from Math's in the last bit now and then).

const BOUND = 1e6; // explorer.descent.BOUND: a point farther than this from the origin has run away
const MAX_STEPS = 100000;
const DEFAULT_LIB = { // tensor ops (MKL in torch), then the C library's, which torch calls inside kernels
  sin: Math.sin, cos: Math.cos, tan: Math.tan, exp: Math.exp, log: Math.log, sqrt: Math.sqrt,
  tanh: Math.tanh, cexp: Math.exp, log1p: Math.log1p, pow: Math.pow, clog: Math.log,
};

// ---- the formula: the parser's tree (explorer/expression_json.py) -> f and its gradient
const ARITY = { x: 0, y: 0, const: 0, neg: 1, add: 2, sub: 2, mul: 2, div: 2, pow: 2, sin: 1, cos: 1, tan: 1,
  exp: 1, log: 1, sqrt: 1, abs: 1, tanh: 1, sigmoid: 1, relu: 1, softplus: 1 };

function powScalar(lib, a, e) { // torch.pow(tensor, python float): its special cases, then std::pow
  if (e === 0) return 1;
  if (e === 1) return a;
  if (e === 0.5) return lib.sqrt(a);
  if (e === -0.5) return 1 / Math.sqrt(a);
  if (e === -1) return 1 / a;
  if (e === 2) return a * a;
  if (e === 3) return a * a * a;
  if (e === -2) return 1 / (a * a);
  return lib.pow(a, e);
}

function compileExpression(tree) {
  const nodes = tree && tree.nodes;
  if (!Array.isArray(nodes) || nodes.length === 0 || nodes.length > 1000) throw new Error("not a formula tree");
  const n = nodes.length, op = [], in0 = new Int32Array(n), in1 = new Int32Array(n);
  const value = new Float64Array(n), live = new Uint8Array(n); // live: depends on x or y
  nodes.forEach((node, k) => {
    const args = node.in || [];
    if (!(node.op in ARITY) || args.length !== ARITY[node.op] || args.some((i) => !(Number.isInteger(i) && i >= 0 && i < k)))
      throw new Error(`node ${k}: not a known operation`);
    if (node.op === "const" && typeof node.value !== "number") throw new Error(`node ${k}: constant without a value`);
    op.push(node.op);
    in0[k] = args.length > 0 ? args[0] : -1;
    in1[k] = args.length > 1 ? args[1] : -1;
    live[k] = node.op === "x" || node.op === "y" || args.some((i) => live[i]) ? 1 : 0;
    if (node.op === "const") value[k] = node.value;
  });
  const usesY = op.includes("y"), root = n - 1;
  const grad = new Float64Array(n), has = new Uint8Array(n);

  function forward(lib, x, y) {
    for (let k = 0; k < n; k++) {
      const a = value[in0[k]], b = value[in1[k]];
      switch (op[k]) {
        case "const": continue;
        case "x": value[k] = x; break;
        case "y": value[k] = y; break;
        case "neg": value[k] = -a; break;
        case "add": value[k] = a + b; break;
        case "sub": value[k] = a - b; break;
        case "mul": value[k] = a * b; break;
        case "div": value[k] = live[in0[k]] || !live[in1[k]] ? a / b : (1 / b) * a; break; // c / x is reciprocal(x)·c
        case "pow":
          if (!live[in1[k]]) value[k] = powScalar(lib, a, b);
          else value[k] = !live[in0[k]] && a === 1 ? 1 : lib.pow(a, b);
          break;
        case "sin": value[k] = lib.sin(a); break;
        case "cos": value[k] = lib.cos(a); break;
        case "tan": value[k] = lib.tan(a); break;
        case "exp": value[k] = lib.exp(a); break;
        case "log": value[k] = lib.log(a); break;
        case "sqrt": value[k] = lib.sqrt(a); break;
        case "abs": value[k] = Math.abs(a); break;
        case "tanh": value[k] = lib.tanh(a); break;
        case "sigmoid": value[k] = 1 / (1 + lib.cexp(-a)); break;
        case "relu": value[k] = a < 0 ? 0 : a; break; // clamp_min(x, 0) keeps NaN and −0
        case "softplus": value[k] = a > 20 ? a : lib.log1p(lib.cexp(a)); break; // beta 1, threshold 20
      }
    }
    return value[root];
  }

  function send(i, g) { // autograd adds a node's gradients in the order its users run: the last-made first
    if (!live[i]) return;
    if (has[i]) grad[i] = grad[i] + g;
    else { grad[i] = g; has[i] = 1; }
  }

  function backward(lib) { // reverse sweep, each op's backward formula as in torch's derivatives.yaml
    has.fill(0);
    grad[root] = 1;
    has[root] = 1;
    for (let k = root; k >= 0; k--) {
      if (!has[k] || !live[k]) continue;
      const g = grad[k], i = in0[k], j = in1[k], a = value[i], b = value[j], out = value[k];
      switch (op[k]) {
        case "neg": send(i, -g); break;
        case "add": send(i, g); send(j, g); break;
        case "sub": send(i, g); send(j, -g); break;
        case "mul": send(i, g * b); send(j, g * a); break;
        case "div":
          if (live[i]) { send(i, g / b); send(j, -g * ((a / b) / b)); } else { // reciprocal(x)·c
            const r = 1 / b;
            send(j, -(g * a) * (r * r));
          }
          break;
        case "pow":
          if (!live[j]) send(i, b === 0 ? 0 : g * (powScalar(lib, a, b - 1) * b));
          else if (!live[i]) send(j, g * (a === 0 && b >= 0 ? 0 : out * lib.clog(a))); // log of the base: a C double
          else {
            send(i, b === 0 ? 0 : g * (b * lib.pow(a, b - 1)));
            send(j, g * (a === 0 && b >= 0 ? 0 : out * lib.log(a)));
          }
          break;
        case "sin": send(i, g * lib.cos(a)); break;
        case "cos": send(i, g * -lib.sin(a)); break;
        case "tan": send(i, g * (out * out + 1)); break;
        case "exp": send(i, g * out); break;
        case "log": send(i, g / a); break;
        case "sqrt": send(i, g / (2 * out)); break;
        case "abs": send(i, g * (a > 0 ? 1 : a < 0 ? -1 : 0)); break;
        case "tanh": send(i, g * fma(-out, out, 1)); break;
        case "sigmoid": send(i, (g * (1 - out)) * out); break;
        case "relu": send(i, out <= 0 ? 0 : g); break;
        case "softplus": {
          const z = lib.cexp(a);
          send(i, a > 20 ? g : (g * z) / (z + 1));
          break;
        }
      }
    }
  }

  const xs = [], ys = [];
  op.forEach((name, k) => { if (name === "x") xs.push(k); if (name === "y") ys.push(k); });
  return {
    variables: usesY ? 2 : 1,
    value(x, y = 0, lib = DEFAULT_LIB) { return forward(lib, x, y); },
    // f at the point and its gradient (null when f does not depend on the point: torch leaves .grad None)
    evaluate(point, lib = DEFAULT_LIB) {
      const v = forward(lib, point[0], point.length > 1 ? point[1] : 0);
      if (!live[root]) return { value: v, grad: null };
      backward(lib);
      const gx = xs.length && has[xs[0]] ? grad[xs[0]] : 0, gy = ys.length && has[ys[0]] ? grad[ys[0]] : 0;
      return { value: v, grad: point.length > 1 ? [gx, gy] : [gx] };
    },
  };
}

// ---- fit a line: the mean squared error of w·x + b, as explorer.fitline.mse runs under autograd
function compileFit(x, y) {
  const n = x.length, r = new Float64Array(n), sq = new Float64Array(n), gr = new Float64Array(n), gx = new Float64Array(n);
  return {
    variables: 2,
    evaluate(point) {
      const [w, b] = point;
      for (let i = 0; i < n; i++) {
        r[i] = w * x[i] + b - y[i];
        sq[i] = r[i] * r[i];
      }
      const value = torchSum(sq) / n, g = 1 / n; // mean = sum, then divide; its backward spreads 1/n
      for (let i = 0; i < n; i++) {
        gr[i] = g * (r[i] * 2);
        gx[i] = gr[i] * x[i];
      }
      return { value, grad: [torchSum(gx), torchSum(gr)] };
    },
  };
}

// ---- torch.optim, single-tensor loops, one parameter tensor of 1 or 2 numbers
const OPTIMIZERS = { // explorer.descent.OPTIMIZERS: name -> torch class and our defaults
  sgd: ["sgd", {}], momentum: ["sgd", { momentum: 0.9 }], nesterov: ["sgd", { momentum: 0.9, nesterov: true }],
  rmsprop: ["rmsprop", {}], adagrad: ["adagrad", {}], adam: ["adam", {}],
};
const TORCH_DEFAULTS = {
  sgd: { momentum: 0, dampening: 0, weight_decay: 0, nesterov: false, maximize: false },
  rmsprop: { alpha: 0.99, eps: 1e-8, weight_decay: 0, momentum: 0, centered: false, maximize: false },
  adagrad: { lr_decay: 0, weight_decay: 0, initial_accumulator_value: 0, eps: 1e-10, maximize: false },
  adam: { betas: [0.9, 0.999], eps: 1e-8, weight_decay: 0, amsgrad: false, maximize: false },
};

function lerp(self, end, weight) { // torch.lerp's scalar kernel, with the compiler's fused multiply-adds
  const d = end - self;
  return Math.abs(weight) < 0.5 ? fma(weight, d, self) : fma(-d, 1 - weight, end);
}

function makeOptimizer(name, dim, lr, hyper = {}, lib = DEFAULT_LIB) {
  if (!(name in OPTIMIZERS)) throw new Error(`unknown optimizer '${name}' — choose one of ${Object.keys(OPTIMIZERS).join(", ")}`);
  const [kind, ours] = OPTIMIZERS[name];
  const unknown = Object.keys(hyper).filter((key) => !(key in TORCH_DEFAULTS[kind]));
  if (unknown.length) throw new Error(`${name} does not take ${unknown.sort().join(", ")}`);
  if (!(typeof lr === "number" && Number.isFinite(lr) && lr > 0)) throw new Error(`learning rate must be a positive number, got ${lr}`);
  const h = { ...TORCH_DEFAULTS[kind], ...ours, ...hyper };
  if (kind === "sgd" && h.nesterov && (h.momentum <= 0 || h.dampening !== 0))
    throw new Error(`${name}: Nesterov momentum requires a momentum and zero dampening`);
  const zeros = () => new Array(dim).fill(0);
  const state = { step: 0, buf: null, sq: zeros(), avg: zeros(), sum: new Array(dim).fill(h.initial_accumulator_value ?? 0),
    m: zeros(), v: zeros(), vmax: zeros() };
  const prepared = (p, grad, i) => { // maximize and (coupled) weight decay, as every torch loop starts
    const g = h.maximize ? -grad[i] : grad[i];
    return h.weight_decay !== 0 ? fma(h.weight_decay, p[i], g) : g;
  };
  const steps = {
    sgd(p, grad) {
      const first = state.buf === null;
      if (first && h.momentum !== 0) state.buf = zeros();
      return p.map((pi, i) => {
        let g = prepared(p, grad, i);
        if (h.momentum !== 0) {
          state.buf[i] = first ? g : fma(1 - h.dampening, g, state.buf[i] * h.momentum);
          g = h.nesterov ? fma(h.momentum, state.buf[i], g) : state.buf[i];
        }
        return fma(-lr, g, pi);
      });
    },
    rmsprop(p, grad) {
      state.step += 1;
      if (state.buf === null) state.buf = zeros();
      return p.map((pi, i) => {
        const g = prepared(p, grad, i), a = h.alpha;
        state.sq[i] = fma((1 - a) * g, g, state.sq[i] * a);
        let avg;
        if (h.centered) {
          state.avg[i] = lerp(state.avg[i], g, 1 - a);
          avg = lib.sqrt(fma(-1 * state.avg[i], state.avg[i], state.sq[i]));
        } else avg = lib.sqrt(state.sq[i]);
        avg = avg + h.eps;
        if (h.momentum > 0) {
          state.buf[i] = state.buf[i] * h.momentum + (1 * g) / avg;
          return fma(-lr, state.buf[i], pi);
        }
        return pi + (-lr * g) / avg;
      });
    },
    adagrad(p, grad) {
      state.step += 1;
      const clr = lr / (1 + (state.step - 1) * h.lr_decay);
      return p.map((pi, i) => {
        const g = prepared(p, grad, i);
        state.sum[i] = fma(1 * g, g, state.sum[i]);
        return pi + (-clr * g) / (lib.sqrt(state.sum[i]) + h.eps);
      });
    },
    adam(p, grad) {
      state.step += 1;
      const [b1, b2] = h.betas, t = state.step;
      const stepSize = lr / (1 - lib.pow(b1, t)), root2 = lib.pow(1 - lib.pow(b2, t), 0.5);
      return p.map((pi, i) => {
        const g = prepared(p, grad, i);
        state.m[i] = lerp(state.m[i], g, 1 - b1);
        state.v[i] = fma((1 - b2) * g, g, state.v[i] * b2);
        let second = state.v[i];
        if (h.amsgrad) second = state.vmax[i] = Math.max(state.vmax[i], state.v[i]);
        const denom = lib.sqrt(second) / root2 + h.eps;
        return pi + (-stepSize * state.m[i]) / denom;
      });
    },
  };
  return { step: steps[kind], settings: h };
}

// ---- the run: explorer.descent.descend's loop, stop rules and sentences
function trouble(point, loss, grad, bound) {
  if (!point.every((v) => Math.abs(v) <= bound)) return "running away";
  if (Number.isNaN(loss) || grad.some(Number.isNaN)) return "not defined (NaN)";
  if (grad.some((g) => !Number.isFinite(g))) return "infinitely steep";
  return Number.isFinite(loss) ? "" : "infinite";
}

function reason(why, k, losses) {
  if (why === "not defined (NaN)") return `left the function's domain: diverged at step ${k} (the value is not a number there)`;
  if (why === "infinitely steep") return `the slope became infinite: stopped at step ${k}`;
  if (losses[losses.length - 1] < losses[0] - 1e6 * (1 + Math.abs(losses[0])))
    return `the function has no minimum in this direction: diverged at step ${k}`;
  return `learning rate too large: diverged at step ${k}`;
}

// Run `steps` steps of `optimizer` on `fn` (compileExpression / compileFit) from `start`.
// Returns {points, losses, grads, diverged, divergedAt, reason, optimizer, lr} or {error: sentence}.
// `lib` replaces the elementary functions; `onStep(k)` is told each step as it starts (tests use both).
function descend(fn, start, optimizer, lr, steps, hyper = {}, { bound = BOUND, lib = DEFAULT_LIB, onStep = null } = {}) {
  if (!Array.isArray(start) || start.length < 1 || start.length > 2 || !start.every((v) => Math.abs(v) <= bound))
    return { error: `start must be one or two finite numbers within ±${pyFloat(bound)}, got ${start}` };
  if (fn.variables > start.length) return { error: "this formula uses x and y: the start needs two numbers" };
  if (!Number.isInteger(steps) || steps < 0 || steps > MAX_STEPS) return { error: `steps must be a whole number from 0 to ${MAX_STEPS}, got ${steps}` };
  let opt;
  try {
    opt = makeOptimizer(optimizer, start.length, lr, hyper, lib);
  } catch (err) {
    return { error: err.message };
  }
  const points = [], losses = [], grads = [];
  let p = start.slice(), divergedAt = null, why = "";
  for (let k = 0; k <= steps; k++) {
    if (onStep) onStep(k);
    const { value, grad } = fn.evaluate(p, lib);
    const g = grad || p.map(() => 0);
    const bad = trouble(p, value, g, bound);
    if (bad) {
      if (k === 0) return { error: `the function is ${bad} at the start (${p.map(pyFloat).join(", ")}${p.length === 1 ? "," : ""}): pick another start` };
      divergedAt = k;
      why = reason(bad, k, losses);
      break;
    }
    points.push(p);
    losses.push(value);
    grads.push(g);
    if (k < steps && grad) p = opt.step(p, grad); // no gradient (a constant f): torch skips the parameter
  }
  return { points, losses, grads, diverged: divergedAt !== null, divergedAt, reason: why, optimizer, lr, settings: opt.settings };
}

// explorer.fitline.train: `data` = {x: the neuron's inputs, y: °F, mean, std} (x = (C − mean) / std)
function trainFit(data, optimizer, lr, steps, hyper = {}, start = [0, 0], options = {}) {
  const { mean, std } = data;
  const run = descend(compileFit(data.x, data.y), [start[0] * std, start[1] + start[0] * mean], optimizer, lr, steps, hyper, options);
  if (run.error) return run;
  run.w = run.points.map((q) => q[0] / std); // Scaling.to_celsius
  run.b = run.points.map((q) => q[1] - (q[0] * mean) / std);
  return run;
}
