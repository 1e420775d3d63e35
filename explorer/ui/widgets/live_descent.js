// Live descent (Streamlit Components v2, no iframe): the run is recomputed in the browser on every
// `input` event of the widget's own controls and redrawn on the next animation frame; only letting
// go of a control (`change`, pointerup on the picture, keyup on the map) sends the values to Python,
// once, as the "release" trigger. live_descent.py prepends descent_engine.js (descend, trainFit),
// live_descent_draw.js (canvas drawing), live_descent_text.js (numbers), live_descent_said.js (what the
// pages say about a run), live_descent_modes.js (each mode's picture and text) and live_descent_3d.js (the
// surface's folded 3-D view).
// Modes: "curve" (Slope and descent), "surface" (Descent on surfaces), "fit" (Fit a line).

const ASSETS = new Map(); // asset id -> curve samples, or the contour picture (an Image) and its colour bar
const PLAY_SECONDS = 8; // a whole run plays in about this long (figures/descent.py)
let uid = 0;

function el(tag, cls, parent) {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (parent) parent.appendChild(node);
  return node;
}

function registerAsset(asset) {
  if (!asset || !asset.body || ASSETS.has(asset.id)) return;
  const body = { ...asset.body };
  if (body.picture) {
    const image = new Image();
    image.src = body.picture;
    body.image = image;
  }
  ASSETS.set(asset.id, body);
}

function shapeOf(data) { // everything but the controls' values: when it changes, the widget is built anew
  const controls = Object.fromEntries(Object.entries(data.controls).map(([n, c]) => [n, { ...c, value: null }]));
  return JSON.stringify({ ...data, controls, k: null, start: null, asset: data.asset ? data.asset.id : null });
}

function hyperOf(name, v) { // the torch.optim keywords the controls give each optimizer (optimizer_box.py)
  return { sgd: () => ({}), momentum: () => ({ momentum: v.momentum }), nesterov: () => ({ momentum: v.momentum }),
    rmsprop: () => ({ alpha: v.alpha, eps: v.eps }), adagrad: () => ({ eps: v.eps }),
    adam: () => ({ betas: [v.beta1, v.beta2], eps: v.eps }) }[name]();
}

const decimals = (step) => Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
const clamp = (v, lo, hi) => Math.min(hi, Math.max(lo, v));

