// Descent on surfaces' landscape in 3-D, drawn in the browser from the runs the map shows: the surface sampled
// from the formula, coloured and raised by explorer/figures/descent.py's heights(), each racer's path lying on it
// (lift()), turned by dragging it or by its Turn and Tilt sliders. Drawn back to front (the painter's algorithm):
// each cell of the grid and each step of a path is one piece, sorted by its distance from the eye; a path's pieces
// count as a little nearer than the skin they lie on, so a hill in front hides them and the skin under them does not.

// plotly.colors.sequential.Viridis, the colour scale of the Plotly surface this view replaced (a test holds them equal)
const VIRIDIS = ["#440154", "#482878", "#3e4989", "#31688e", "#26828e", "#1f9e89", "#35b779", "#6ece58", "#b5de2b", "#fde725"];
const GRID_3D = 48; // cells a side: fine enough for a bowl or a valley, few enough to sort every frame
const Z_ASPECT = 0.6; // the box is 0.6 as tall as it is wide (the Plotly view's aspect ratio)
const SUN = (() => { const v = [0.35, -0.45, 0.82], n = Math.hypot(...v); return v.map((c) => c / n); })();
const PATH_NEARER = 0.05, MARK_NEARER = 0.09; // how much nearer the eye a path and a marker count than the skin
const VIEW_3D = new Map(); // widget target -> {open, turn, tilt}: a widget built anew keeps its view

function heights(zs) { // figures/descent.py's heights(): log(1 + f − min) when a few walls would flatten the rest
  const { lo, logged } = wallScale(zs); // the samples' gaps are NaN, never ±∞
  return { shade: logged ? zs.map((z) => Math.log1p(z - lo)) : zs.slice(), logged, lo };
}

function lift(values, lo, logged) { // figures/descent.py's lift(): a path's losses on the heights' scale
  return values.map((v) => (logged ? Math.log1p(Math.max(v - lo, 0)) : v));
}

function sampleSurface(fn, domain, n) { // f at n × n points over the domain, row-major, row 0 at the lowest y
  const [[x0, x1], [y0, y1]] = domain, zs = new Array(n * n);
  for (let row = 0; row < n; row++) {
    const y = y0 + ((y1 - y0) * row) / (n - 1);
    for (let col = 0; col < n; col++) {
      const z = fn.value(x0 + ((x1 - x0) * col) / (n - 1), y);
      zs[row * n + col] = Number.isFinite(z) ? z : NaN; // the grid's own rule: undefined and infinite are gaps
    }
  }
  return zs;
}

function camera(turnDeg, tiltDeg) { // the eye's direction d, and the screen's right r and up u, in the box's axes
  const t = (turnDeg * Math.PI) / 180, e = (tiltDeg * Math.PI) / 180;
  return { d: [Math.cos(e) * Math.cos(t), Math.cos(e) * Math.sin(t), Math.sin(e)], r: [-Math.sin(t), Math.cos(t), 0],
    u: [-Math.sin(e) * Math.cos(t), -Math.sin(e) * Math.sin(t), Math.cos(e)] };
}

const dot3 = (a, b) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];

function viridis(t) {
  const pos = Math.min(Math.max(t, 0), 1) * (VIRIDIS.length - 1), i = Math.min(Math.floor(pos), VIRIDIS.length - 2);
  const hex = (s) => [1, 3, 5].map((j) => parseInt(s.slice(j, j + 2), 16));
  const a = hex(VIRIDIS[i]), b = hex(VIRIDIS[i + 1]), f = pos - i;
  return a.map((c, j) => c + (b[j] - c) * f);
}

