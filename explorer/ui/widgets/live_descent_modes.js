// The live descent widget's three pictures — curve, surface, fit — drawn from a `view` of the widget:
// {data, look, asset, fn, runs, values, k, start, boxes, cache, schedule}; and the text beneath each.
// live_descent.py joins this file with descent_engine.js, live_descent_draw.js, live_descent_text.js,
// live_descent_said.js and live_descent.js (the widget: controls, events, mount).

function viewRange([lo, hi], xs, reach = 2) { // the domain widened to take in the walk, to the curve samples' reach
  const width = hi - lo, lo2 = Math.min(lo, ...xs), hi2 = Math.max(hi, ...xs), pad = 0.05 * (hi2 - lo2);
  return [Math.max(lo2 - pad, lo - reach * width), Math.min(hi2 + pad, hi + reach * width)];
}

function wbWindow(w, b, best) { // the (w, b) window of the loss map: the path and the best fit, with a margin
  return [[w, best[0], 4], [b, best[1], 80]].map(([values, centre, reach]) => {
    const lo = Math.min(centre, ...values), hi = Math.max(centre, ...values), pad = 0.12 * (hi - lo) + 0.05 * reach;
    return [Math.max(lo - pad, centre - reach), Math.min(hi + pad, centre + reach)];
  });
}

function drawCurve(g, v) {
  const { data, look, asset, fn, runs, values, k, boxes } = v, P = data.palette, S = look.sizes;
  const r = runs[0], run = r.run, plot = boxes.main;
  const xs = run.error ? [values.x0] : run.points.map((p) => p[0]), losses = run.error ? [] : run.losses;
  plot.x = viewRange(data.domain, xs);
  const sx = [], sy = [];
  asset.x.forEach((x, i) => { if (x >= plot.x[0] && x <= plot.x[1]) { sx.push(x); sy.push(asset.y[i]); } });
  const finite = [...sy.filter((v) => v !== null && Number.isFinite(v)), ...losses];
  let yLo = Math.min(...finite), yHi = Math.max(...finite);
  if (!Number.isFinite(yLo)) [yLo, yHi] = [-1, 1];
  const span = yHi - yLo || 1, yTop = yHi + 0.22 * span;
  plot.y = [yLo - 0.08 * span, yTop];
  drawAxes(g, plot, look, { xLabel: "x", yLabel: "f(x)" });
  g.save();
  clipTo(g, plot);
  polyline(g, plot, sx, sy, P[0], S.line);
  for (const m of data.minima) marker(g, px(plot, m), py(plot, fn.value(m)), "star", S.marker * 1.3, P[2]);
  if (!run.error) {
    polyline(g, plot, xs, losses, P[1], S.line * 0.6);
    dots(g, plot, xs, losses, P[1], S.marker * 0.35, Math.max(1, Math.ceil(xs.length / 120)));
    marker(g, px(plot, xs[0]), py(plot, losses[0]), "cross", S.marker * 0.9, data.marks.start, "#fff", 1.5);
    const at = Math.min(k, xs.length - 1), slope = run.grads[at][0];
    const halfW = 0.2 * (plot.x[1] - plot.x[0]), halfH = 0.3 * span;
    const dx = Math.abs(slope) * halfW <= halfH ? halfW : halfH / Math.abs(slope);
    polyline(g, plot, [xs[at] - dx, xs[at] + dx], [losses[at] - slope * dx, losses[at] + slope * dx], P[5], S.line * 1.4);
    marker(g, px(plot, xs[at]), py(plot, losses[at]), "circle", S.marker, P[5], "#000", 1.5);
    text(g, look, `step ${at}:  x = ${minusSign(fmtG(xs[at], 3))},  slope f\u2032(x) = ${minusSign(fmtG(slope, 3))}`,
      plot.box.left + 8, plot.box.top + 6, { colour: P[5] });
  }
  g.restore();
  drawLossChart(g, boxes.loss, run.error ? [] : [{ losses, colour: P[1] }], k, look);
}

