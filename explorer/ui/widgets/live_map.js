// Live latent map (Streamlit Components v2, no iframe): hovering decodes z in the browser on the
// next animation frame; only a click or a drag release sends z to Python (setTriggerValue "pick").
// live_map.py prepends live_decoder.js (compileDecoder) and live_draw.js (draw*) to this file.
// Two mounts share this module: "explorer.live_map_weights" (data = the decoder export on the
// session's first run, then only its id) and "explorer.live_map" (points, extent, picked z, sizes).

const DECODERS = new Map(); // decoder id -> compiled decoder or the Error that stopped it
const MOUNTS = new WeakMap(); // parentElement -> cleanup of its previous mount
const READY = "explorer-live-map-decoder";

function registerWeights(spec) {
  const have = DECODERS.get(spec.id);
  if (!have || have instanceof Error) {
    try {
      DECODERS.set(spec.id, compileDecoder(spec));
    } catch (err) {
      console.error("live map: decoder export not usable", err);
      DECODERS.set(spec.id, err);
    }
  }
  window.dispatchEvent(new CustomEvent(READY, { detail: spec.id }));
}

function el(tag, cls, parent) {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (parent) parent.appendChild(node);
  return node;
}

const fmt = (v) => (v < 0 ? "\u2212" : "\u2007") + Math.abs(v).toFixed(2);

