// Canvas drawing for the live latent map: axes, the coded digits, overlays, the star at z, the cursor.
// live_map.py joins this file with live_decoder.js and live_map.js into one ES module.
// `v` is the map's view: {box: plot rectangle in CSS px, zToPx, extent, sizes, palette, ink, font}.

function niceTicks(lo, hi, count) {
  const raw = (hi - lo) / Math.max(1, count), mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw);
  const ticks = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) ticks.push(+t.toFixed(10));
  return ticks;
}

const minus = (t) => String(t).replace("-", "\u2212");

function drawAxes(g, v, cssH) {
  const { box, sizes, ink } = v, [lo1, hi1, lo2, hi2] = v.extent;
  const line = (x0, y0, x1, y1) => { g.beginPath(); g.moveTo(x0, y0); g.lineTo(x1, y1); g.stroke(); };
  g.font = `${sizes.tick}px ${v.font}`;
  g.fillStyle = g.strokeStyle = ink;
  g.lineWidth = 1;
  for (const t of niceTicks(lo1, hi1, box.w / (sizes.tick * 3))) {
    const [x] = v.zToPx(t, lo2);
    g.globalAlpha = t === 0 ? 0.3 : 0.12; line(x, box.top, x, box.top + box.h); g.globalAlpha = 1;
    g.textAlign = "center"; g.textBaseline = "top";
    g.fillText(minus(t), x, box.top + box.h + 5);
  }
  for (const t of niceTicks(lo2, hi2, box.h / (sizes.tick * 2.2))) {
    const [, y] = v.zToPx(lo1, t);
    g.globalAlpha = t === 0 ? 0.3 : 0.12; line(box.left, y, box.left + box.w, y); g.globalAlpha = 1;
    g.textAlign = "right"; g.textBaseline = "middle";
    g.fillText(minus(t), box.left - 6, y);
  }
  g.globalAlpha = 0.4;
  g.strokeRect(box.left, box.top, box.w, box.h);
  g.globalAlpha = 1;
  g.font = `${sizes.font}px ${v.font}`;
  g.textAlign = "center"; g.textBaseline = "bottom";
  g.fillText("z\u2081", box.left + box.w / 2, cssH - 2);
  g.save();
  g.translate(sizes.font, box.top + box.h / 2);
  g.rotate(-Math.PI / 2);
  g.fillText("z\u2082", 0, 0);
  g.restore();
}

function clipToBox(g, box) {
  g.beginPath(); g.rect(box.left, box.top, box.w, box.h); g.clip();
}

function drawPoints(g, v, points, labels) {
  const { box } = v, r = (v.sizes.marker / 2) * Math.min(1, Math.max(0.55, box.w / 560)); // small map, small dots
  g.save();
  clipToBox(g, box);
  g.globalAlpha = 0.75;
  for (let i = 0; i < labels.length; i++) {
    const [x, y] = v.zToPx(points[2 * i], points[2 * i + 1]);
    g.fillStyle = v.palette[labels[i]];
    g.beginPath(); g.arc(x, y, r, 0, 2 * Math.PI); g.fill();
  }
  g.restore();
}