function drawSurface(g, v) {
  const { data, look, asset, runs, k, boxes, start } = v, S = look.sizes;
  const plot = boxes.main, [[x0, x1], [y0, y1]] = data.domain;
  plot.x = [x0, x1];
  plot.y = [y0, y1];
  if (asset.image.complete && asset.image.naturalWidth) g.drawImage(asset.image, plot.box.left, plot.box.top, plot.box.w, plot.box.h);
  else asset.image.decode().then(v.schedule, () => {});
  drawAxes(g, plot, look, { xLabel: "x", yLabel: "y", grid: false });
  drawColourBar(g, { left: plot.box.left + plot.box.w + 12, top: plot.box.top, w: S.tick * 0.9, h: plot.box.h }, asset.bar, look);
  g.save();
  clipTo(g, plot);
  for (const r of runs) {
    if (r.run.error) continue;
    const xs = r.run.points.map((p) => p[0]), ys = r.run.points.map((p) => p[1]);
    polyline(g, plot, xs, ys, r.colour, S.line);
    dots(g, plot, xs, ys, r.colour, S.marker * 0.32, Math.max(1, Math.ceil(xs.length / 150)));
  }
  for (const m of data.minima) marker(g, px(plot, m[0]), py(plot, m[1]), "star", S.marker * 1.4, data.marks.minimum, "#000", 1.5);
  for (const r of runs) {
    if (r.run.error) continue;
    const p = r.run.points[Math.min(k, r.run.points.length - 1)];
    marker(g, px(plot, p[0]), py(plot, p[1]), "circle", S.marker, r.colour, "#fff", 2);
  }
  marker(g, px(plot, start[0]), py(plot, start[1]), "cross", S.marker * 1.1, data.marks.start, "#fff", 2);
  g.restore();
  drawLossChart(g, boxes.loss, runs.filter((r) => !r.run.error).map((r) => ({ losses: r.run.losses, colour: r.colour })), k, look);
}

function drawFit(g, v) {
  const { data, look, runs, k, boxes, cache } = v, P = data.palette, S = look.sizes;
  const run = runs[0].run, left = boxes.main, right = boxes.map, c = data.c, f = data.fit.y;
  left.x = [Math.min(...c) - 5, Math.max(...c) + 5];
  left.y = [Math.min(...f) - 15, Math.max(...f) + 35];
  drawAxes(g, left, look, { xLabel: "\u00b0C (input x)", yLabel: "\u00b0F (output y)" });
  g.save();
  clipTo(g, left);
  dots(g, left, c, f, P[0], S.marker * 0.7);
  polyline(g, left, left.x, left.x.map((x) => data.true[0] * x + data.true[1]), P[7], S.line * 0.7, [2, 6]);
  if (!run.error) {
    const at = Math.min(k, run.w.length - 1);
    polyline(g, left, left.x, left.x.map((x) => run.w[at] * x + run.b[at]), P[5], S.line * 1.3);
    text(g, look, `step ${at}: w = ${fixed(run.w[at], 3)}, b = ${fixed(run.b[at], 2)}`, left.box.left + 8, left.box.top + 6, { colour: P[5], size: S.tick });
    text(g, look, `loss = ${g4(run.losses[at])}`, left.box.left + 8, left.box.top + 10 + S.tick, { colour: P[5], size: S.tick });
  }
  g.restore();
  if (!run.error) {
    [right.x, right.y] = wbWindow(run.w, run.b, data.best);
    const key = `${right.x}|${right.y}`;
    if (key !== cache.key) Object.assign(cache, { key, picture: lossPicture(data, right.x, right.y) });
    g.drawImage(cache.picture, right.box.left, right.box.top, right.box.w, right.box.h);
    drawAxes(g, right, look, { xLabel: "w (\u00b0F per \u00b0C)", yLabel: "b (\u00b0F)", grid: false });
    g.save();
    clipTo(g, right);
    polyline(g, right, run.w, run.b, P[1], S.line * 0.8);
    dots(g, right, run.w, run.b, P[1], S.marker * 0.3, Math.max(1, Math.ceil(run.w.length / 150)));
    marker(g, px(right, data.best[0]), py(right, data.best[1]), "star", S.marker * 1.4, data.marks.minimum, "#000", 1.5);
    const at = Math.min(k, run.w.length - 1);
    marker(g, px(right, run.w[at]), py(right, run.b[at]), "circle", S.marker, P[5], "#fff", 2);
    g.restore();
  }
  drawLossChart(g, boxes.loss, run.error ? [] : [{ losses: run.losses, colour: P[1] }], k, look, "loss (\u00b0F\u00b2)");
}

