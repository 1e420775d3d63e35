// Canvas drawing for the live descent widget: axes with nice ticks, lines, markers, the loss chart
// and the banded contour picture (explorer/figures/maps.py's map_png, for the fit's loss over (w, b)).
// live_descent.py joins this file with the engine, the text and mode files and live_descent.js.
// A `plot` is {box: {left, top, w, h} in CSS px, x: [lo, hi], y: [lo, hi], logY}; `look` is
// {sizes, ink, font}: classroom sizes, the theme's text colour and font.

function niceTicks(lo, hi, count) {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / Math.max(1, count), mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw);
  const ticks = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) ticks.push(+t.toPrecision(12));
  return ticks;
}

function logTicks(lo, hi) { // whole decades; 1-2-5 within each when the axis spans fewer than three
  const e0 = Math.floor(Math.log10(lo)), e1 = Math.ceil(Math.log10(hi)), every = Math.max(1, Math.ceil((e1 - e0) / 5));
  const ticks = [];
  for (let e = e0; e <= e1; e += every) for (const m of e1 - e0 < 3 ? [1, 2, 5] : [1]) ticks.push(+(m * 10 ** e).toPrecision(6));
  return ticks.filter((t) => t >= lo && t <= hi);
}

function tickText(t) {
  const a = Math.abs(t);
  const text = a !== 0 && (a >= 1e5 || a < 1e-3) ? t.toExponential(0) : String(+t.toPrecision(6));
  return text.replace("-", "\u2212");
}

const px = (plot, x) => plot.box.left + ((x - plot.x[0]) / (plot.x[1] - plot.x[0])) * plot.box.w;
const py = (plot, y) => {
  const [lo, hi] = plot.logY ? [Math.log10(plot.y[0]), Math.log10(plot.y[1])] : plot.y;
  const v = plot.logY ? Math.log10(y) : y;
  return plot.box.top + ((hi - v) / (hi - lo)) * plot.box.h;
};
const fromPx = (plot, x, y) => [
  plot.x[0] + ((x - plot.box.left) / plot.box.w) * (plot.x[1] - plot.x[0]),
  plot.y[1] - ((y - plot.box.top) / plot.box.h) * (plot.y[1] - plot.y[0]),
];

function drawAxes(g, plot, look, { xLabel = "", yLabel = "", grid = true, wholeX = false } = {}) {
  const { box } = plot, { sizes, ink, font } = look;
  const line = (x0, y0, x1, y1) => { g.beginPath(); g.moveTo(x0, y0); g.lineTo(x1, y1); g.stroke(); };
  g.save();
  g.font = `${sizes.tick}px ${font}`;
  g.fillStyle = g.strokeStyle = ink;
  g.lineWidth = 1;
  for (const t of niceTicks(plot.x[0], plot.x[1], box.w / (sizes.tick * 3.6)).filter((v) => !wholeX || Number.isInteger(v))) {
    const x = px(plot, t);
    if (grid) { g.globalAlpha = 0.12; line(x, box.top, x, box.top + box.h); }
    g.globalAlpha = 1;
    g.textAlign = "center"; g.textBaseline = "top";
    g.fillText(tickText(t), x, box.top + box.h + 4);
  }
  const yTicks = plot.logY ? logTicks(plot.y[0], plot.y[1]) : niceTicks(plot.y[0], plot.y[1], box.h / (sizes.tick * 1.9));
  for (const t of yTicks) {
    const y = py(plot, t);
    if (grid) { g.globalAlpha = 0.12; line(box.left, y, box.left + box.w, y); }
    g.globalAlpha = 1;
    g.textAlign = "right"; g.textBaseline = "middle";
    g.fillText(tickText(t), box.left - 6, y);
  }
  g.globalAlpha = 0.45;
  g.strokeRect(box.left, box.top, box.w, box.h);
  g.globalAlpha = 1;
  g.font = `${sizes.font}px ${font}`;
  if (xLabel) {
    g.textAlign = "center"; g.textBaseline = "top";
    g.fillText(xLabel, box.left + box.w / 2, box.top + box.h + sizes.tick * 1.5);
  }
  if (yLabel) {
    g.translate(box.left - sizes.tick * 3.4, box.top + box.h / 2);
    g.rotate(-Math.PI / 2);
    g.textAlign = "center"; g.textBaseline = "bottom";
    g.fillText(yLabel, 0, 0);
  }
  g.restore();
}

