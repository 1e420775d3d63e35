// Live latent map (Streamlit Components v2, no iframe): the VAE decoder runs in the browser, so the
// digit follows the mouse, a drag, the z1/z2 range inputs and the arrow keys on every animation frame.
// Only a release (click, end of a drag, a range's `change`, Enter) sends z to Python: setTriggerValue("pick").
// live_map.py prepends live_decoder.js (compileDecoder) and live_draw.js (draw*) to this file.
// Three mounts share this module: "explorer.live_map_weights" (data = the decoder export as JSON bytes on the
// session's first run, then only its id), "explorer.live_map" (extent, z, sizes; the codes and labels on a
// page's first run, then only their id) and "explorer.live_map_overlays" (what a part of the page further
// down draws on the map: its own run sends them, and the map redraws without a run of its own).

const DECODERS = new Map(); // decoder id -> compiled decoder or the Error that stopped it
const CODES = new Map(); // codes id -> {points, labels}, kept from the run that carried them
const MAPS = new WeakMap(); // parentElement -> its map: new data updates it in place (focus and drags survive)
const READY = "explorer-live-map-decoder";
const OVERLAYS = new Map(); // map key -> the overlays its overlay mount sent last
const OVERLAID = "explorer-live-map-overlays";
const STEP = 0.01; // the resolution of z: the ranges' step and what the link keeps

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

function setOverlays(target, overlays) {
  OVERLAYS.set(target, overlays || []);
  window.dispatchEvent(new CustomEvent(OVERLAID, { detail: target }));
}

function el(tag, cls, parent) {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (parent) parent.appendChild(node);
  return node;
}

const fmt = (v) => (v < -0.004 ? "\u2212" : "") + Math.abs(v).toFixed(2);
const snap = (v) => +(Math.round(v / STEP) * STEP).toFixed(2);
const same = (a, b) => !!a && !!b && a[0] === b[0] && a[1] === b[1];
const clamp = (v, a, b) => Math.min(b, Math.max(a, v));
const NAMES = ["z\u2081", "z\u2082"];

