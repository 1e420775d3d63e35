// Sliding window (Streamlit Components v2, no iframe): a 3x3 kernel slides over a 28x28 digit in the
// browser. Row and column sliders (and Play) move the window; each position shows the nine
// pixel x weight products, their sum, and the output pixel they make, while the feature map fills
// in behind. Nothing reruns the script while it plays; a pause or a slider release reports the
// position back (setStateValue "position", debounced) so the page's link can carry it.
// data: image (784, row-major), kernel (9), bias, position [r, c], scale (half-range of the output
// colours), colours {negative, zero, positive, pick}, sizes, kernel_name, target.

const N = 28;
const MOUNTS = new WeakMap(); // parentElement -> the live widget on it (Streamlit re-mounts without cleanup)
const SPEEDS = { slow: 400, medium: 120, fast: 30 }; // ms per step
const REPORT_MS = 400; // wait this long after the last move before telling Python
const MIN_SIDE = 220; // px: a 28x28 picture smaller than this is hard to read on a projector

function el(tag, cls, parent, text) {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text !== undefined) node.textContent = text;
  if (parent) parent.appendChild(node);
  return node;
}

const hex = (h) => [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16));
const fmt = (v, d = 2) => (v < 0 ? "\u2212" : "") + Math.abs(v).toFixed(d);

// value in [-1, 1] -> rgb on the page's diverging scale: negative red, 0 white, positive blue
function diverging(colours, t) {
  const [a, z, b] = [hex(colours.negative), hex(colours.zero), hex(colours.positive)];
  const u = Math.min(1, Math.abs(t));
  const end = t < 0 ? a : b;
  return z.map((c, i) => Math.round(c + (end[i] - c) * u));
}

/** The convolution the page explains, in the browser: window products at (r, c) and the whole map. */
export function products(image, kernel, r, c) {
  const out = [];
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) {
      const y = r + i - 1, x = c + j - 1;
      const inside = y >= 0 && y < N && x >= 0 && x < N;
      const pixel = inside ? image[y * N + x] : 0; // padding 1: outside the image the pixel is 0
      out.push({ pixel, weight: kernel[3 * i + j], product: pixel * kernel[3 * i + j], padded: !inside });
    }
  }
  return out;
}

function featureMap(image, kernel, bias) {
  const map = new Float64Array(N * N);
  for (let r = 0; r < N; r++) {
    for (let c = 0; c < N; c++) map[r * N + c] = products(image, kernel, r, c).reduce((s, p) => s + p.product, 0) + bias;
  }
  return map;
}

