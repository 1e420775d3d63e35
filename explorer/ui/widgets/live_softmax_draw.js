// Inline-SVG bar charts of the live softmax widget: ten bars in the palette's colours, the true class's bar
// outlined, each bar's number beside it, class numbers under the bars (the true one as "✔k", bold).
// `look` is the data's "look" (explorer/figures/softmax.py's bar_look: sizes, colours, words, headroom).
// Text and grid lines take the theme's text colour from CSS (currentColor), so both themes read.

const SVG_NS = "http://www.w3.org/2000/svg";

function svgNode(tag, attrs, parent, text) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, String(value));
  if (text !== undefined) node.textContent = text;
  if (parent) parent.appendChild(node);
  return node;
}

const minusSign = (s) => s.replace(/^-/, "\u2212");

function niceTicks(lo, hi, count) { // round steps of 1, 2 or 5 × 10ⁿ (as Plotly picks them), about `count` of them
  const raw = (hi - lo) / Math.max(1, count), mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw);
  const ticks = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) ticks.push(+t.toPrecision(12));
  return ticks;
}

const tickText = (t) => minusSign(String(+t.toPrecision(6)));
const shown = (v, text) => (Math.abs(v) >= 0.005 ? text : ""); // a number that would print as zero only crowds the axis
const BAR_TEXT = { // each bar's number, as the Plotly figures printed it
  logits: (v) => minusSign(v.toFixed(1)),
  probs: (v) => shown(v, v.toFixed(2)),
  grad: (v) => shown(v, `${v >= 0 ? "+" : "\u2212"}${Math.abs(v).toFixed(2)}`),
};

// One panel: `box` {left, top, w, h} is the plot area in the svg's pixels; `spec` {name, values, range, ticks,
// title, yTitle, trueClass, zero}.
function drawPanel(parent, box, spec, look) {
  const g = svgNode("g", { class: `lsm-panel lsm-${spec.name}`, "data-panel": spec.name }, parent);
  const [lo, hi] = spec.range, n = spec.values.length, S = look.sizes;
  const y = (v) => box.top + ((hi - Math.min(hi, Math.max(lo, v))) / (hi - lo)) * box.h;
  const slot = box.w / n, barW = slot * (1 - look.bargap);
  for (const t of spec.ticks) {
    svgNode("line", { class: "lsm-grid", x1: box.left, x2: box.left + box.w, y1: y(t), y2: y(t) }, g);
    svgNode("text", { class: "lsm-tick", x: box.left - 6, y: y(t) + S.tick * 0.35, "text-anchor": "end", "font-size": S.tick },
      g, tickText(t));
  }
  if (spec.zero) svgNode("line", { x1: box.left, x2: box.left + box.w, y1: y(0), y2: y(0), stroke: look.zero_colour }, g);
  spec.values.forEach((v, k) => {
    const x = box.left + k * slot + (slot - barW) / 2, y0 = y(0), yv = y(v), mine = k === spec.trueClass;
    svgNode("rect", {
      class: "lsm-bar", "data-class": k, "data-value": v, x, y: Math.min(y0, yv), width: barW, height: Math.abs(yv - y0),
      fill: look.palette[k], stroke: mine ? look.true_colour : look.edge_colour,
      "stroke-width": mine ? look.true_width : look.edge_width,
    }, g);
    const label = BAR_TEXT[spec.name](v);
    if (label) {
      const gap = 4 + (mine ? look.true_width / 2 : look.edge_width / 2); // clear of the bar's outline
      const at = v >= 0 ? yv - gap : yv + gap + look.label_size * 0.8; // outside the bar: above it, or below a negative one
      svgNode("text", { class: "lsm-number", x: x + barW / 2, y: at, "text-anchor": "middle", "font-size": look.label_size }, g, label);
    }
    svgNode("text", {
      class: mine ? "lsm-class lsm-true" : "lsm-class", x: x + barW / 2, y: box.top + box.h + 6 + S.tick,
      "text-anchor": "middle", "font-size": S.tick, "font-weight": mine ? 700 : 400,
    }, g, mine ? `\u2714${k}` : String(k));
  });
  const middle = box.left + box.w / 2;
  svgNode("text", { x: middle, y: box.top + box.h + 12 + S.tick + S.font, "text-anchor": "middle", "font-size": S.font }, g,
    look.words.class);
  if (spec.title) svgNode("text", { class: "lsm-title", x: middle, y: box.top - S.font * 0.9, "text-anchor": "middle", "font-size": S.font }, g, spec.title);
  if (spec.yTitle) {
    const x = box.left - S.tick * 2.6 - 10, mid = box.top + box.h / 2;
    svgNode("text", { x, y: mid, transform: `rotate(-90 ${x} ${mid})`, "text-anchor": "middle", "font-size": S.font }, g, spec.yTitle);
  }
}

function clearChart(svg, width, height) { // everything but the <desc>, which carries the server's description
  for (const child of [...svg.children]) if (child.tagName !== "desc") child.remove();
  svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
  svg.setAttribute("width", width);
  svg.setAttribute("height", height);
}

const temperatureText = (T) => String(+T.toFixed(2)); // Python's f"{T:g}" for a slider in tenths

// The logits and probabilities side by side (or stacked in a narrow column) in `svg`, `width` px wide.
function drawProbabilities(svg, width, z, stats, T, trueClass, look) {
  const S = look.sizes, stacked = width < 600;
  const top = S.font * 2 + 10, bottom = S.tick + S.font * 1.6 + 18, left = S.tick * 2.6 + 10;
  const panelH = look.height - top - bottom, reach = Math.max(1, ...z.map(Math.abs)) * look.headroom.logits;
  const area = width - left - 10;
  const boxes = stacked ? [{ left, top, w: area, h: panelH }, { left, top: top * 2 + panelH + bottom, w: area, h: panelH }]
    : [{ left, top, w: area * 0.45, h: panelH }, { left: left + area * 0.55, top, w: area * 0.45, h: panelH }];
  const height = stacked ? 2 * look.height : look.height;
  clearChart(svg, width, height);
  drawPanel(svg, boxes[0], { name: "logits", values: z, range: [-reach, reach], trueClass, zero: true,
    ticks: niceTicks(-reach, reach, panelH / (S.tick * 2.5)), title: look.words.logits }, look);
  drawPanel(svg, boxes[1], { name: "probs", values: stats.probs, range: [0, look.headroom.probs], trueClass,
    ticks: look.prob_ticks, title: look.words.probs.replace("{T}", temperatureText(T)) }, look);
}

// The cross-entropy gradient per logit, with the zero line.
function drawGradient(svg, width, stats, trueClass, look) {
  const S = look.sizes, top = S.font * 2 + 10, bottom = S.tick + S.font * 1.6 + 18, left = S.tick * 2.6 + S.font * 1.6 + 14;
  const panelH = look.height - top - bottom, reach = Math.max(1, ...stats.grad.map(Math.abs)) * look.headroom.grad;
  clearChart(svg, width, look.height);
  drawPanel(svg, { left, top, w: width - left - 10, h: panelH }, { name: "grad", values: stats.grad, range: [-reach, reach],
    trueClass, zero: true, ticks: niceTicks(-reach, reach, panelH / (S.tick * 2.5)), title: look.words.grad,
    yTitle: look.words.grad_axis }, look);
}
