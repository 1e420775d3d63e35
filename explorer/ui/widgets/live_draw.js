// Canvas drawing for the live latent map: axes, the coded digits, the picked pin, the cursor.
// live_map.py joins this file with live_decoder.js and live_map.js into one ES module.
// `v` is the map's view: {box: plot rectangle in CSS px, zToPx, extent, sizes, palette, ink, font}.

function niceTicks(lo, hi, count) {
  const raw = (hi - lo) / Math.max(1, count), mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw);
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
  for (const t of niceTicks(lo1, hi1, box.w / (sizes.tick * 5))) {
    const [x] = v.zToPx(t, lo2);
    g.globalAlpha = 0.12; line(x, box.top, x, box.top + box.h); g.globalAlpha = 1;
    g.textAlign = "center"; g.textBaseline = "top";
    g.fillText(minus(t), x, box.top + box.h + 5);
  }
  for (const t of niceTicks(lo2, hi2, box.h / (sizes.tick * 3))) {
    const [, y] = v.zToPx(lo1, t);
    g.globalAlpha = 0.12; line(box.left, y, box.left + box.w, y); g.globalAlpha = 1;
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
  g.translate(sizes.font + 2, box.top + box.h / 2);
  g.rotate(-Math.PI / 2);
  g.fillText("z\u2082", 0, 0);
  g.restore();
}

function drawPoints(g, v, points, labels) {
  const { box } = v, r = (v.sizes.marker / 2) * Math.min(1, Math.max(0.55, box.w / 560)); // small map, small dots
  g.save();
  g.beginPath(); g.rect(box.left, box.top, box.w, box.h); g.clip();
  g.globalAlpha = 0.75;
  for (let i = 0; i < labels.length; i++) {
    const [x, y] = v.zToPx(points[2 * i], points[2 * i + 1]);
    g.fillStyle = v.palette[labels[i]];
    g.beginPath(); g.arc(x, y, r, 0, 2 * Math.PI); g.fill();
  }
  g.restore();
}

// the picked z: a white disc with a black ring and centre, visible on every dot colour
function drawPin(g, v, z) {
  const [x, y] = v.zToPx(z[0], z[1]), r = v.sizes.marker * 0.8 + 4;
  g.lineWidth = Math.max(2, v.sizes.line * 0.8);
  g.strokeStyle = "#000";
  g.fillStyle = "#fff";
  g.beginPath(); g.arc(x, y, r, 0, 2 * Math.PI); g.fill(); g.stroke();
  g.fillStyle = "#000";
  g.beginPath(); g.arc(x, y, r * 0.35, 0, 2 * Math.PI); g.fill();
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