// The landscape in the box's coordinates: x and y over [−1, 1], height over [−Z_ASPECT, Z_ASPECT].
function buildLandscape(fn, domain, n = GRID_3D) {
  const zs = sampleSurface(fn, domain, n), { shade, logged, lo } = heights(zs);
  let sMin = Infinity, sMax = -Infinity;
  for (const s of shade) if (Number.isFinite(s)) { sMin = Math.min(sMin, s); sMax = Math.max(sMax, s); }
  const [[x0, x1], [y0, y1]] = domain, range = sMax - sMin || 1;
  const toBox = (x, y, s) => [(2 * (x - x0)) / (x1 - x0) - 1, (2 * (y - y0)) / (y1 - y0) - 1,
    Z_ASPECT * ((2 * (s - sMin)) / range - 1)];
  const points = [];
  for (let row = 0; row < n; row++) {
    for (let col = 0; col < n; col++) points.push(toBox(x0 + ((x1 - x0) * col) / (n - 1), y0 + ((y1 - y0) * row) / (n - 1), shade[row * n + col]));
  }
  const cells = [];
  for (let row = 0; row + 1 < n; row++) {
    for (let col = 0; col + 1 < n; col++) {
      const corners = [row * n + col, row * n + col + 1, (row + 1) * n + col + 1, (row + 1) * n + col];
      if (corners.some((i) => !Number.isFinite(shade[i]))) continue; // a gap where f is undefined
      const [a, b, c, d] = corners.map((i) => points[i]);
      const u = [c[0] - a[0], c[1] - a[1], c[2] - a[2]], v = [d[0] - b[0], d[1] - b[1], d[2] - b[2]]; // the diagonals
      const normal = [u[1] * v[2] - u[2] * v[1], u[2] * v[0] - u[0] * v[2], u[0] * v[1] - u[1] * v[0]];
      const light = 0.62 + 0.38 * Math.abs(dot3(normal, SUN)) / (Math.hypot(...normal) || 1);
      const mean = corners.reduce((sum, i) => sum + shade[i], 0) / 4;
      const rgb = viridis((mean - sMin) / range).map((ch) => Math.round(ch * light));
      cells.push({ corners, centre: [(a[0] + c[0]) / 2, (a[1] + c[1]) / 2, (a[2] + b[2] + c[2] + d[2]) / 4], fill: `rgb(${rgb})` });
    }
  }
  const above = 0.01 * range; // a path sits just above the skin (as the Plotly view's did)
  const onBox = (x, y, loss) => { // a point of a run, or null off the map (a runaway leaves the picture)
    if (!(x >= x0 && x <= x1 && y >= y0 && y <= y1) || !Number.isFinite(loss)) return null;
    const p = toBox(x, y, lift([loss], lo, logged)[0] + above);
    p[2] = Math.min(p[2], Z_ASPECT * 1.15);
    return p;
  };
  return { n, points, cells, logged, lo, onBox, value: (x, y) => fn.value(x, y) };
}

function projector(box, turn, tilt) { // box coordinates -> [screen x, screen y, nearness]
  const cam = camera(turn, tilt), e = (tilt * Math.PI) / 180;
  const halfW = Math.SQRT2, halfH = Math.SQRT2 * Math.sin(e) + Z_ASPECT * Math.cos(e); // the box's reach at any turn
  const s = Math.min(box.w / 2 / halfW, box.h / 2 / halfH), cx = box.left + box.w / 2, cy = box.top + box.h / 2;
  return (p) => [cx + s * dot3(p, cam.r), cy - s * dot3(p, cam.u), dot3(p, cam.d)];
}

