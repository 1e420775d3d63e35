"""Browser timings in headless Chromium (Debian's, through Playwright): cold start, click -> image, live map."""

from __future__ import annotations

import contextlib
import statistics
import time

from explorer.bench.server import FLOOR_CLICK_SCRIPT, chromium, streamlit_server

VIEWPORT = {"width": 1280, "height": 720}
# rendered = the script finished (no running indicator) and the main area holds real content
RENDERED_JS = """(needs) => !document.querySelector('[data-testid="stStatusWidget"]')
  && document.querySelectorAll('[data-testid="stMain"] *').length > 20
  && needs.every(sel => document.querySelector(sel))"""
# complete: the script finished, the title is there, every chart has drawn and every image has loaded
COMPLETE_JS = """() => { const main = document.querySelector('[data-testid="stMain"]');
  if (!main || document.querySelector('[data-testid="stStatusWidget"]') || !main.querySelector('h1')) return false;
  const charts = [...main.querySelectorAll('[data-testid="stPlotlyChart"]')];
  const images = [...main.querySelectorAll('img')];
  return charts.every(c => c.querySelector('.main-svg')) && images.every(i => i.complete && i.naturalWidth > 0); }"""
LIVE_READY_JS = "() => window.__liveMap && window.__liveMap.ready"
# floor: time from the mouse press on the chart to the moment the image's src changes, measured in the page
CLICK_PROBE_JS = """() => { const t = window.__probe = {down: null, changed: null};
  document.addEventListener('mousedown', () => { t.down = performance.now(); t.changed = null; }, true);
  new MutationObserver(ms => { if (t.down !== null && t.changed === null
      && ms.some(m => m.target.tagName === 'IMG' || [...m.addedNodes].some(n => n.tagName === 'IMG'
                                                                                || n.querySelector?.('img'))))
      t.changed = performance.now(); })
    .observe(document.querySelector('[data-testid="stMain"]'),
             {subtree: true, childList: true, attributes: true, attributeFilter: ['src']}); }"""
# live map: time from the press to the first painted frame with the star and the digit at the pressed z
MAP_PROBE_JS = """() => { const t = window.__probe = {down: null};
  window.addEventListener('pointerdown', () => { t.down = performance.now(); }, true); }"""
MAP_SHOWN_JS = """() => { const m = window.__liveMap, t = window.__probe;
  return t.down !== null && m.paintedAt > t.down && !!m.shownZ && m.shownZ[0] === m.paintedPoint[0]
    && m.shownZ[1] === m.paintedPoint[1] ? m.paintedAt - t.down : null; }"""
CLICK_AT = ((0.3, 0.35), (0.7, 0.6), (0.45, 0.75), (0.62, 0.28))  # fractions of the chart's box
# resolves once 10 animation frames in a row came within 40 ms: the page has finished rendering
IDLE_JS = """() => new Promise(done => { let last = performance.now(), calm = 0;
  const tick = (t) => { calm = t - last < 40 ? calm + 1 : 0; last = t; calm >= 10 ? done(true) : requestAnimationFrame(tick); };
  requestAnimationFrame(tick); })"""


def _open(b, url: str, needs: list[str], timeout_s: float = 300):
    page = b.new_context(viewport=VIEWPORT).new_page()
    page.goto(url)
    page.wait_for_function(RENDERED_JS, arg=needs, timeout=timeout_s * 1000, polling=50)
    return page


def _settle(page) -> None:
    """The run has finished and the browser is idle again: timings start from a quiet page."""
    page.wait_for_function(RENDERED_JS, arg=[], timeout=60_000)
    page.wait_for_timeout(300)
    page.evaluate(IDLE_JS)


def cold_start_s(path: str = "", ready_js: str | None = None) -> tuple[float, str]:
    """Seconds from `streamlit run` to the page at ``path`` completely rendered in Chromium (a new
    process, that page opened first; ``ready_js`` also true, e.g. an in-browser widget ready), and
    what it waited on: the server starting, the browser booting Streamlit's frontend, the server's
    runs (websocket open to its last message: imports, models, the page's work) and the browser drawing."""
    with chromium() as b, streamlit_server() as server:
        t_open = time.monotonic()
        page = b.new_context(viewport=VIEWPORT).new_page()
        ws: dict[str, float] = {}

        def watch(socket) -> None:
            ws.setdefault("open", time.monotonic())
            socket.on("framereceived", lambda _: ws.__setitem__("last", time.monotonic()))

        page.on("websocket", watch)
        page.goto(f"{server.url}/{path}")
        page.wait_for_function(COMPLETE_JS, timeout=300_000, polling=50)
        if ready_js:
            page.wait_for_function(ready_js, timeout=300_000, polling=50)
        done = time.monotonic()
        page.context.close()
    opened, last = ws.get("open", t_open), min(ws.get("last", done), done)
    return done - server.started, (f"server up {server.healthy - server.started:.1f} s, browser boot "
                                   f"{opened - t_open:.1f} s, server runs {last - opened:.1f} s, "
                                   f"browser draw {done - last:.1f} s")


def _floor_clicks(b, clicks: int) -> list[float]:
    """ms from a press on the floor-click page's chart to its changed image, per click."""
    with streamlit_server(FLOOR_CLICK_SCRIPT) as server:
        page = _open(b, server.url, ['[data-testid="stPlotlyChart"] .nsewdrag', '[data-testid="stImage"] img'])
        _settle(page)
        page.evaluate(CLICK_PROBE_JS)
        box = page.locator('[data-testid="stPlotlyChart"] .nsewdrag').first.bounding_box()
        times = []
        for i in range(clicks):
            # near the middle of the cloud, where a press always lands on a point
            fx, fy = CLICK_AT[i % 4]
            page.mouse.click(box["x"] + (0.35 + fx * 0.3) * box["width"], box["y"] + (0.35 + fy * 0.3) * box["height"])
            with contextlib.suppress(Exception):  # a click that changes nothing is simply not counted
                page.wait_for_function("() => window.__probe.changed !== null", timeout=15_000, polling="raf")
                times.append(page.evaluate("() => window.__probe.changed - window.__probe.down"))
            _settle(page)
        page.context.close()
    return times


