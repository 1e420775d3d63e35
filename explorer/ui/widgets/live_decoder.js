// The VAE decoder in the browser: runs explorer.decoder_export's layer list, z -> 28x28 image.
// live_map.py joins this file with live_draw.js and live_map.js into one ES module.
// Conv activations are kept channel-last (H, W, C) so every innermost loop walks contiguous memory.

function halfToFloat(h) {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) return s * m * 2 ** -24;
  if (e === 31) return m ? NaN : s * Infinity;
  return s * (1 + m / 1024) * 2 ** (e - 15);
}

function tensorData(t) {
  const bin = atob(t.data);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  if (t.dtype === "float32") return new Float32Array(bytes.buffer);
  const half = new Uint16Array(bytes.buffer);
  return Float32Array.from(half, halfToFloat);
}

function linearOp(l, shape) {
  if (shape.kind !== "vec" || shape.n !== l.in) throw new Error("linear: input size mismatch");
  const w = tensorData(l.weight), b = tensorData(l.bias), n = l.in, m = l.out;
  const wt = new Float32Array(n * m); // (in, out): skip a whole row when the input is 0 after ReLU
  for (let o = 0; o < m; o++) for (let i = 0; i < n; i++) wt[i * m + o] = w[o * n + i];
  const y = new Float32Array(m);
  const run = (x) => {
    y.set(b);
    for (let i = 0; i < n; i++) {
      const xi = x[i];
      if (xi === 0) continue;
      const base = i * m;
      for (let o = 0; o < m; o++) y[o] += xi * wt[base + o];
    }
    return y;
  };
  return [run, { kind: "vec", n: m }];
}

function unflattenOp(l, shape) {
  const [c, h, w] = l.shape;
  if (shape.kind !== "vec" || shape.n !== c * h * w) throw new Error("unflatten: size mismatch");
  const y = new Float32Array(c * h * w);
  const run = (x) => {
    for (let k = 0; k < c; k++) for (let p = 0; p < h * w; p++) y[p * c + k] = x[k * h * w + p];
    return y;
  };
  return [run, { kind: "hwc", h, w, c }];
}

function convTransposeOp(l, shape) {
  const { in: ci, out: co, kernel: k, stride: s, padding: p } = l;
  if (shape.kind !== "hwc" || shape.c !== ci) throw new Error("conv_transpose2d: input mismatch");
  const { h, w } = shape, ho = (h - 1) * s - 2 * p + k + l.output_padding, wo = (w - 1) * s - 2 * p + k + l.output_padding;
  const wsrc = tensorData(l.weight), b = tensorData(l.bias); // torch layout (Cin, Cout, K, K)
  const wr = new Float32Array(wsrc.length); // (Cin, K, K, Cout)
  for (let a = 0; a < ci; a++) for (let o = 0; o < co; o++) for (let q = 0; q < k * k; q++)
    wr[(a * k * k + q) * co + o] = wsrc[(a * co + o) * k * k + q];
  const y = new Float32Array(ho * wo * co);
  const run = (x) => {
    for (let q = 0; q < ho * wo; q++) y.set(b, q * co);
    for (let iy = 0; iy < h; iy++) for (let ix = 0; ix < w; ix++) {
      const xb = (iy * w + ix) * ci;
      for (let ky = 0; ky < k; ky++) {
        const oy = iy * s - p + ky;
        if (oy < 0 || oy >= ho) continue;
        for (let kx = 0; kx < k; kx++) {
          const ox = ix * s - p + kx;
          if (ox < 0 || ox >= wo) continue;
          const yb = (oy * wo + ox) * co;
          for (let a = 0; a < ci; a++) {
            const v = x[xb + a];
            if (v === 0) continue;
            const wb = ((a * k + ky) * k + kx) * co;
            for (let o = 0; o < co; o++) y[yb + o] += v * wr[wb + o];
          }
        }
      }
    }
    return y;
  };
  return [run, { kind: "hwc", h: ho, w: wo, c: co }];
}

function convOp(l, shape) {
  const { in: ci, out: co, kernel: k, stride: s, padding: p } = l;
  if (shape.kind !== "hwc" || shape.c !== ci) throw new Error("conv2d: input mismatch");
  const { h, w } = shape, ho = Math.floor((h + 2 * p - k) / s) + 1, wo = Math.floor((w + 2 * p - k) / s) + 1;
  const wsrc = tensorData(l.weight), b = tensorData(l.bias); // torch layout (Cout, Cin, K, K)
  const wr = new Float32Array(wsrc.length); // (Cout, K, K, Cin)
  for (let o = 0; o < co; o++) for (let a = 0; a < ci; a++) for (let q = 0; q < k * k; q++)
    wr[(o * k * k + q) * ci + a] = wsrc[(o * ci + a) * k * k + q];
  const y = new Float32Array(ho * wo * co);
  const run = (x) => {
    for (let oy = 0; oy < ho; oy++) for (let ox = 0; ox < wo; ox++) for (let o = 0; o < co; o++) {
      let acc = b[o];
      for (let ky = 0; ky < k; ky++) {
        const iy = oy * s - p + ky;
        if (iy < 0 || iy >= h) continue;
        for (let kx = 0; kx < k; kx++) {
          const ix = ox * s - p + kx;
          if (ix < 0 || ix >= w) continue;
          const xb = (iy * w + ix) * ci, wb = ((o * k + ky) * k + kx) * ci;
          for (let a = 0; a < ci; a++) acc += x[xb + a] * wr[wb + a];
        }
      }
      y[(oy * wo + ox) * co + o] = acc;
    }
    return y;
  };
  return [run, { kind: "hwc", h: ho, w: wo, c: co }];
}

function pointwiseOp(f) {
  return (l, shape) => [(x) => { for (let i = 0; i < x.length; i++) x[i] = f(x[i], l); return x; }, shape];
}

const OPS = {
  linear: linearOp,
  unflatten: unflattenOp,
  conv_transpose2d: convTransposeOp,
  conv2d: convOp,
  relu: pointwiseOp((v) => (v > 0 ? v : 0)),
  leaky_relu: pointwiseOp((v, l) => (v > 0 ? v : l.slope * v)),
  sigmoid: pointwiseOp((v) => 1 / (1 + Math.exp(-v))),
  tanh: pointwiseOp((v) => Math.tanh(v)),
};

/** Build a decoder from the export: `decodeInto(z, out)` fills out (H*W) with pixels in [0, 1]. */
function compileDecoder(spec) {
  let shape = { kind: "vec", n: spec.latent };
  const runs = spec.layers.map((l) => {
    if (!OPS[l.type]) throw new Error(`decoder layer ${l.type} is not implemented`);
    const [run, next] = OPS[l.type](l, shape);
    shape = next;
    return run;
  });
  if (shape.kind !== "hwc" || shape.c !== 1) throw new Error("decoder must end in one image channel");
  const input = new Float32Array(spec.latent), logits = spec.output === "logits";
  const decodeInto = (z, out) => {
    input.set(z);
    let x = input;
    for (const run of runs) x = run(x);
    for (let i = 0; i < out.length; i++) out[i] = logits ? 1 / (1 + Math.exp(-x[i])) : x[i];
    return out;
  };
  return { id: spec.id, height: shape.h, width: shape.w, decodeInto };
}