function createMap(root, data, send) {
  const host = root.host || root; // isolated styles: root is a ShadowRoot
  const css = getComputedStyle(host);
  const ink = css.getPropertyValue("--st-text-color").trim() || "#31333F";
  const font = css.getPropertyValue("--st-font").trim() || "sans-serif";
  const { sizes, palette, extent, points, labels } = data;
  const [lo1, hi1, lo2, hi2] = extent;
  const dpr = window.devicePixelRatio || 1;

  const wrap = el("div", "lm", root);
  wrap.style.setProperty("--lm-font", `${sizes.font}px`);
  wrap.style.setProperty("--lm-tick", `${sizes.tick}px`);
  const canvas = el("canvas", "lm-map", el("div", "lm-mapbox", wrap));
  canvas.tabIndex = 0;
  canvas.setAttribute("role", "img");
  canvas.setAttribute("aria-label", "Latent map: hover to decode, click to pick z (arrow keys and Enter work too)");
  const side = el("div", "lm-side", wrap);
  const digit = el("canvas", "lm-digit", side);
  const readout = el("div", "lm-readout", side);
  const mode = el("div", "lm-mode", side);
  el("div", "lm-hint", side).textContent = "Hover: decoded in your browser. Click or drag-and-release: pick z.";
  const legend = el("div", "lm-legend", side);
  legend.setAttribute("aria-label", "digit colours");
  palette.forEach((c, k) => {
    const item = el("span", "lm-key", legend);
    el("span", "lm-dot", item).style.background = c;
    item.append(String(k));
  });

  const base = document.createElement("canvas"); // points and axes, redrawn only on resize
  const small = document.createElement("canvas"); // the decoded 28x28, scaled up without smoothing
  let box = { left: 0, top: 0, w: 1, h: 1 };
  const zToPx = (z1, z2) => [box.left + ((z1 - lo1) / (hi1 - lo1)) * box.w, box.top + ((hi2 - z2) / (hi2 - lo2)) * box.h];
  const clamp = (v, a, b) => Math.min(b, Math.max(a, v));
  const view = { box, zToPx, extent, sizes, palette, ink, font };
  const pxToZ = (x, y) => [
    clamp(lo1 + ((x - box.left) / box.w) * (hi1 - lo1), lo1, hi1),
    clamp(hi2 - ((y - box.top) / box.h) * (hi2 - lo2), lo2, hi2),
  ];

  function drawBase(cssW, cssH) {
    for (const c of [canvas, base]) {
      c.width = Math.round(cssW * dpr);
      c.height = Math.round(cssH * dpr);
    }
    canvas.style.width = `${cssW}px`;
    canvas.style.height = `${cssH}px`;
    const left = sizes.tick * 2.6 + sizes.font * 1.6, bottom = sizes.tick * 1.6 + sizes.font * 1.7;
    view.box = box = { left, top: 8, w: cssW - left - 10, h: cssH - 8 - bottom };
    const g = base.getContext("2d");
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    drawAxes(g, view, cssH);
    drawPoints(g, view, points, labels);
  }

  let picked = data.z ? [data.z[0], data.z[1]] : null;
  let hover = null, dragging = false, raf = 0, shown = null, decoder = null;
  let image = null, cssSize = [0, 0], failed = false;
  const api = {
    decodes: 0, frames: 0, lastDecodeMs: 0, totalDecodeMs: 0,
    get ready() { return decoder !== null; },
    decode: (z1, z2) => decoder.decodeInto([z1, z2], new Float32Array(decoder.height * decoder.width)),
    zToClient: (z1, z2) => {
      const rect = canvas.getBoundingClientRect(), [x, y] = zToPx(z1, z2);
      return { x: rect.left + x, y: rect.top + y };
    },
    get shownZ() { return shown; },
  };

  function drawDigit(z) {
    const t0 = performance.now();
    decoder.decodeInto(z, image);
    api.lastDecodeMs = performance.now() - t0;
    api.totalDecodeMs += api.lastDecodeMs;
    api.decodes += 1;
    const g = small.getContext("2d"), px = g.createImageData(decoder.width, decoder.height);
    for (let i = 0; i < image.length; i++) {
      const v = Math.round(image[i] * 255);
      px.data[4 * i] = px.data[4 * i + 1] = px.data[4 * i + 2] = v;
      px.data[4 * i + 3] = 255;
    }
    g.putImageData(px, 0, 0);
    const d = digit.getContext("2d");
    d.imageSmoothingEnabled = false; // whole-pixel squares, as the rest of the app shows digits
    d.drawImage(small, 0, 0, digit.width, digit.height);
  }

  function frame() {
    raf = 0;
    api.frames += 1;
    const z = hover || picked || [(lo1 + hi1) / 2, (lo2 + hi2) / 2];
    if (decoder && (!shown || shown[0] !== z[0] || shown[1] !== z[1])) {
      drawDigit(z);
      shown = z;
    }
    readout.textContent = `z\u2081 = ${fmt(z[0])}   z\u2082 = ${fmt(z[1])}`;
    mode.textContent = failed ? "live decoding unavailable: use the click map" : !decoder ? "loading the decoder\u2026" : hover ? (dragging ? "dragging" : "under the cursor") : picked ? "picked" : "centre of the map";
    const g = canvas.getContext("2d");
    g.setTransform(1, 0, 0, 1, 0, 0);
    g.clearRect(0, 0, canvas.width, canvas.height);
    g.drawImage(base, 0, 0);
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    if (picked) drawPin(g, view, picked);
    if (hover) drawCursor(g, view, hover);
  }
  const schedule = () => { if (!raf) raf = requestAnimationFrame(frame); };

  function layout() {
    const total = wrap.clientWidth;
    // a narrow column shrinks the digit before the map: both must stay in view while hovering
    const px = Math.round(Math.min(sizes.digit_px, Math.max(150, total * 0.32)));
    const wide = total - px - 24 >= 300; // the digit beside the map, else below it
    wrap.classList.toggle("lm-stacked", !wide);
    const w = Math.max(240, wide ? total - px - 24 : total);
    const h = Math.round(Math.min(w * 0.8, sizes.digit_px * 2.3, Math.max(300, window.innerHeight * 0.62)));
    if (w === cssSize[0] && h === cssSize[1] && px === cssSize[2]) return;
    cssSize = [w, h, px];
    side.style.width = digit.style.width = digit.style.height = `${px}px`;
    digit.width = digit.height = Math.round(px * dpr);
    shown = null; // resizing cleared the digit canvas: draw it again
    drawBase(w, h);
    schedule();
  }

  const at = (e) => {
    const rect = canvas.getBoundingClientRect();
    return pxToZ(e.clientX - rect.left, e.clientY - rect.top);
  };
  const on = {
    pointermove: (e) => { hover = at(e); schedule(); },
    pointerdown: (e) => {
      if (e.button !== 0) return;
      dragging = true;
      canvas.setPointerCapture(e.pointerId);
      hover = at(e);
      schedule();
    },
    pointerup: (e) => {
      if (!dragging) return;
      dragging = false;
      const z = at(e);
      hover = z;
      pickAndShow(z);
    },
    pointercancel: () => { dragging = false; },
    pointerleave: () => { if (!dragging) { hover = null; schedule(); } },
    keydown: (e) => {
      const z = hover || picked || [(lo1 + hi1) / 2, (lo2 + hi2) / 2];
      const d1 = (hi1 - lo1) / 40, d2 = (hi2 - lo2) / 40;
      const moves = { ArrowLeft: [-d1, 0], ArrowRight: [d1, 0], ArrowUp: [0, d2], ArrowDown: [0, -d2] };
      if (moves[e.key]) {
        hover = [clamp(z[0] + moves[e.key][0], lo1, hi1), clamp(z[1] + moves[e.key][1], lo2, hi2)];
        schedule();
      } else if (e.key === "Enter" || e.key === " ") {
        pickAndShow(z);
      } else return;
      e.preventDefault();
    },
    blur: () => { hover = null; schedule(); },
  };
  function pickAndShow(z) {
    picked = [z[0], z[1]]; // the pin moves now; the rerun that follows confirms it
    send("pick", [+z[0].toFixed(4), +z[1].toFixed(4)]);
    schedule();
  }
  for (const [name, fn] of Object.entries(on)) canvas.addEventListener(name, fn);

  const onReady = (e) => {
    const found = DECODERS.get(e ? e.detail : data.decoder_id);
    if (e && e.detail !== data.decoder_id) return;
    if (found instanceof Error) {
      failed = true;
      schedule();
    } else if (found) {
      decoder = found;
      image = new Float32Array(decoder.height * decoder.width);
      small.width = decoder.width;
      small.height = decoder.height;
      schedule();
    }
  };
  window.addEventListener(READY, onReady);
  onReady(null);

  const observer = new ResizeObserver(layout);
  observer.observe(wrap);
  layout();

  window.__liveMaps = window.__liveMaps || {};
  window.__liveMaps[data.target] = api;
  window.__liveMap = api;
  return () => {
    observer.disconnect();
    window.removeEventListener(READY, onReady);
    for (const [name, fn] of Object.entries(on)) canvas.removeEventListener(name, fn);
    if (raf) cancelAnimationFrame(raf);
    raf = 0;
    wrap.remove();
    if (window.__liveMaps[data.target] === api) delete window.__liveMaps[data.target];
    if (window.__liveMap === api) delete window.__liveMap;
  };
}

function showError(root, err) {
  console.error("live map failed", err);
  const box = el("div", "lm-error", root);
  box.textContent = "The live map could not start in this browser; the click map still works.";
  return () => box.remove();
}

export default function mount({ parentElement, data, setTriggerValue }) {
  MOUNTS.get(parentElement)?.(); // Streamlit re-calls us on new data or theme without the old cleanup
  let cleanup = () => {};
  if (data && data.layers) registerWeights(data);
  else if (data && data.id && !data.points) {
    if (!DECODERS.has(data.id)) setTriggerValue("missing", data.id); // this page never got it: ask again
  } else if (data) {
    try {
      cleanup = createMap(parentElement, data, setTriggerValue);
    } catch (err) {
      cleanup = showError(parentElement, err);
    }
  }
  let done = false;
  const once = () => { if (!done) { done = true; cleanup(); } };
  MOUNTS.set(parentElement, once);
  return once;
}