function lossPicture(data, [w0, w1], [b0, b1]) { // the loss over the (w, b) window, 100 × 100
  const n = 100, c = data.c, f = data.fit.y, zs = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const b = b0 + ((b1 - b0) * i) / (n - 1);
    for (let j = 0; j < n; j++) {
      const w = w0 + ((w1 - w0) * j) / (n - 1);
      let total = 0;
      for (let p = 0; p < c.length; p++) total += (w * c[p] + b - f[p]) ** 2;
      zs[i * n + j] = total / c.length;
    }
  }
  return bandedPicture(zs, n);
}

function readoutHTML(v) {
  const { data, runs, values, k } = v, mode = data.mode;
  if (mode === "curve") {
    const run = runs[0].run;
    return `${walkText(v)}<h4>The numbers for one step</h4>${run.error ? "" : stepNumbers({ ...run, lr: values.lr }, k, runs[0].words)}`;
  }
  return mode === "surface" ? raceText(v) : fitText(v);
}

// What is said of a run depends on the runs alone: worked out once per recompute, not on every frame of a replay
function perRuns(make) {
  const kept = new WeakMap();
  return (v) => {
    if (!kept.has(v.runs)) kept.set(v.runs, make(v));
    return kept.get(v.runs);
  };
}

const escaped = (text) => text.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);

function outcomesOf(v) { // each racer that ran: what its run did (outcomes.classify), by optimizer name
  const minima = v.data.mode === "curve" ? v.data.minima.map((m) => [m]) : v.data.minima;
  return Object.fromEntries(ran(v).map((r) => [r.name, classify(r.run, v.data.span, v.fn, minima)]));
}

const ran = (v) => v.runs.filter((r) => !r.run.error);

function lessonHTML(v, outcomes) { // the preset's note while its facts hold of these runs, else why it is not shown
  const lesson = v.data.lesson;
  if (!lesson) return "";
  if (ran(v).length && lessonHolds(lesson.facts, outcomes)) return `<p class="ld-note"><b>The lesson:</b> ${escaped(lesson.note)}</p>`;
  return `<p class="ld-outcome">${escaped(lesson.elsewhere)}</p>`;
}

function raceHTML(v) { // Descent on surfaces: each racer's end, the race in words, the standings and the lesson
  const racers = ran(v), outcomes = outcomesOf(v);
  if (!racers.length) return "";
  const lines = racers.map((r) => (r.run.diverged ? `<p><b>${r.label}</b> stopped. ${stoppedSentence(r.run)}</p>`
    : `<p><b>${r.label}</b> (${plural(stepsRun(r.run), "step")}) ${outcomes[r.name].text}.</p>`));
  return [...lines, `<p class="ld-said"><b>In words:</b> ${raceSaid(racers)}</p>`, `<p class="ld-outcome">${standings(racers)}</p>`,
    lessonHTML(v, outcomes)].join("");
}

function walkHTML(v) { // Slope and descent: what the walk did, the walk in words and the lesson
  const run = v.runs[0].run, outcomes = outcomesOf(v);
  if (run.error) return "";
  const line = run.diverged ? `<p><b>The run stopped.</b> ${stoppedSentence(run)}</p>`
    : `<p><b>After ${plural(stepsRun(run), "step")}</b> the walk ${outcomes[v.runs[0].name].text}.</p>`;
  return `${line}<p class="ld-said"><b>In words:</b> ${walkSaid(run)}</p>${lessonHTML(v, outcomes)}`;
}

function firstJumps(v) { // a first step far beyond the view, for each racer that did not stop
  return ran(v).filter((r) => !r.run.diverged).map((r) => [r.label, firstJump(r.run, v.data.span)]).filter(([, jump]) => jump)
    .map(([label, jump]) => (v.data.mode === "surface" ? `${label}: ${jump}` : jump));
}

function fitHTML(v) { // Fit a line: what the neuron learned and what its loss curve did, of the run drawn
  const run = v.runs[0].run;
  if (run.error) return "";
  return `<p class="ld-said"><b>In words:</b> ${fitSaid(run)}</p><p class="ld-outcome">${fitOutcome(run.losses, v.data.best_loss, run.diverged)}</p>`;
}

const [walkText, raceText, fitText, jumps] = [walkHTML, raceHTML, fitHTML, firstJumps].map(perRuns);

function surfaceInfo(v) { // the start and the racers' colours, above the map
  return `<span class="ld-start">Start x = ${fixed(v.start[0], 3)}, y = ${fixed(v.start[1], 3)} \u2014 drag or click on the map to move it.</span> `
    + v.runs.map((r) => `<span class="ld-key"><span class="ld-swatch" style="background:${r.colour}"></span>${r.label}</span>`).join(" ");
}