function clipTo(g, plot) {
  g.beginPath();
  g.rect(plot.box.left, plot.box.top, plot.box.w, plot.box.h);
  g.clip();
}

function polyline(g, plot, xs, ys, colour, width, dash = []) {
  g.strokeStyle = colour;
  g.lineWidth = width;
  g.lineJoin = g.lineCap = "round";
  g.setLineDash(dash);
  g.beginPath();
  let pen = false;
  for (let i = 0; i < xs.length; i++) {
    const ok = ys[i] !== null && Number.isFinite(ys[i]) && (!plot.logY || ys[i] > 0);
    if (!ok) { pen = false; continue; }
    const x = px(plot, xs[i]), y = Math.max(-1e5, Math.min(1e5, py(plot, ys[i])));
    if (pen) g.lineTo(x, y); else g.moveTo(x, y);
    pen = true;
  }
  g.stroke();
  g.setLineDash([]);
}

function dots(g, plot, xs, ys, colour, radius, every = 1) {
  g.fillStyle = colour;
  for (let i = 0; i < xs.length; i += every) {
    g.beginPath();
    g.arc(px(plot, xs[i]), py(plot, ys[i]), radius, 0, 2 * Math.PI);
    g.fill();
  }
}

function marker(g, x, y, shape, size, fill, stroke = "#000", strokeWidth = 1.5) {
  g.save();
  g.fillStyle = fill;
  g.strokeStyle = stroke;
  g.lineWidth = strokeWidth;
  g.beginPath();
  if (shape === "star") {
    for (let i = 0; i < 10; i++) {
      const r = i % 2 ? size * 0.42 : size, a = -Math.PI / 2 + (i * Math.PI) / 5;
      g.lineTo(x + r * Math.cos(a), y + r * Math.sin(a));
    }
    g.closePath();
    g.fill();
    g.stroke();
  } else if (shape === "cross") {
    for (const [w, c] of [[strokeWidth + size * 0.5, stroke], [size * 0.38, fill]]) {
      g.strokeStyle = c;
      g.lineWidth = w;
      g.lineCap = "round";
      g.beginPath();
      g.moveTo(x - size * 0.7, y - size * 0.7); g.lineTo(x + size * 0.7, y + size * 0.7);
      g.moveTo(x - size * 0.7, y + size * 0.7); g.lineTo(x + size * 0.7, y - size * 0.7);
      g.stroke();
    }
  } else {
    g.arc(x, y, size, 0, 2 * Math.PI);
    g.fill();
    g.stroke();
  }
  g.restore();
}

function text(g, look, s, x, y, { colour = look.ink, align = "left", base = "top", size = look.sizes.font, halo = true } = {}) {
  g.save();
  g.font = `${size}px ${look.font}`;
  g.textAlign = align;
  g.textBaseline = base;
  if (halo) { // a pale outline keeps text readable over lines and the contour picture
    g.strokeStyle = "rgba(255,255,255,0.85)";
    g.lineWidth = Math.max(3, size / 5);
    g.lineJoin = "round";
    g.strokeText(s, x, y);
  }
  g.fillStyle = colour;
  g.fillText(s, x, y);
  g.restore();
}