function createWidget(root, data, firstSend) {
  let send = firstSend;
  const host = root.host || root, css = getComputedStyle(host), mode = data.mode, P = data.palette;
  const look = { sizes: data.sizes, ink: css.getPropertyValue("--st-text-color").trim() || "#31333F",
    font: css.getPropertyValue("--st-font").trim() || "sans-serif" };
  const S = look.sizes, dpr = window.devicePixelRatio || 1, id = `ld${++uid}`;
  const asset = data.asset ? ASSETS.get(data.asset.id) : null;
  const fn = mode === "fit" ? null : compileExpression(data.tree);

  const outer = el("div", "ld-outer", root), wrap = el("div", `ld ld-${mode}`, outer);
  outer.style.setProperty("--ld-font", `${S.font}px`);
  outer.style.setProperty("--ld-tick", `${S.tick}px`);
  outer.style.setProperty("--ld-thumb", `${Math.round(S.font * 1.2)}px`);
  outer.style.setProperty("--ld-panel", data.classroom ? "31%" : "25%");
  const panel = el("div", "ld-controls", wrap);
  panel.setAttribute("role", "group");
  panel.setAttribute("aria-label", "Descent settings");
  const figure = el("div", "ld-figure", wrap);
  const warn = el("div", "ld-warn", figure);
  warn.setAttribute("role", "status");
  const info = el("div", "ld-info", figure);
  const canvas = el("canvas", "ld-canvas", figure);
  const player = el("div", "ld-player", figure);
  if (data.caption) el("p", "ld-caption", figure).textContent = data.caption; // right under the picture it explains
  const readout = el("div", "ld-readout", mode === "curve" ? outer : figure); // the numbers panel spans the width
  const view3d = mode === "surface" ? makeLandscapeView(figure, data, look, fn, id, () => schedule()) : null;

  // ---- the controls: native range inputs with labels; a choice list moves by index
  const values = {}, inputs = {};
  const shown = (name, v) => (name === "steps" ? String(v) : inputs[name].spec.choices ? fmtG(v, 6)
    : minusSign(v.toFixed(decimals(inputs[name].spec.range[2]))));
  function setInput(name, v) {
    const { input, out, spec } = inputs[name];
    const far = (c) => Math.abs(Math.log(c / v));
    input.value = spec.choices ? spec.choices.reduce((best, c, i) => (far(c) < far(spec.choices[best]) ? i : best), 0) : v;
    out.textContent = shown(name, v);
    input.setAttribute("aria-valuetext", out.textContent);
  }
  function readInput(name) {
    const { input, spec } = inputs[name];
    if (spec.choices) return spec.choices[Number(input.value)];
    return name === "steps" ? Math.round(Number(input.value)) : +Number(input.value).toFixed(decimals(spec.range[2]));
  }
  for (const [name, spec] of Object.entries(data.controls)) {
    const box = el("div", "ld-control", panel), label = el("label", "", box), input = el("input", "", box);
    label.htmlFor = input.id = `${id}-${name}`;
    el("span", "ld-name", label).textContent = spec.label;
    const out = el("output", "ld-value", label);
    input.type = "range";
    input.name = name;
    input.setAttribute("aria-label", spec.label); // the name without the value, which aria-valuetext carries
    [input.min, input.max, input.step] = spec.choices ? [0, spec.choices.length - 1, 1] : spec.range;
    inputs[name] = { input, out, spec };
    values[name] = spec.value;
    setInput(name, spec.value);
    input.addEventListener("input", () => {
      values[name] = readInput(name);
      out.textContent = shown(name, values[name]);
      input.setAttribute("aria-valuetext", out.textContent);
      recompute();
    });
    input.addEventListener("change", release);
  }

  // ---- the step scrubber and play/pause: they stay in the browser
  const play = el("button", "ld-play", player);
  play.type = "button";
  const stepBox = el("div", "ld-control ld-step", player), stepLabel = el("label", "", stepBox), scrub = el("input", "", stepBox);
  stepLabel.htmlFor = scrub.id = `${id}-k`;
  el("span", "ld-name", stepLabel).textContent = data.step_label;
  const stepOut = el("output", "ld-value", stepLabel);
  scrub.type = "range";
  scrub.setAttribute("aria-label", data.step_label);
  scrub.min = 0;
  scrub.step = 1;

  let start = mode === "surface" ? data.start.slice() : null;
  let k = data.k, runs = [], maxRun = 0, playing = false, playFrom = 0, playT0 = 0, raf = 0, cssSize = [0, 0];
  let boxes = {}, figureWidth = 600;
  const cache = {}; // the fit's loss picture and the window it shows
  const written = new Map(); // element -> the text it shows: the DOM is touched only when that changes
  const put = (node, how, value) => {
    if (written.get(node) === value) return;
    written.set(node, value);
    node[how] = value;
  };
  const recent = []; // releases whose rerun has not come back yet (the oldest first)
  let server = data; // what Python sent last
  const api = {
    redraws: 0, computes: 0, lastRunMs: 0, totalRunMs: 0, lastDrawMs: 0, releases: 0, lastRelease: null,
    get values() { return payload(); },
    get k() { return k; },
    runs: () => runs.map((r) => ({ optimizer: r.name, ...r.run })),
    toClient(x, y) { // a point of the main plot -> client coordinates (tests aim the mouse with it)
      const rect = canvas.getBoundingClientRect(), plot = boxes.main;
      return { x: rect.left + px(plot, x), y: rect.top + py(plot, y) };
    },
    get readout() { return readout.textContent; },
    view3d,
  };

  function payload() {
    const out = { ...values };
    if (mode === "curve") out.k = k;
    if (mode === "surface") out.start = start.slice();
    return out;
  }
  function release() {
    const sent = payload();
    recent.push(sent);
    if (recent.length > 16) recent.shift();
    api.releases += 1;
    api.lastRelease = sent;
    send("release", sent);
  }

  function recompute() {
    const t0 = performance.now();
    runs = data.optimizers.map((o) => {
      const h = hyperOf(o.name, values);
      const run = mode === "fit" ? trainFit(data.fit, o.name, values.lr, values.steps, h)
        : descend(fn, mode === "curve" ? [values.x0] : start, o.name, values.lr, values.steps, h);
      return { ...o, run };
    });
    api.lastRunMs = performance.now() - t0;
    api.totalRunMs += api.lastRunMs;
    api.computes += 1;
    maxRun = Math.max(0, ...runs.map((r) => (r.run.error ? 0 : r.run.points.length - 1)));
    if (k < 0 || k > maxRun) k = k < 0 ? maxRun : maxRun;
    scrub.max = maxRun;
    schedule();
  }
  const schedule = () => { if (!raf) raf = requestAnimationFrame(frame); };

  // ---- drawing
  function frame(now) {
    raf = 0;
    const t0 = performance.now();
    if (playing) {
      k = Math.min(maxRun, playFrom + Math.floor(((now - playT0) / 1000 / PLAY_SECONDS) * Math.max(maxRun, 1)));
      if (k >= maxRun) playing = false;
      else schedule();
    }
    layout();
    const g = canvas.getContext("2d");
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.clearRect(0, 0, cssSize[0], cssSize[1]);
    const view = { data, look, asset, fn, runs, values, k, start, boxes, cache, schedule };
    ({ curve: drawCurve, surface: drawSurface, fit: drawFit })[mode](g, view);
    if (mode === "surface") put(info, "innerHTML", surfaceInfo(view));
    scrub.value = k;
    put(stepOut, "textContent", String(k));
    scrub.setAttribute("aria-valuetext", `step ${k} of ${maxRun}`);
    put(play, "textContent", playing ? "\u275a\u275a" : "\u25b6");
    play.setAttribute("aria-label", playing ? "Pause" : "Play the steps");
    const errors = runs.filter((r) => r.run.error).map((r) => `${runs.length > 1 ? `${r.label} can't run: ` : "Can't run this: "}${r.run.error}`);
    const stops = runs.filter((r) => !r.run.error && r.run.diverged)
      .map((r) => (mode === "surface" ? `${r.label}: ${r.run.reason}.` : warning(r.run, mode, data.scale)));
    put(warn, "textContent", [...errors, ...stops, ...(mode === "fit" ? [] : jumps(view))].join("  "));
    put(readout, "innerHTML", readoutHTML(view));
    if (view3d && view3d.draw(runs, k, figureWidth - 30)) api.redraws3d = (api.redraws3d || 0) + 1; // less its box's padding
    api.redraws += 1;
    api.lastDrawMs = performance.now() - t0;
  }

  function layout() { // the figure's width comes from the resize observer: reading it here would force a layout
    const w = Math.max(260, Math.floor(figureWidth));
    const tall = { curve: w * 0.7, surface: w * 0.95, fit: w * 0.78 }[mode];
    const h = Math.round(Math.min(tall, Math.max(320, window.innerHeight * (data.classroom ? 0.92 : 0.82)), 900));
    if (w === cssSize[0] && h === cssSize[1]) return;
    cssSize = [w, h];
    canvas.width = Math.round(w * dpr);
    canvas.height = Math.round(h * dpr);
    canvas.style.width = `${w}px`;
    canvas.style.height = `${h}px`;
    const left = S.tick * 3.2 + S.font * 1.6, bottom = S.tick * 1.6 + S.font * 1.9, gap = S.font * 1.2;
    const lossH = Math.round(h * (mode === "curve" ? 0.26 : 0.22));
    const mainH = h - lossH - 2 * bottom - gap - 6;
    const right = mode === "surface" ? S.tick * 4.5 + 28 : 10;
    boxes = { main: { box: { left, top: 6, w: w - left - right, h: mainH } },
      loss: { left, top: 6 + mainH + bottom + gap, w: w - left - 10, h: lossH } };
    if (mode === "fit") {
      const half = (w - 2 * left - gap * 2) / 2;
      boxes.main.box.w = half;
      boxes.map = { box: { left: 2 * left + half + gap * 2, top: 6, w: half, h: mainH } };
    }
  }

  // ---- the picture as a control: drag the start (curve, surface); arrow keys move it on the map
  let dragging = false;
  const at = (e) => {
    const rect = canvas.getBoundingClientRect();
    return fromPx(boxes.main, e.clientX - rect.left, e.clientY - rect.top);
  };
  const inside = (e) => {
    const rect = canvas.getBoundingClientRect(), b = boxes.main.box, x = e.clientX - rect.left, y = e.clientY - rect.top;
    return x >= b.left && x <= b.left + b.w && y >= b.top && y <= b.top + b.h;
  };
  function moveStart(point) {
    if (mode === "curve") {
      const [lo, hi, step] = inputs.x0.spec.range;
      values.x0 = +clamp(point[0], lo, hi).toFixed(decimals(step));
      setInput("x0", values.x0);
    } else {
      start = point.map((v, i) => +clamp(v, ...data.domain[i]).toFixed(3));
    }
    recompute();
  }
  const on = {
    pointerdown: (e) => {
      if (e.button !== 0 || mode === "fit" || !inside(e)) return;
      dragging = true;
      canvas.setPointerCapture(e.pointerId);
      moveStart(at(e));
    },
    pointermove: (e) => { if (dragging) moveStart(at(e)); },
    pointerup: (e) => {
      if (!dragging) return;
      dragging = false;
      moveStart(at(e));
      release();
    },
    pointercancel: () => { dragging = false; },
    keydown: (e) => {
      const moves = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, 1], ArrowDown: [0, -1] };
      if (mode !== "surface" || !moves[e.key]) return;
      const scale = e.shiftKey ? 10 : 1, [[x0, x1], [y0, y1]] = data.domain;
      moveStart([start[0] + (moves[e.key][0] * scale * (x1 - x0)) / 100, start[1] + (moves[e.key][1] * scale * (y1 - y0)) / 100]);
      e.preventDefault();
    },
    keyup: (e) => { if (mode === "surface" && e.key.startsWith("Arrow")) release(); },
  };
  for (const [name, handler] of Object.entries(on)) canvas.addEventListener(name, handler);
  if (mode === "surface") {
    canvas.tabIndex = 0;
    canvas.setAttribute("role", "application");
    canvas.setAttribute("aria-label", "Map of f(x, y): drag or click to move the start; arrow keys move it (Shift: further)");
  } else {
    canvas.setAttribute("role", "img");
    canvas.setAttribute("aria-label", mode === "curve" ? "The curve, the path, the tangent at step k and the loss per step"
      : "The points and the neuron's line; the loss over (w, b) with the path; the loss per step");
  }
  scrub.addEventListener("input", () => { playing = false; k = Number(scrub.value); schedule(); });
  play.addEventListener("click", () => {
    playing = !playing;
    if (playing) {
      playFrom = k >= maxRun ? 0 : k;
      playT0 = performance.now();
    }
    schedule();
  });

  const observer = new ResizeObserver((entries) => {
    for (const entry of entries) {
      if (entry.target === wrap) wrap.classList.toggle("ld-stacked", entry.contentRect.width < 720);
      else figureWidth = entry.contentRect.width;
    }
    schedule();
  });
  observer.observe(wrap);
  observer.observe(figure);
  recompute();

  window.__liveDescents = window.__liveDescents || {};
  window.__liveDescents[data.target] = api;
  window.__liveDescent = api;

  return {
    shape: shapeOf(data),
    update(next, nextSend) { // same picture, new values from Python: take only those it changed itself
      send = nextSend;
      // a release's rerun carries its values back: they must not undo a move made since
      const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
      const echoed = (name, v) => recent.some((sent) => same(sent[name], v));
      const told = { ...Object.fromEntries(Object.entries(next.controls).map(([n, spec]) => [n, spec.value])),
        ...(mode === "surface" ? { start: next.start } : {}), ...(mode === "curve" ? { k: next.k } : {}) };
      const back = recent.findIndex((sent) => Object.keys(sent).every((n) => !(n in told) || same(sent[n], told[n])));
      // Python changed a value only where it differs from what Python sent last (a re-render may repeat old data)
      const fresh = (name, v, was) => JSON.stringify(v) !== JSON.stringify(was) && !echoed(name, v);
      const before = server;
      server = next;
      let changed = false;
      for (const [name, spec] of Object.entries(next.controls)) {
        if (spec.value !== values[name] && fresh(name, spec.value, before.controls[name]?.value)) {
          values[name] = spec.value;
          setInput(name, spec.value);
          changed = true;
        }
      }
      if (mode === "surface" && JSON.stringify(next.start) !== JSON.stringify(start) && fresh("start", next.start, before.start)) {
        start = next.start.slice();
        changed = true;
      }
      if (mode === "curve" && next.k !== k && fresh("k", next.k, before.k)) {
        k = next.k;
        changed = true;
      }
      if (back >= 0) recent.splice(0, back + 1); // that release and the older ones are answered
      if (changed) recompute();
    },
    focused() { const a = root.activeElement; return a && a.name ? a.name : a === canvas ? "canvas" : null; },
    focus(name) { (name === "canvas" ? canvas : inputs[name]?.input ?? outer.querySelector(`input[name="${CSS.escape(name)}"]`))?.focus(); },
    destroy() {
      observer.disconnect();
      if (raf) cancelAnimationFrame(raf);
      raf = 0;
      outer.remove();
      if (window.__liveDescents[data.target] === api) delete window.__liveDescents[data.target];
      if (window.__liveDescent === api) delete window.__liveDescent;
    },
  };
}

function mountWidget(parentElement, data, setTriggerValue) {
  registerAsset(data.asset);
  if (data.asset && !ASSETS.has(data.asset.id)) { // this page never got the picture: ask until it comes
    askFor(parentElement, data.asset.id, (id) => ASSETS.has(id), setTriggerValue, KIND);
    return null;
  }
  stopAsking(parentElement);
  return mountInPlace(parentElement, data, setTriggerValue, KIND);
}

const KIND = { name: "live descent", shapeOf, create: createWidget, mount: mountWidget,
               errorClass: "ld-warn", errorText: "The live picture could not start in this browser.",
               waitClass: "ld-wait", waitText: "Loading the picture…",
               lostText: "The picture did not arrive. Reload the page to try again." };

export default function mount(args) {
  return mountSafely(args, KIND);
}