function drawLandscape(g, box, land, runs, k, view, look, data) {
  const S = look.sizes, at = projector(box, view.turn, view.tilt), seen = land.points.map(at), eye = camera(view.turn, view.tilt).d;
  const pieces = land.cells.map((c) => ({ near: dot3(c.centre, eye), cell: c }));
  runs.forEach((r) => {
    if (r.run.error) return;
    const pts = r.run.points.map((p, i) => land.onBox(p[0], p[1], r.run.losses[i]));
    for (let i = 1; i < pts.length; i++) {
      if (!pts[i - 1] || !pts[i]) continue;
      const mid = pts[i - 1].map((c, j) => (c + pts[i][j]) / 2);
      pieces.push({ near: at(mid)[2] + PATH_NEARER, from: at(pts[i - 1]), to: at(pts[i]), colour: r.colour });
    }
    const now = pts[Math.min(k, pts.length - 1)];
    if (now) pieces.push({ near: at(now)[2] + MARK_NEARER, mark: at(now), shape: "circle", colour: r.colour, size: S.marker, edge: "#fff" });
  });
  for (const m of data.minima) {
    const p = land.onBox(m[0], m[1], land.value(m[0], m[1]));
    if (p) pieces.push({ near: at(p)[2] + MARK_NEARER, mark: at(p), shape: "star", colour: data.marks.minimum, size: S.marker * 1.3, edge: "#000" });
  }
  pieces.sort((a, b) => a.near - b.near);

  floorAndLabels(g, at, land, look, data, "floor");
  g.lineJoin = g.lineCap = "round";
  for (const piece of pieces) {
    if (piece.cell) {
      const [a, b, c, d] = piece.cell.corners.map((i) => seen[i]);
      g.beginPath();
      g.moveTo(a[0], a[1]); g.lineTo(b[0], b[1]); g.lineTo(c[0], c[1]); g.lineTo(d[0], d[1]);
      g.closePath();
      g.fillStyle = g.strokeStyle = piece.cell.fill;
      g.lineWidth = 0.6; // the cell's own colour over its edge: no seams between cells
      g.fill();
      g.stroke();
    } else if (piece.from) {
      g.strokeStyle = piece.colour;
      g.lineWidth = S.line;
      g.beginPath();
      g.moveTo(piece.from[0], piece.from[1]);
      g.lineTo(piece.to[0], piece.to[1]);
      g.stroke();
    } else {
      marker(g, piece.mark[0], piece.mark[1], piece.shape, piece.size, piece.colour, piece.edge, 2);
    }
  }
  floorAndLabels(g, at, land, look, data, "labels");
  text(g, look, land.logged ? "height: log(1 + f \u2212 min)" : "height: f(x, y)", box.left + 4, box.top + 4, { size: S.tick, halo: false });
}

// The floor's outline under the surface, then the axes' names and ends on the two edges nearest the eye.
function floorAndLabels(g, at, land, look, data, part) {
  const low = -Z_ASPECT * 1.02, corners = [[-1, -1], [1, -1], [1, 1], [-1, 1]].map(([x, y]) => at([x, y, low]));
  if (part === "floor") {
    g.save();
    g.strokeStyle = look.ink;
    g.globalAlpha = 0.45;
    g.lineWidth = 1;
    g.beginPath();
    corners.forEach((c, i) => (i ? g.lineTo(c[0], c[1]) : g.moveTo(c[0], c[1])));
    g.closePath();
    g.stroke();
    g.restore();
    return;
  }
  const S = look.sizes, [[x0, x1], [y0, y1]] = data.domain;
  const xEdge = at([0, 1, low])[2] > at([0, -1, low])[2] ? 1 : -1, yEdge = at([1, 0, low])[2] > at([-1, 0, low])[2] ? 1 : -1;
  const centre = at([0, 0, low]);
  const outward = (p, far) => { // a label pushed away from the floor's centre, so it clears the edge
    const dx = p[0] - centre[0], dy = p[1] - centre[1], len = Math.hypot(dx, dy) || 1;
    return [p[0] + (dx / len) * far, p[1] + (dy / len) * far];
  };
  const say = (s, p, size) => text(g, look, s, p[0], p[1], { align: "center", base: "middle", size, halo: false }); // on the page's own background
  const xEnd = at([1, xEdge, low])[2] > at([-1, xEdge, low])[2] ? -1 : 1, yEnd = at([yEdge, 1, low])[2] > at([yEdge, -1, low])[2] ? -1 : 1;
  say("x", outward(at([xEnd, xEdge, low]), S.font * 1.2), S.font); // each name at its edge's far end: the near corner is shared
  say("y", outward(at([yEdge, yEnd, low]), S.font * 1.2), S.font);
  const ticks = (lo, hi) => niceTicks(lo, hi, 4).map((t) => [t, (2 * (t - lo)) / (hi - lo) - 1]).filter(([, at]) => Math.abs(at) < 0.9);
  for (const [t, a] of ticks(x0, x1)) say(tickText(t), outward(at([a, xEdge, low]), S.tick * 1.2), S.tick);
  for (const [t, a] of ticks(y0, y1)) say(tickText(t), outward(at([yEdge, a, low]), S.tick * 1.2), S.tick);
}