// each class's digit at the median of its codes: the map tells classes apart by more than colour
function drawClassLabels(g, v, points, labels) {
  const byClass = new Map();
  for (let i = 0; i < labels.length; i++) {
    if (!byClass.has(labels[i])) byClass.set(labels[i], [[], []]);
    byClass.get(labels[i])[0].push(points[2 * i]);
    byClass.get(labels[i])[1].push(points[2 * i + 1]);
  }
  const median = (xs) => { const s = xs.slice().sort((p, q) => p - q), m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
  const size = Math.round(v.sizes.font * 1.2);
  const near = [[0, 0], [0, 1], [0, -1], [1, 0], [-1, 0], [1, 1], [-1, 1], [1, -1], [-1, -1]];
  const free = (x, y) => placed.every(([, px, py]) => Math.abs(px - x) >= 0.8 * size || Math.abs(py - y) >= 0.9 * size);
  const placed = []; // where classes overlap, a label moves at most one label-width from its median
  for (const label of [...byClass.keys()].sort((p, q) => p - q)) {
    const [x, y] = v.zToPx(median(byClass.get(label)[0]), median(byClass.get(label)[1]));
    const [dx, dy] = near.find(([a, b]) => free(x + a * size * 0.8, y + b * size * 0.9)) || [0, 0];
    placed.push([label, x + dx * size * 0.8, y + dy * size * 0.9]);
  }
  const light = luminance(v.ink) > 0.5; // dark theme: light ink on a dark halo
  g.save();
  clipToBox(g, v.box);
  g.font = `bold ${size}px ${v.font}`;
  g.textAlign = "center";
  g.textBaseline = "middle";
  g.lineJoin = "round";
  g.lineWidth = 4;
  g.strokeStyle = light ? "#0E1117" : "#FFFFFF";
  g.fillStyle = v.ink;
  for (const [label, x, y] of placed) {
    g.strokeText(String(label), x, y);
    g.fillText(String(label), x, y);
  }
  g.restore();
}

// relative luminance of a CSS colour "#rrggbb" or "rgb(r, g, b)" (0 = black, 1 = white)
function luminance(colour) {
  const hex = colour.trim().match(/^#([0-9a-f]{6})$/i);
  const rgb = hex ? [0, 2, 4].map((k) => parseInt(hex[1].slice(k, k + 2), 16))
    : (colour.match(/\d+(\.\d+)?/g) || [0, 0, 0]).slice(0, 3).map(Number);
  return (0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2]) / 255;
}

// a five-pointed star of outer radius r: the map's marks for z (white) and a chosen digit's mu (its colour)
function drawStar(g, v, z, fill, r = v.sizes.marker * 1.5) {
  const [x, y] = v.zToPx(z[0], z[1]);
  g.beginPath();
  for (let k = 0; k < 10; k++) {
    const a = -Math.PI / 2 + (k * Math.PI) / 5, rk = k % 2 ? r * 0.45 : r;
    g.lineTo(x + rk * Math.cos(a), y + rk * Math.sin(a));
  }
  g.closePath();
  g.fillStyle = fill;
  g.fill();
  g.lineJoin = "round";
  g.lineWidth = Math.max(1.5, v.sizes.line * 0.8);
  g.strokeStyle = "#000";
  g.stroke();
}

// the straight path A -> B: a line, a white dot per decoded step, black ends labelled A and B
function drawPath(g, v, o) {
  const pts = [];
  for (let i = 0; i + 1 < o.points.length; i += 2) pts.push(v.zToPx(o.points[i], o.points[i + 1]));
  if (pts.length < 2) return;
  const { sizes } = v, color = o.color || "#000";
  g.strokeStyle = color;
  g.lineWidth = sizes.line;
  g.beginPath();
  pts.forEach(([x, y], i) => (i ? g.lineTo(x, y) : g.moveTo(x, y)));
  g.stroke();
  g.lineWidth = 2;
  for (const [x, y] of pts) {
    g.fillStyle = "#fff";
    g.beginPath(); g.arc(x, y, sizes.marker * 0.6, 0, 2 * Math.PI); g.fill(); g.stroke();
  }
  const ends = [pts[0], pts[pts.length - 1]], up = ends[1][1] <= ends[0][1]; // screen y grows downwards
  g.font = `bold ${sizes.font + 6}px ${v.font}`;
  g.textAlign = "center";
  (o.ends || ["A", "B"]).forEach((label, i) => {
    const [x, y] = ends[i];
    g.fillStyle = color;
    g.beginPath(); g.arc(x, y, sizes.marker, 0, 2 * Math.PI); g.fill();
    const below = (i === 0) === up; // labels go beyond the ends, never onto the path
    g.textBaseline = below ? "top" : "bottom";
    g.lineWidth = 4; g.strokeStyle = "#fff";
    g.strokeText(label, x, y + (below ? 1 : -1) * (sizes.marker + 2));
    g.fillText(label, x, y + (below ? 1 : -1) * (sizes.marker + 2));
  });
}

function drawOverlays(g, v, overlays) {
  g.save();
  clipToBox(g, v.box);
  for (const o of overlays || []) {
    if (o.kind === "path") drawPath(g, v, o);
    else if (o.kind === "point") drawStar(g, v, o.z, o.color || "#fff");
  }
  g.restore();
}

// the hovered z: a dashed crosshair across the plot and an open ring with a white halo
function drawCursor(g, v, z) {
  const { box } = v, [x, y] = v.zToPx(z[0], z[1]), r = v.sizes.marker * 0.8 + 6;
  g.save();
  g.strokeStyle = v.ink; g.globalAlpha = 0.45; g.lineWidth = 1; g.setLineDash([4, 4]);
  g.beginPath(); g.moveTo(box.left, y); g.lineTo(box.left + box.w, y);
  g.moveTo(x, box.top); g.lineTo(x, box.top + box.h); g.stroke();
  g.restore();
  g.lineWidth = Math.max(2, v.sizes.line * 0.8);
  g.strokeStyle = "#fff";
  g.beginPath(); g.arc(x, y, r + 1.5, 0, 2 * Math.PI); g.stroke();
  g.strokeStyle = v.ink;
  g.beginPath(); g.arc(x, y, r, 0, 2 * Math.PI); g.stroke();
}
