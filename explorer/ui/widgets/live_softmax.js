// Live softmax (Streamlit Components v2, no iframe): the temperature, the true class and the ten logits are
// the widget's own controls. Every `input` event recomputes softmax, the loss and its gradient
// (live_softmax_math.js) and redraws both SVG charts on the next animation frame (live_softmax_draw.js);
// nothing goes to the server meanwhile. Letting go — `change` after a drag, the key's release after arrow
// keys, a new true class — sends every value once as the "release" trigger (live_softmax.py writes them
// to session state). Python's values are the truth: a value it changes (a button, a link, a lesson) is taken.

const HELD_KEYS = new Set(["ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown", "PageUp", "PageDown", "Home", "End"]);
let uid = 0;

function el(tag, cls, parent) {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (parent) parent.appendChild(node);
  return node;
}

const decimals = (step) => Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
const fixed = (v, d) => minusSign(v.toFixed(d));

function valuesOf(data) {
  return { ...Object.fromEntries(Object.entries(data.controls).map(([n, c]) => [n, c.value])), true: data.true.value };
}

function shapeOf(data) { // everything but the values and the words: when it changes, the widget is built anew
  const controls = Object.fromEntries(Object.entries(data.controls).map(([n, c]) => [n, { ...c, value: null }]));
  return JSON.stringify({ ...data, controls, true: { ...data.true, value: null }, words: null });
}