// The loss per step of each run ({losses, colour}); log-y when positive and spanning > 100×
// (figures/descent.py's loss_axis); a dot on each run at step k.
function drawLossChart(g, box, runs, k, look, title = "loss") {
  const all = runs.flatMap((r) => r.losses).filter(Number.isFinite);
  if (!all.length) return;
  const lo = Math.min(...all), hi = Math.max(...all), logY = lo > 0 && hi / lo > 100;
  const span = hi - lo || Math.abs(hi) || 1;
  const y = logY ? [lo / 1.6, hi * 1.6] : [lo - 0.06 * span, hi + 0.06 * span];
  const steps = Math.max(1, ...runs.map((r) => r.losses.length - 1));
  const plot = { box, x: [-0.5, steps + 0.5], y, logY };
  drawAxes(g, plot, look, { xLabel: "step k", yLabel: logY ? `${title} (log)` : title, wholeX: true });
  g.save();
  clipTo(g, plot);
  for (const r of runs) {
    polyline(g, plot, r.losses.map((_, i) => i), r.losses, r.colour, look.sizes.line);
    const at = Math.min(k, r.losses.length - 1);
    if (at >= 0) marker(g, px(plot, at), py(plot, r.losses[at]), "circle", look.sizes.marker * 0.8, r.colour, "#fff", 2);
  }
  g.restore();
}

// ---- the banded contour picture (maps.py): bands of log(1 + f − min) or √(f − min), darker edges
const LIGHT = [255, 255, 255], DARK = [90, 107, 123], LEVELS = 24, LINE_SHADE = 0.72;

function quantile(sorted, q) {
  const pos = (sorted.length - 1) * q, i = Math.floor(pos);
  return i + 1 < sorted.length ? sorted[i] + (pos - i) * (sorted[i + 1] - sorted[i]) : sorted[i];
}

// values: (n × n) row-major, row 0 at the lowest y -> an n × n canvas, row 0 at the top
// The lowest finite value, and whether a few walls would flatten the rest (the 99th percentile more than ten times
// as far above the lowest as the median is): then a picture shades by log(1 + v − lo)
function wallScale(values) {
  const finite = Float64Array.from(values.filter(Number.isFinite)).sort();
  const lo = finite[0], median = quantile(finite, 0.5), top = quantile(finite, 0.99);
  return { lo, logged: top - lo > 10 * (median - lo) };
}

function bandedPicture(values, n) {
  const { lo, logged } = wallScale(values);
  const shade = values.map((v) => (logged ? Math.log1p(v - lo) : Math.sqrt(Math.max(v - lo, 0))));
  let sLo = Infinity, sHi = -Infinity;
  for (const s of shade) if (Number.isFinite(s)) { sLo = Math.min(sLo, s); sHi = Math.max(sHi, s); }
  const band = new Int32Array(n * n);
  shade.forEach((s, i) => {
    const t = Number.isFinite(s) ? (s - sLo) / (sHi - sLo || 1) : 1;
    band[i] = Math.min(Math.floor(t * LEVELS), LEVELS - 1);
  });
  const canvas = document.createElement("canvas");
  canvas.width = canvas.height = n;
  const g = canvas.getContext("2d"), image = g.createImageData(n, n);
  for (let row = 0; row < n; row++) {
    for (let col = 0; col < n; col++) {
      const i = row * n + col, b = band[i], mid = (b + 0.5) / LEVELS;
      const edge = (row + 1 < n && band[i + n] !== b) || (col + 1 < n && band[i + 1] !== b);
      const at = 4 * ((n - 1 - row) * n + col);
      for (let c = 0; c < 3; c++) image.data[at + c] = Math.round(((1 - mid) * LIGHT[c] + mid * DARK[c]) * (edge ? LINE_SHADE : 1));
      image.data[at + 3] = 255;
    }
  }
  g.putImageData(image, 0, 0);
  return canvas;
}

function drawColourBar(g, box, ticks, look) { // ticks: [fraction 0..1 from the lowest, label]
  const grad = g.createLinearGradient(0, box.top + box.h, 0, box.top);
  grad.addColorStop(0, `rgb(${LIGHT})`);
  grad.addColorStop(1, `rgb(${DARK})`);
  g.save();
  g.fillStyle = grad;
  g.fillRect(box.left, box.top, box.w, box.h);
  g.strokeStyle = look.ink;
  g.globalAlpha = 0.5;
  g.strokeRect(box.left, box.top, box.w, box.h);
  g.globalAlpha = 1;
  for (const [frac, label] of ticks) {
    const y = box.top + box.h * (1 - frac);
    text(g, look, label, box.left + box.w + 5, y, { base: "middle", size: look.sizes.tick, halo: false });
  }
  g.restore();
}
