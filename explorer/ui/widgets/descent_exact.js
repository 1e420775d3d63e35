// Exact float64 helpers for the descent engine (descent_engine.js): the fused multiply-add torch's
// compiled kernels use, torch.sum's order of adding, and Python's repr of a float for messages.
// Plain top-level functions; live_descent.py joins this file before descent_engine.js.

// ---- exact fused multiply-add: RN(a·b + c) with one rounding (Boldo & Melquiond, rounding to odd)
const SPLIT = 134217729; // 2^27 + 1, Dekker's splitter
const BITS = new Float64Array(1), WORDS = new Uint32Array(BITS.buffer); // WORDS[0]: low word (little-endian)

function productError(a, b, p) { // a·b − p exactly, for p = RN(a·b)
  let t = SPLIT * a;
  const ah = t - (t - a), al = a - ah;
  t = SPLIT * b;
  const bh = t - (t - b), bl = b - bh;
  return ((ah * bh - p) + ah * bl + al * bh) + al * bl;
}

function addRoundOdd(a, b) { // a + b rounded to odd: an inexact sum keeps an odd last bit
  const s = a + b, bb = s - a, e = (a - (s - bb)) + (b - bb);
  if (e === 0 || !Number.isFinite(s)) return s;
  BITS[0] = s;
  if (WORDS[0] & 1) return s;
  if ((e > 0) === (s > 0)) WORDS[0] += 1; // one ulp away from zero (even + 1 cannot carry)
  else if (WORDS[0] === 0) { WORDS[0] = 0xffffffff; WORDS[1] -= 1; } else WORDS[0] -= 1;
  return BITS[0];
}

function fma(a, b, c) {
  const ph = a * b;
  if (ph === 0 || !Number.isFinite(ph) || !Number.isFinite(c)) return ph + c;
  const pl = productError(a, b, ph);
  const th = c + ph, bb = th - c, tl = (c - (th - bb)) + (ph - bb);
  return Number.isFinite(th) ? th + addRoundOdd(tl, pl) : th;
}

// ---- torch.sum of a contiguous float64 vector on x86 (SumKernel.cpp's cascade_sum, 4 lanes)
const LANES = 4; // Vectorized<double>::size() of the AVX2 kernel, which also serves AVX-512 CPUs

function multiRowSum(xs, lanes, nrows, size) { // acc[level][k]: lane vectors; row i, column k is vector i·nrows + k
  let log2 = 1;
  while (2 ** log2 < size) log2++; // c10's CeilLog2 (1 for sizes up to 2)
  const levels = 4, power = Math.max(4, Math.floor(log2 / levels));
  const step = 2 ** power, mask = step - 1;
  const acc = Array.from({ length: levels }, () => Array.from({ length: nrows }, () => new Float64Array(lanes)));
  const load = (target, i, k) => {
    const at = (i * nrows + k) * lanes;
    for (let l = 0; l < lanes; l++) target[l] += xs[at + l];
  };
  let i = 0;
  while (i + step <= size) {
    for (let j = 0; j < step; j++, i++) for (let k = 0; k < nrows; k++) load(acc[0][k], i, k);
    for (let j = 1; j < levels; j++) {
      for (let k = 0; k < nrows; k++) {
        for (let l = 0; l < lanes; l++) acc[j][k][l] += acc[j - 1][k][l];
        acc[j - 1][k].fill(0);
      }
      if ((i & (mask * 2 ** (j * power))) !== 0) break;
    }
  }
  for (; i < size; i++) for (let k = 0; k < nrows; k++) load(acc[0][k], i, k);
  for (let j = 1; j < levels; j++) for (let k = 0; k < nrows; k++) for (let l = 0; l < lanes; l++) acc[0][k][l] += acc[j][k][l];
  return acc[0];
}

function rowSum(xs, lanes, size) {
  const ilp = 4, rows = Math.floor(size / ilp), partial = multiRowSum(xs, lanes, ilp, rows);
  for (let i = rows * ilp; i < size; i++) for (let l = 0; l < lanes; l++) partial[0][l] += xs[i * lanes + l];
  for (let k = 1; k < ilp; k++) for (let l = 0; l < lanes; l++) partial[0][l] += partial[k][l];
  return partial[0];
}

function torchSum(xs) {
  const n = xs.length;
  if (n < LANES) return 0 + rowSum(xs, 1, n)[0];
  const vectors = Math.floor(n / LANES), lanes = rowSum(xs, LANES, vectors);
  let total = 0;
  for (let k = vectors * LANES; k < n; k++) total += xs[k];
  for (let l = 0; l < LANES; l++) total += lanes[l];
  return 0 + total;
}

// ---- Python's repr of a float, for messages that must read the same on both sides
function pyFloat(v) {
  if (Number.isNaN(v)) return "nan";
  if (!Number.isFinite(v)) return v > 0 ? "inf" : "-inf";
  if (v === 0) return Object.is(v, -0) ? "-0.0" : "0.0";
  const [mant, exp] = v.toExponential().split("e"), e = Number(exp); // both sides print the shortest exact digits
  if (e < -4 || e >= 16) return `${mant}e${e < 0 ? "-" : "+"}${String(Math.abs(e)).padStart(2, "0")}`;
  const s = String(v); // plain digits from 1e-6 up in JS, so here too
  return s.includes(".") ? s : `${s}.0`;
}