function bytesOf(b64) {
  const bin = atob(b64), out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

function createMap(root, data, send) {
  const host = root.host || root; // isolated styles: root is a ShadowRoot
  const css = getComputedStyle(host);
  const ink = css.getPropertyValue("--st-text-color").trim() || "#31333F";
  const font = css.getPropertyValue("--st-font").trim() || "sans-serif";
  const dpr = window.devicePixelRatio || 1;
  const uid = String(data.target).replace(/[^\w-]/g, "_");

  const wrap = el("div", "lm", root);
  const mapbox = el("div", "lm-mapbox", wrap);
  const canvas = el("canvas", "lm-map", mapbox);
  canvas.tabIndex = 0;
  canvas.setAttribute("role", "application");
  canvas.setAttribute("aria-roledescription", "latent map");
  canvas.setAttribute("aria-label", "Latent map of the digits. Hover to decode a point. Click or drag to "
    + "choose z; with the keyboard, arrow keys move z (Shift for small steps) and Enter keeps it.");
  const side = el("div", "lm-side", wrap);
  const digit = el("canvas", "lm-digit", side);
  digit.setAttribute("role", "img");
  const mode = el("div", "lm-mode", side);
  const ranges = [0, 1].map((k) => {
    const row = el("div", "lm-range", side);
    const label = el("label", "lm-range-name", row);
    const input = el("input", null, row);
    const out = el("output", "lm-range-value", row);
    input.type = "range";
    input.id = `${uid}-z${k + 1}`;
    input.step = String(STEP);
    label.htmlFor = out.htmlFor = input.id;
    label.textContent = NAMES[k];
    return { input, out };
  });
  const legend = el("div", "lm-legend", side);
  legend.setAttribute("aria-label", "digit colours");
  const keys = el("div", "lm-keys", side);
  el("div", "lm-hint", side).textContent = "Keys: on the map, arrows move z (with Shift in steps of 0.01) "
    + "and Enter keeps it.";

  const base = document.createElement("canvas"); // axes, dots and overlays: redrawn only when they change
  const small = document.createElement("canvas"); // the decoded 28x28, scaled up without smoothing
  const view = { box: { left: 0, top: 0, w: 1, h: 1 }, extent: data.extent, sizes: data.sizes, palette: data.palette, ink, font };
  view.zToPx = (z1, z2) => {
    const { box, extent: [lo1, hi1, lo2, hi2] } = view;
    return [box.left + ((z1 - lo1) / (hi1 - lo1)) * box.w, box.top + ((hi2 - z2) / (hi2 - lo2)) * box.h];
  };
  const pxToZ = (x, y) => {
    const { box, extent: [lo1, hi1, lo2, hi2] } = view;
    return [snap(clamp(lo1 + ((x - box.left) / box.w) * (hi1 - lo1), lo1, hi1)),
            snap(clamp(hi2 - ((y - box.top) / box.h) * (hi2 - lo2), lo2, hi2))];
  };
  const centre = () => [snap((view.extent[0] + view.extent[1]) / 2), snap((view.extent[2] + view.extent[3]) / 2)];

  let point = data.z ? [data.z[0], data.z[1]] : centre(); // z: the white star, the ranges, what a release sends
  let held = point.slice(); // the z Python holds
  let pending = null, pendingAt = 0; // a pick sent whose rerun has not come back yet
  let hover = null, dragging = false, sliding = false, raf = 0, shown = null;
  let decoder = null, failed = false, image = null, serverImage = null, cssSize = [0, 0, 0, 0];
  const api = {
    decodes: 0, frames: 0, redraws: 0, picks: 0, lastDecodeMs: 0, totalDecodeMs: 0, paintedAt: 0, paintedPoint: null,
    get ready() { return decoder !== null; },
    get failed() { return failed; },
    decode: (z1, z2) => decoder.decodeInto([z1, z2], new Float32Array(decoder.height * decoder.width)),
    zToClient: (z1, z2) => {
      const rect = canvas.getBoundingClientRect(), [x, y] = view.zToPx(z1, z2);
      return { x: rect.left + x, y: rect.top + y };
    },
    nearestDotPx: (cx, cy) => { // page px from (cx, cy) to the closest digit's dot
      const rect = canvas.getBoundingClientRect(), p = data.points;
      let best = Infinity;
      for (let i = 0; i + 1 < p.length; i += 2) {
        const [x, y] = view.zToPx(p[i], p[i + 1]);
        best = Math.min(best, Math.hypot(rect.left + x - cx, rect.top + y - cy));
      }
      return best;
    },
    get shownZ() { return shown; },
    get shownImage() { return image ? Array.from(image) : null; }, // the floats the digit canvas shows
    get point() { return point.slice(); },
  };

  function paintDigit(values, w, h) {
    const g = small.getContext("2d"), px = g.createImageData(w, h);
    for (let i = 0; i < values.length; i++) {
      const v = Math.round(values[i] * 255);
      px.data[4 * i] = px.data[4 * i + 1] = px.data[4 * i + 2] = v;
      px.data[4 * i + 3] = 255;
    }
    small.width = w;
    small.height = h;
    g.putImageData(px, 0, 0);
    const d = digit.getContext("2d");
    d.imageSmoothingEnabled = false; // whole-pixel squares, as the rest of the app shows digits
    d.drawImage(small, 0, 0, digit.width, digit.height);
  }

  function showDigit(z) {
    if (decoder) {
      const t0 = performance.now();
      decoder.decodeInto(z, image);
      api.lastDecodeMs = performance.now() - t0;
      api.totalDecodeMs += api.lastDecodeMs;
      api.decodes += 1;
      paintDigit(image, decoder.width, decoder.height);
      return z;
    }
    if (!serverImage) return null; // nothing to show until the decoder or the server's picture arrives
    const side = Math.round(Math.sqrt(serverImage.length));
    image = Float32Array.from(serverImage, (v) => v / 255);
    paintDigit(image, side, side);
    return data.z ? [data.z[0], data.z[1]] : null;
  }

  function frame() {
    raf = 0;
    api.frames += 1;
    const z = hover && !dragging ? hover : point;
    const want = decoder ? z : data.z; // without a decoder only the server's picture of its z can be shown
    if (want && !same(shown, want)) {
      shown = showDigit(want);
      if (shown) api.redraws += 1;
    }
    digit.setAttribute("aria-label", `decoded digit at z\u2081 = ${fmt(z[0])}, z\u2082 = ${fmt(z[1])}`);
    ranges.forEach(({ input, out }, k) => {
      if (input.valueAsNumber !== point[k]) input.value = point[k].toFixed(2);
      out.textContent = fmt(point[k]);
      input.setAttribute("aria-valuetext", fmt(point[k]));
    });
    mode.textContent = failed ? "This browser cannot run the decoder: let go of a point and the server draws it."
      : !decoder ? "Loading the decoder\u2026"
      : dragging ? "Decoded while you drag" : hover ? `Under the cursor: (${fmt(z[0])}, ${fmt(z[1])})`
      : "Decoded at z, the white star";
    const g = canvas.getContext("2d");
    g.setTransform(1, 0, 0, 1, 0, 0);
    g.clearRect(0, 0, canvas.width, canvas.height);
    g.drawImage(base, 0, 0);
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    drawStar(g, view, point, data.star);
    if (hover && !dragging) drawCursor(g, view, hover);
    api.paintedAt = performance.now();
    api.paintedPoint = point.slice();
  }
  const schedule = () => { if (!raf) raf = requestAnimationFrame(frame); };

  function drawBase(cssW, cssH) {
    for (const c of [canvas, base]) {
      c.width = Math.round(cssW * dpr);
      c.height = Math.round(cssH * dpr);
    }
    canvas.style.width = `${cssW}px`;
    canvas.style.height = `${cssH}px`;
    const g = base.getContext("2d");
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.clearRect(0, 0, cssW, cssH);
    drawAxes(g, view, cssH);
    drawPoints(g, view, data.points, data.labels);
    drawClassLabels(g, view, data.points, data.labels);
    drawOverlays(g, view, overlays());
  }

  function layout(force) {
    const { sizes } = view, total = wrap.clientWidth, gap = 24;
    // the digit beside the map, both in the first screen: the map is as big as the room left allows
    const px = Math.round(Math.min(sizes.digit_px, Math.max(140, total * 0.3)));
    const top = Math.max(0, wrap.getBoundingClientRect().top + window.scrollY);
    const room = Math.max(300, Math.min(window.innerHeight - top - 12, 780));
    const wide = total - px - gap >= 300;
    wrap.classList.toggle("lm-stacked", !wide);
    const g = base.getContext("2d"), [, , lo2, hi2] = view.extent; // room for the widest z2 tick label
    g.font = `${sizes.tick}px ${font}`;
    const labels = niceTicks(lo2, hi2, 10).map((t) => g.measureText(minus(t)).width);
    const reach = Math.ceil(sizes.marker * 1.5 * 1.1) + 2; // the star at z on the map's edge is drawn whole
  const left = Math.max(...labels, 0) + 10 + sizes.font * 1.3, right = reach, up = reach;
    const bottom = sizes.tick * 1.3 + sizes.font * 1.3 + 8;
    const across = wide ? total - px - gap : total;
    const plot = Math.max(160, Math.floor(Math.min(across - left - right, room - up - bottom))); // a square plot: the prior is round
    const w = Math.round(plot + left + right), h = Math.round(plot + up + bottom);
    const sideW = wide ? Math.max(px, Math.min(total - w - gap, px + 120)) : total; // longer ranges are easier to drag
    if (!force && w === cssSize[0] && h === cssSize[1] && sideW === cssSize[2]) return;
    cssSize = [w, h, sideW];
    view.box = { left, top: up, w: plot, h: plot };
    mapbox.style.width = `${w}px`;
    side.style.width = `${sideW}px`;
    digit.style.width = digit.style.height = `${px}px`;
    digit.width = digit.height = Math.round(px * dpr);
    shown = null; // resizing cleared the digit canvas: draw it again
    drawBase(w, h);
    schedule();
  }

  function fillKeys() {
    legend.replaceChildren();
    view.palette.forEach((c, k) => {
      const item = el("span", "lm-key", legend);
      el("span", "lm-dot", item).style.background = c;
      item.append(String(k));
    });
    keys.replaceChildren();
    for (const o of overlays()) {
      if (!o.label) continue;
      const item = el("div", "lm-key", keys);
      el("span", o.kind === "path" ? "lm-line" : "lm-star", item).style.color = o.color || "#000";
      item.append(o.label);
    }
    const [lo1, hi1, lo2, hi2] = view.extent;
    ranges.forEach(({ input }, k) => {
      input.min = String(k ? lo2 : lo1);
      input.max = String(k ? hi2 : hi1);
    });
    wrap.style.setProperty("--lm-font", `${view.sizes.font}px`);
    wrap.style.setProperty("--lm-tick", `${view.sizes.tick}px`);
    wrap.style.setProperty("--lm-thumb", `${Math.round(view.sizes.font * 1.1)}px`);
  }

  function commit() {
    if (same(point, held)) return;
    held = point.slice();
    pending = held;
    pendingAt = performance.now();
    api.picks += 1;
    send("pick", [point[0], point[1]]);
  }

  const at = (e) => {
    const rect = canvas.getBoundingClientRect();
    return pxToZ(e.clientX - rect.left, e.clientY - rect.top);
  };
  const onCanvas = {
    pointermove: (e) => {
      if (dragging) point = at(e);
      else hover = at(e);
      schedule();
    },
    pointerdown: (e) => {
      if (e.button !== 0) return;
      dragging = true;
      canvas.setPointerCapture(e.pointerId);
      point = at(e);
      schedule();
    },
    pointerup: (e) => {
      if (!dragging) return;
      dragging = false;
      point = at(e);
      hover = point.slice();
      commit();
      schedule();
    },
    pointercancel: () => { dragging = false; commit(); schedule(); },
    pointerleave: () => { if (!dragging) { hover = null; schedule(); } },
    keydown: (e) => {
      const [lo1, hi1, lo2, hi2] = view.extent;
      const d = e.shiftKey ? [STEP, STEP] : [(hi1 - lo1) / 50, (hi2 - lo2) / 50];
      const moves = { ArrowLeft: [-d[0], 0], ArrowRight: [d[0], 0], ArrowUp: [0, d[1]], ArrowDown: [0, -d[1]] };
      if (moves[e.key]) {
        point = [snap(clamp(point[0] + moves[e.key][0], lo1, hi1)), snap(clamp(point[1] + moves[e.key][1], lo2, hi2))];
        hover = null;
      } else if (e.key === "Enter" || e.key === " ") {
        commit();
      } else if (e.key === "Escape") {
        point = held.slice();
      } else return;
      e.preventDefault();
      schedule();
    },
    blur: () => { hover = null; commit(); schedule(); }, // arrow-key moves are kept when focus leaves
  };
  for (const [name, fn] of Object.entries(onCanvas)) canvas.addEventListener(name, fn);
  ranges.forEach(({ input }, k) => {
    input.addEventListener("pointerdown", () => { sliding = true; });
    input.addEventListener("input", () => {
      sliding = true;
      point = k ? [point[0], snap(input.valueAsNumber)] : [snap(input.valueAsNumber), point[1]];
      hover = null;
      schedule();
    });
    input.addEventListener("change", () => { sliding = false; commit(); schedule(); });
    input.addEventListener("pointerup", () => { sliding = false; });
  });

  function useDecoder() {
    const found = DECODERS.get(data.decoder_id);
    failed = found instanceof Error || !data.decoder_id;
    if (found && !failed && found !== decoder) {
      decoder = found;
      image = new Float32Array(decoder.height * decoder.width);
      shown = null;
    }
    schedule();
  }
  const onReady = (e) => { if (e.detail === data.decoder_id) useDecoder(); };
  window.addEventListener(READY, onReady);
  function overlays() { // the map's own, then those its overlay mount sent
    return [...(data.overlays || []), ...(OVERLAYS.get(data.target) || [])];
  }
  const onOverlays = (e) => { if (e.detail === data.target) { fillKeys(); layout(true); } };
  window.addEventListener(OVERLAID, onOverlays);

  function update(next, nextSend) {
    data = next;
    send = nextSend;
    view.extent = data.extent;
    view.sizes = data.sizes;
    view.palette = data.palette;
    serverImage = data.image ? bytesOf(data.image) : null;
    const z = data.z ? [data.z[0], data.z[1]] : centre();
    if (same(z, pending)) pending = null;
    const stale = pending && performance.now() - pendingAt < 3000; // the rerun of an older move
    if (!stale) {
      pending = null;
      held = z.slice();
      if (!dragging && !sliding) point = z.slice(); // a hand on the control keeps its point
    }
    if (!decoder) shown = null;
    useDecoder();
    fillKeys();
    layout(true);
  }

  const observer = new ResizeObserver(() => layout(false));
  observer.observe(wrap);
  const onResize = () => layout(false); // a taller window leaves more room for the map
  window.addEventListener("resize", onResize);
  update(data, send);
  window.__liveMaps = window.__liveMaps || {};
  window.__liveMaps[data.target] = api;
  window.__liveMap = api;

  function destroy() {
    observer.disconnect();
    window.removeEventListener(READY, onReady);
    window.removeEventListener(OVERLAID, onOverlays);
    window.removeEventListener("resize", onResize);
    for (const [name, fn] of Object.entries(onCanvas)) canvas.removeEventListener(name, fn);
    if (raf) cancelAnimationFrame(raf);
    raf = 0;
    wrap.remove();
    if (window.__liveMaps[data.target] === api) delete window.__liveMaps[data.target];
    if (window.__liveMap === api) delete window.__liveMap;
  }
  return { update, destroy, target: data.target };
}

function showError(root, err) {
  console.error("live map failed", err);
  const box = el("div", "lm-error", root);
  box.textContent = "The live map could not start in this browser.";
  return () => box.remove();
}

const WEIGHTS_WAIT = { waitClass: "lm-wait", waitText: "Loading the decoder…",
                       lostText: "The decoder did not arrive. Reload the page to try again." };
const CODES_WAIT = { waitClass: "lm-wait", waitText: "Loading the map's points…",
                     lostText: "The map's points did not arrive. Reload the page to try again." };

export default function mount({ parentElement, data, setTriggerValue }) {
  if (data instanceof Uint8Array) data = JSON.parse(new TextDecoder().decode(data)); // the export, sent as JSON bytes
  if (data && data.overlays_for) {
    setOverlays(data.overlays_for, data.overlays);
    return () => {};
  }
  if (data && data.layers) {
    registerWeights(data);
    stopAsking(parentElement);
    return () => {};
  }
  if (data && data.id && !data.points) { // this page never got the decoder: ask until it comes
    if (!DECODERS.has(data.id)) askFor(parentElement, data.id, (id) => DECODERS.has(id), setTriggerValue, WEIGHTS_WAIT);
    return () => {};
  }
  if (!data) return () => {};
  if (data.points) CODES.set(data.codes_id, { points: data.points, labels: data.labels });
  const codes = CODES.get(data.codes_id);
  if (!codes) { // this page never got them (a run cut short): ask until they come and keep the map as it is
    askFor(parentElement, data.codes_id, (id) => CODES.has(id), setTriggerValue, CODES_WAIT);
    return () => {};
  }
  stopAsking(parentElement);
  data = { ...data, points: codes.points, labels: codes.labels };
  let live = MAPS.get(parentElement);
  if (live) {
    live.update(data, setTriggerValue); // Streamlit re-calls us with new data and does not clean up first
  } else {
    try {
      live = createMap(parentElement, data, setTriggerValue);
    } catch (err) {
      return showError(parentElement, err);
    }
    MAPS.set(parentElement, live);
  }
  const mine = live;
  return () => {
    if (MAPS.get(parentElement) === mine) {
      MAPS.delete(parentElement);
      mine.destroy();
    }
  };
}
