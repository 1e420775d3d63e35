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