def _map_clicks(b, clicks: int) -> list[float]:
    """ms from a press on the live latent map to the frame that shows the star and digit there, per click."""
    with streamlit_server() as server:
        page = _open(b, f"{server.url}/latent", [])
        page.wait_for_function(LIVE_READY_JS, timeout=300_000)
        _settle(page)
        page.evaluate(MAP_PROBE_JS)
        box = page.locator("canvas.lm-map").bounding_box()
        times = []
        for i in range(clicks):
            fx, fy = CLICK_AT[i % 4]
            page.mouse.click(box["x"] + fx * box["width"], box["y"] + fy * box["height"])
            with contextlib.suppress(Exception):
                times.append(page.wait_for_function(MAP_SHOWN_JS, timeout=15_000, polling="raf").json_value())
            _settle(page)  # the pick's rerun (URL, link) finishes before the next click
        page.context.close()
    return times


def click_to_image_ms(clicks: int = 6) -> dict:
    """Click -> image on the live latent map and on the floor-click page, in one Chromium, one after
    the other: medians (ms) and how many clicks counted."""
    with chromium() as b:
        live = _map_clicks(b, clicks)
        floor = _floor_clicks(b, clicks)
    if not live or not floor:
        raise RuntimeError(f"clicks that showed an image: live map {len(live)}, floor {len(floor)}")
    return {"map_ms": statistics.median(live), "floor_ms": statistics.median(floor),
            "map_clicks": len(live), "floor_clicks": len(floor)}


def live_map_rate(sweep_s: float = 2.0) -> tuple[float, float]:
    """(decodes per second, ms per decode) of the latent page's live map while the mouse sweeps over it."""
    with chromium() as b, streamlit_server() as server:
        page = _open(b, f"{server.url}/latent", [])
        try:
            page.wait_for_function(LIVE_READY_JS, timeout=300_000)
        except Exception as err:
            raise RuntimeError("the live map (window.__liveMap) did not appear") from err
        _settle(page)
        a = page.evaluate("() => window.__liveMap.zToClient(-1.5, -1.5)")
        c = page.evaluate("() => window.__liveMap.zToClient(1.5, 1.5)")
        page.mouse.move(a["x"], a["y"])
        before = page.evaluate("() => [window.__liveMap.decodes, window.__liveMap.totalDecodeMs]")
        t0, k = time.monotonic(), 0
        while time.monotonic() - t0 < sweep_s:
            s = (k % 40) / 40 if (k // 40) % 2 == 0 else 1 - (k % 40) / 40
            page.mouse.move(a["x"] + s * (c["x"] - a["x"]), a["y"] + s * (c["y"] - a["y"]), steps=2)
            k += 1
        elapsed = time.monotonic() - t0
        after = page.evaluate("() => [window.__liveMap.decodes, window.__liveMap.totalDecodeMs]")
        page.context.close()
    n = after[0] - before[0]
    if n <= 0:
        raise RuntimeError("no decodes during the sweep")
    return n / elapsed, (after[1] - before[1]) / n


# drives the live descent widget's learning-rate slider as a drag does: one `input` event per animation frame
# (the display's rate), no `change` (the release); counts redraws, and the widget's own ms per run and draw
DESCENT_DRAG_JS = """(seconds) => new Promise((done) => {
  const hosts = [...document.querySelectorAll('*')].filter((e) => e.shadowRoot);
  const input = hosts.map((h) => h.shadowRoot.querySelector('input[name="lr"]')).find(Boolean)
    || document.querySelector('input[name="lr"]');
  const api = window.__liveDescent, r0 = api.redraws, c0 = api.computes, ms0 = api.totalRunMs;
  let t0 = null, i = 0, draw = 0;
  const tick = (t) => {
    if (t0 === null) t0 = t;
    if (t - t0 >= seconds * 1000) {
      return done({rate: (api.redraws - r0) / ((t - t0) / 1000), run_ms: (api.totalRunMs - ms0) / (api.computes - c0),
                   draw_ms: draw / Math.max(1, i)});
    }
    i += 1;
    input.value = String(Math.round((0.5 + 0.45 * Math.sin(i / 9)) * Number(input.max)));
    input.dispatchEvent(new Event('input', {bubbles: true}));
    draw += api.lastDrawMs;
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
})"""


def live_descent_rate(path: str, seconds: float = 3.0) -> dict:
    """The live descent widget on page ``path`` while its learning rate is dragged: redraws per second, ms per
    run of the optimizers and per redraw, and the websocket frames the browser sent meanwhile (should be 0)."""
    with chromium() as b, streamlit_server() as server:
        page = b.new_context(viewport=VIEWPORT).new_page()
        sent = []
        page.on("websocket", lambda ws: ws.on("framesent", lambda _: sent.append(time.monotonic())))
        page.goto(f"{server.url}/{path}")
        page.wait_for_function("() => window.__liveDescent && window.__liveDescent.redraws > 0", timeout=300_000)
        _settle(page)
        before = len(sent)
        result = page.evaluate(DESCENT_DRAG_JS, seconds)
        page.wait_for_timeout(300)
        result["sent"] = len(sent) - before
        page.context.close()
    return result