function createWidget(root, data, firstSend) {
  let send = firstSend, server = data, held = false, pending = false, raf = 0;
  const look = data.look, S = look.sizes, id = `lsm${++uid}`, logitNames = Object.keys(data.controls).filter((n) => n !== "T");
  const outer = el("div", "lsm", root);
  outer.style.setProperty("--lsm-font", `${S.font}px`);
  outer.style.setProperty("--lsm-thumb", `${Math.round(S.font * 1.2)}px`);
  const chart = (cls) => {
    const svg = svgNode("svg", { class: `lsm-chart ${cls}`, role: "img" }, outer);
    svgNode("desc", {}, svg);
    return svg;
  };
  const probsChart = chart("lsm-probs-chart");
  const panel = el("div", "lsm-controls", outer);
  const live = el("p", "lsm-live", outer);
  const gradChart = chart("lsm-grad-chart");

  // ---- the controls: native, labelled range inputs and a select
  const values = valuesOf(data), inputs = {};
  function setInput(name, v) {
    const { input, out, spec } = inputs[name];
    input.value = v;
    if (!out) return; // the select shows its own value
    out.textContent = fixed(v, decimals(spec.range[2]));
    input.setAttribute("aria-valuetext", out.textContent);
  }
  function control(parent, name, spec) {
    const range = name !== "true", box = el("div", `lsm-control lsm-${range ? (name === "T" ? "T" : "logit") : "true"}`, parent);
    const label = el("label", "", box), input = el(range ? "input" : "select", "", box);
    label.htmlFor = input.id = `${id}-${name}`;
    el("span", "lsm-name", label).textContent = spec.label;
    input.name = name;
    input.setAttribute("aria-label", spec.label); // the name without the value, which aria-valuetext carries
    if (range) {
      input.type = "range";
      [input.min, input.max, input.step] = spec.range;
    } else {
      for (const k of spec.choices) el("option", "", input).textContent = String(k);
    }
    if (spec.help) { // the page's help text: a tooltip, and the control's description for a screen reader
      box.title = spec.help;
      const hint = el("span", "lsm-sr", box);
      hint.id = `${input.id}-help`;
      hint.textContent = spec.help;
      input.setAttribute("aria-describedby", hint.id);
    }
    inputs[name] = { input, out: range ? el("output", "lsm-value", label) : null, spec };
    setInput(name, values[name]);
    input.addEventListener("input", () => {
      values[name] = range ? +Number(input.value).toFixed(decimals(spec.range[2])) : Number(input.value);
      setInput(name, values[name]);
      schedule();
    });
    // a held arrow key fires `change` at every repeat: send once, when the key goes up
    input.addEventListener("change", () => { if (held) pending = true; else release(); });
    input.addEventListener("keydown", (e) => { if (HELD_KEYS.has(e.key)) held = true; });
    input.addEventListener("keyup", (e) => {
      if (!HELD_KEYS.has(e.key)) return;
      held = false;
      if (pending) release();
    });
    input.addEventListener("blur", () => { held = false; if (pending) release(); });
  }
  const top = el("div", "lsm-top", panel);
  control(top, "T", data.controls.T);
  control(top, "true", data.true);
  const heading = el("p", "lsm-heading", panel);
  heading.id = `${id}-logits`;
  el("b", "", heading).textContent = data.logits_heading[0];
  heading.append(data.logits_heading[1]);
  const grid = el("div", "lsm-logits", panel);
  grid.setAttribute("role", "group");
  grid.setAttribute("aria-labelledby", heading.id);
  for (const name of logitNames) control(grid, name, data.controls[name]);

  // ---- the server's words: each chart's accessible name and description (its "In words" line)
  function setWords(words) {
    for (const [svg, [name, text]] of [[probsChart, words.probs], [gradChart, words.grad]]) {
      if (svg.getAttribute("aria-label") !== name) svg.setAttribute("aria-label", name);
      const desc = svg.querySelector("desc");
      if (desc.textContent !== text) desc.textContent = text;
    }
  }
  setWords(data.words);

  const recent = []; // releases whose rerun has not come back yet (the oldest first)
  const api = {
    redraws: 0, releases: 0, lastRelease: null, lastDrawMs: 0,
    get values() { return { ...values }; },
    get stats() { return softmaxStats(logitNames.map((n) => values[n]), values.T, values.true); },
  };
  function release() {
    pending = false;
    const sent = { ...values };
    recent.push(sent);
    if (recent.length > 16) recent.shift();
    api.releases += 1;
    api.lastRelease = sent;
    send("release", sent);
  }

  // ---- drawing, at most once per animation frame
  const bold = (text) => { const b = el("b"); b.textContent = text; return b; };
  let width = Math.max(280, Math.floor(outer.clientWidth || 800));
  const schedule = () => { if (!raf) raf = requestAnimationFrame(frame); };
  function frame() {
    raf = 0;
    const t0 = performance.now();
    const z = logitNames.map((n) => values[n]), k = values.true, stats = softmaxStats(z, values.T, k);
    drawProbabilities(probsChart, width, z, stats, values.T, k, look);
    drawGradient(gradChart, width, stats, k, look);
    const p = data.live_words;
    live.replaceChildren(`${p.prob}(${k}) = `, bold(fixed(stats.probs[k], 3)), ` \u00b7 ${p.loss} = \u2212log p(${k}) = `,
      bold(fixed(stats.loss, 3)));
    api.redraws += 1;
    api.lastDrawMs = performance.now() - t0;
  }
  const observer = new ResizeObserver((entries) => {
    const w = Math.max(280, Math.floor(entries[entries.length - 1].contentRect.width));
    outer.classList.toggle("lsm-narrow", w < 640);
    if (w !== width) {
      width = w;
      schedule();
    }
  });
  observer.observe(outer);
  schedule();

  window.__liveSoftmaxes = window.__liveSoftmaxes || {};
  window.__liveSoftmaxes[data.target] = api;
  window.__liveSoftmax = api;

  return {
    shape: shapeOf(data),
    update(next, nextSend) { // same widget, new data from Python: take only the values Python changed itself
      send = nextSend;
      const told = valuesOf(next), before = valuesOf(server);
      // a release's rerun carries its values back: they must not undo a move made since
      const echoed = (name, v) => recent.some((sent) => sent[name] === v);
      const back = recent.findIndex((sent) => Object.keys(told).every((n) => sent[n] === told[n]));
      server = next;
      let changed = false;
      for (const [name, v] of Object.entries(told)) { // a re-render may repeat old data: only what differs from it
        if (v !== values[name] && v !== before[name] && !echoed(name, v)) {
          values[name] = v;
          setInput(name, v);
          changed = true;
        }
      }
      if (back >= 0) recent.splice(0, back + 1); // that release and the older ones are answered
      setWords(next.words);
      if (changed) schedule();
    },
    focused() { const a = root.activeElement; return a && a.name ? a.name : null; },
    focus(name) { inputs[name]?.input.focus(); },
    destroy() {
      observer.disconnect();
      if (raf) cancelAnimationFrame(raf);
      raf = 0;
      outer.remove();
      if (window.__liveSoftmaxes[data.target] === api) delete window.__liveSoftmaxes[data.target];
      if (window.__liveSoftmax === api) delete window.__liveSoftmax;
    },
  };
}

function mountWidget(parentElement, data, setTriggerValue) {
  return mountInPlace(parentElement, data, setTriggerValue, KIND);
}

const KIND = { name: "live softmax", shapeOf, create: createWidget, mount: mountWidget,
               errorClass: "lsm-error", errorText: "The live bars could not start in this browser." };

export default function mount(args) {
  return mountSafely(args, KIND);
}