// The folded "3-D" box under the map: opening it, turning it and the runs it shows stay in the browser.
function makeLandscapeView(parent, data, look, fn, ids, schedule) {
  const kept = VIEW_3D.get(data.target) || { open: false, turn: 315, tilt: 40 };
  VIEW_3D.set(data.target, kept);
  const details = el("details", "ld-3d", parent), summary = el("summary", "", details);
  summary.textContent = "The same landscape in 3-D";
  const body = el("div", "ld-3d-body", details), controls = el("div", "ld-3d-controls", body);
  const canvas = el("canvas", "ld-canvas3d", body); // not .ld-canvas: that class is the map's (its cursor and focus ring)
  canvas.setAttribute("role", "img");
  canvas.setAttribute("aria-label", "The landscape f(x, y) in 3-D, each racer's path lying on it; the sentences under the map say what each did");
  const note = el("p", "ld-3d-note", body);
  note.textContent = "Drag the picture, or move Turn and Tilt, to turn it. Each racer's path lies on the surface; "
    + "its dot is step k. It follows the controls as you move them.";
  const angle = (name, label, lo, hi) => {
    const box = el("div", "ld-control", controls), lab = el("label", "", box), input = el("input", "", box);
    lab.htmlFor = input.id = `${ids}-${name}`;
    el("span", "ld-name", lab).textContent = label;
    const out = el("output", "ld-value", lab);
    Object.assign(input, { type: "range", min: lo, max: hi, step: 1, name: `view-${name}` });
    input.setAttribute("aria-label", label);
    const show = () => {
      input.value = kept[name];
      out.textContent = `${kept[name]}\u00b0`;
      input.setAttribute("aria-valuetext", `${kept[name]} degrees`);
    };
    input.addEventListener("input", () => { kept[name] = Number(input.value); show(); schedule(); });
    show();
    return show;
  };
  const showTurn = angle("turn", "Turn", 0, 359), showTilt = angle("tilt", "Tilt", 5, 85);
  details.open = kept.open;
  details.addEventListener("toggle", () => { kept.open = details.open; schedule(); });

  let land = null, size = [0, 0], drag = null, lastMs = 0;
  const dpr = window.devicePixelRatio || 1;
  canvas.addEventListener("pointerdown", (e) => {
    if (e.button !== 0) return;
    drag = [e.clientX, e.clientY, kept.turn, kept.tilt];
    canvas.setPointerCapture(e.pointerId);
  });
  canvas.addEventListener("pointermove", (e) => {
    if (!drag) return;
    kept.turn = (((Math.round(drag[2] - (e.clientX - drag[0]) * 0.5)) % 360) + 360) % 360;
    kept.tilt = Math.round(clamp(drag[3] + (e.clientY - drag[1]) * 0.4, 5, 85));
    showTurn();
    showTilt();
    schedule();
  });
  const stop = () => { drag = null; };
  canvas.addEventListener("pointerup", stop);
  canvas.addEventListener("pointercancel", stop);

  return {
    get open() { return details.open; },
    get lastMs() { return lastMs; },
    view: kept,
    canvas,
    draw(runs, k, width) {
      if (!details.open) return false;
      const t0 = performance.now();
      if (!land) land = buildLandscape(fn, data.domain); // once per widget: the formula and the view do not change
      const w = Math.max(260, Math.floor(width)), h = Math.round(Math.min(w * 0.72, Math.max(300, window.innerHeight * 0.75)));
      if (w !== size[0] || h !== size[1]) {
        size = [w, h];
        canvas.width = Math.round(w * dpr);
        canvas.height = Math.round(h * dpr);
        canvas.style.width = `${w}px`;
        canvas.style.height = `${h}px`;
      }
      const g = canvas.getContext("2d");
      g.setTransform(dpr, 0, 0, dpr, 0, 0);
      g.clearRect(0, 0, w, h);
      const pad = look.sizes.font * 2.2;
      drawLandscape(g, { left: pad, top: pad, w: w - 2 * pad, h: h - 2 * pad }, land, runs, k, kept, look, data);
      lastMs = performance.now() - t0;
      return true;
    },
  };
}