function createWindow(root, first, setStateValue) {
  const wrap = el("div", "sw", root);
  const panels = el("div", "sw-panels", wrap);
  const inBox = el("div", "sw-panel", panels);
  const inHead = el("div", "sw-head", inBox);
  const input = el("canvas", "sw-canvas sw-input", inBox);
  input.setAttribute("role", "img");
  const mathBox = el("div", "sw-panel sw-math", panels);
  el("div", "sw-head", mathBox, "pixel \u00d7 weight");
  const grid = el("div", "sw-grid", mathBox);
  const cells = [...Array(9)].map(() => {
    const cell = el("div", "sw-cell", grid);
    return { cell, product: el("div", "sw-product", cell), parts: el("div", "sw-parts", cell) };
  });
  const sum = el("div", "sw-sum", mathBox);
  sum.setAttribute("aria-live", "polite");
  const outBox = el("div", "sw-panel", panels);
  const outHead = el("div", "sw-head", outBox);
  const output = el("canvas", "sw-canvas sw-output", outBox);
  output.setAttribute("role", "img");

  const controls = el("div", "sw-controls", wrap);
  const play = el("button", "sw-play", controls, "\u25b6 Play");
  play.type = "button";
  const slider = (label, cls) => {
    const box = el("label", "sw-range", controls);
    el("span", "sw-label", box, label);
    const range = el("input", cls, box);
    Object.assign(range, { type: "range", min: "0", max: String(N - 1), step: "1" });
    const shown = el("output", "sw-value", box);
    return { range, shown };
  };
  const rowCtl = slider("Row", "sw-row"), colCtl = slider("Column", "sw-col");
  const speedBox = el("label", "sw-range", controls);
  el("span", "sw-label", speedBox, "Speed");
  const speed = el("select", "sw-speed", speedBox);
  for (const name of Object.keys(SPEEDS)) el("option", "", speed, name).value = name;
  speed.value = "medium";

  let data = first, map = null, pos = [0, 0], timer = 0, reportTimer = 0, side = 0, sent = null;
  const dpr = window.devicePixelRatio || 1;

  function setData(d, at) {
    data = d;
    map = featureMap(d.image, d.kernel, d.bias);
    wrap.style.setProperty("--sw-font", `${d.sizes.font}px`);
    wrap.style.setProperty("--sw-tick", `${d.sizes.tick}px`);
    inHead.textContent = "input (dashed ring: zero padding)";
    outHead.textContent = "output: the feature map, filled so far";
    pos = [at[0], at[1]];
    layout(true);
  }

  // one row (input, products, output) when the two pictures can still be >= MIN_SIDE px; else the
  // pictures side by side and the products below them
  function layout(force) {
    const total = wrap.clientWidth || 800, gap = data.sizes.font;
    const room = (total - mathBox.offsetWidth - 2 * gap) / 2;
    const stacked = room < MIN_SIDE;
    wrap.classList.toggle("sw-stacked", stacked);
    const want = Math.floor(Math.min(data.sizes.digit_px * 1.15, stacked ? (total - gap) / 2 : room));
    if (!force && want === side) return draw();
    side = want;
    for (const [c, cells, box] of [[input, N + 2, inBox], [output, N, outBox]]) {
      const cell = Math.floor(side / cells);
      c.style.width = c.style.height = `${cell * cells}px`;
      c.width = c.height = Math.round(cell * cells * dpr);
      box.style.width = `${side}px`; // a long heading wraps instead of widening the panel
    }
    draw();
  }

  function drawInput() {
    const g = input.getContext("2d"), cells = N + 2, cell = input.width / cells;
    g.setTransform(1, 0, 0, 1, 0, 0);
    g.fillStyle = "#FFFFFF";
    g.fillRect(0, 0, input.width, input.height);
    for (let y = 0; y < N; y++) {
      for (let x = 0; x < N; x++) {
        const v = Math.round(255 * (1 - data.image[y * N + x]));
        g.fillStyle = `rgb(${v},${v},${v})`;
        g.fillRect((x + 1) * cell, (y + 1) * cell, Math.ceil(cell), Math.ceil(cell));
      }
    }
    g.setLineDash([4 * dpr, 4 * dpr]); // the padding ring: zeros around the image
    g.strokeStyle = "#888888";
    g.lineWidth = dpr;
    g.strokeRect(0.5 * dpr, 0.5 * dpr, input.width - dpr, input.height - dpr);
    g.strokeRect(cell, cell, N * cell, N * cell);
    g.setLineDash([]);
    const [r, c] = pos, w = Math.max(2, data.sizes.line) * dpr;
    g.strokeStyle = data.colours.pick;
    g.lineWidth = w;
    g.strokeRect(c * cell + w / 2, r * cell + w / 2, 3 * cell - w, 3 * cell - w); // padded (r, c) is the window's top-left
  }

  function drawOutput() {
    const g = output.getContext("2d"), cell = output.width / N;
    g.setTransform(1, 0, 0, 1, 0, 0);
    g.fillStyle = "#F0F0F0"; // not computed yet
    g.fillRect(0, 0, output.width, output.height);
    const upto = pos[0] * N + pos[1];
    for (let i = 0; i <= upto; i++) {
      const [r, g2, b] = diverging(data.colours, map[i] / data.scale);
      g.fillStyle = `rgb(${r},${g2},${b})`;
      g.fillRect((i % N) * cell, Math.floor(i / N) * cell, Math.ceil(cell), Math.ceil(cell));
    }
    g.strokeStyle = "#BBBBBB";
    g.lineWidth = dpr;
    g.strokeRect(0.5 * dpr, 0.5 * dpr, output.width - dpr, output.height - dpr);
    const w = Math.max(2, data.sizes.line) * dpr;
    g.strokeStyle = data.colours.pick;
    g.lineWidth = w;
    g.strokeRect(pos[1] * cell - w / 2, pos[0] * cell - w / 2, cell + w, cell + w);
  }

  function drawMath() {
    const [r, c] = pos, ps = products(data.image, data.kernel, r, c);
    const top = Math.max(...data.kernel.map(Math.abs), 1e-9);
    let total = 0;
    ps.forEach((p, k) => {
      total += p.product;
      const [cr, cg, cb] = diverging(data.colours, p.product / top);
      const { cell, product, parts } = cells[k];
      cell.style.background = `rgb(${cr},${cg},${cb})`;
      cell.style.color = Math.abs(p.product / top) > 0.6 ? "#FFFFFF" : "";
      cell.classList.toggle("sw-pad", p.padded);
      product.textContent = fmt(p.product);
      parts.textContent = `${fmt(p.pixel)} \u00d7 ${fmt(p.weight)}`;
    });
    const out = total + data.bias;
    const bias = data.bias !== 0 ? ` + bias (${fmt(data.bias, 3)})` : "";
    sum.innerHTML = "";
    el("div", "sw-line", sum, `sum of the nine ${fmt(total, 3)}${bias}`);
    el("div", "sw-line sw-out", sum, `= ${fmt(out, 3)} \u2192 output[${r}, ${c}]`);
    api.shown = { row: r, col: c, total, output: out, products: ps.map((p) => p.product) };
  }

  function draw() {
    const [r, c] = pos;
    rowCtl.range.value = String(r);
    colCtl.range.value = String(c);
    rowCtl.shown.textContent = String(r);
    colCtl.shown.textContent = String(c);
    rowCtl.range.setAttribute("aria-valuetext", `row ${r}`);
    colCtl.range.setAttribute("aria-valuetext", `column ${c}`);
    input.setAttribute("aria-label", `The digit with the 3 by 3 window centred on row ${r}, column ${c}`);
    output.setAttribute("aria-label", `The feature map of ${data.kernel_name}, filled up to row ${r}, column ${c}`);
    drawInput();
    drawMath();
    drawOutput();
    api.draws += 1;
  }

  function report() {
    clearTimeout(reportTimer);
    reportTimer = setTimeout(() => {
      sent = [pos[0], pos[1]];
      setStateValue("position", sent);
    }, REPORT_MS);
  }

  function moveTo(r, c, tell) {
    pos = [Math.min(N - 1, Math.max(0, r)), Math.min(N - 1, Math.max(0, c))];
    draw();
    if (tell) report();
  }

  function stop(tell) {
    if (!timer) return;
    clearInterval(timer);
    timer = 0;
    play.textContent = "\u25b6 Play";
    play.setAttribute("aria-pressed", "false");
    if (tell) report();
  }

  function step() {
    const i = pos[0] * N + pos[1] + 1;
    if (i >= N * N) return stop(true);
    moveTo(Math.floor(i / N), i % N, false);
  }

  function start() {
    if (pos[0] * N + pos[1] >= N * N - 1) moveTo(0, 0, false); // at the end: play from the start
    clearTimeout(reportTimer);
    timer = setInterval(step, SPEEDS[speed.value]);
    play.textContent = "\u275a\u275a Pause";
    play.setAttribute("aria-pressed", "true");
  }

  play.setAttribute("aria-pressed", "false");
  play.addEventListener("click", () => (timer ? stop(true) : start()));
  speed.addEventListener("change", () => { if (timer) { stop(false); start(); } });
  for (const [ctl, which] of [[rowCtl, 0], [colCtl, 1]]) {
    ctl.range.addEventListener("input", () => {
      stop(false);
      const next = [...pos];
      next[which] = Number(ctl.range.value);
      moveTo(next[0], next[1], false); // redraw on every move; tell Python on release
    });
    ctl.range.addEventListener("change", report);
  }

  const api = {
    draws: 0, shown: null,
    get playing() { return timer !== 0; },
    get position() { return [...pos]; },
    update: (d) => {
      const content = (x) => JSON.stringify({ ...x, position: null });
      const same = (a, b) => a && b && a[0] === b[0] && a[1] === b[1];
      // Python echoes the position this widget reported: that must not stop a play started since
      const moved = !same(d.position, data.position) && !same(d.position, sent);
      if (content(d) !== content(data)) {
        stop(false);
        setData(d, moved ? d.position : pos);
      } else if (moved) {
        stop(false);
        data = d;
        moveTo(d.position[0], d.position[1], false);
      } else data = d;
    },
  };
  const observer = new ResizeObserver(() => layout(false));
  observer.observe(wrap);
  setData(first, first.position);
  window.__slidingWindows = window.__slidingWindows || {};
  window.__slidingWindows[first.target] = api;
  api.destroy = () => {
    stop(false);
    clearTimeout(reportTimer);
    observer.disconnect();
    wrap.remove();
    if (window.__slidingWindows[first.target] === api) delete window.__slidingWindows[first.target];
  };
  return api;
}

export default function mount({ parentElement, data, setStateValue }) {
  const live = MOUNTS.get(parentElement);
  if (live && data) {
    live.update(data); // new data on the same mount: keep the DOM (and a running play), redraw
  } else if (data) {
    try {
      MOUNTS.set(parentElement, createWindow(parentElement, data, setStateValue));
    } catch (err) {
      console.error("sliding window failed", err);
      const box = el("div", "sw-error", parentElement, "The sliding window could not start in this browser.");
      return () => box.remove();
    }
  }
  return () => {
    const now = MOUNTS.get(parentElement);
    if (now) {
      now.destroy();
      MOUNTS.delete(parentElement);
    }
  };
}
