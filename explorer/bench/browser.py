"""Browser timings in headless Chromium (Debian's, through Playwright): cold start, click -> image, live map."""

from __future__ import annotations

import contextlib
import statistics
import time

from explorer.bench.server import chromium, streamlit_server

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
# time from the mouse press on the map to the moment a digit image's src changes, measured in the page
CLICK_PROBE_JS = """() => { const t = window.__probe = {down: null, changed: null};
  document.addEventListener('mousedown', () => { t.down = performance.now(); t.changed = null; }, true);
  new MutationObserver(ms => { if (t.down !== null && t.changed === null
      && ms.some(m => m.target.tagName === 'IMG' || [...m.addedNodes].some(n => n.tagName === 'IMG'
                                                                                || n.querySelector?.('img'))))
      t.changed = performance.now(); })
    .observe(document.querySelector('[data-testid="stMain"]'),
             {subtree: true, childList: true, attributes: true, attributeFilter: ['src']}); }"""


def _open(b, url: str, needs: list[str], timeout_s: float = 300):
    page = b.new_context(viewport=VIEWPORT).new_page()
    page.goto(url)
    page.wait_for_function(RENDERED_JS, arg=needs, timeout=timeout_s * 1000, polling=50)
    return page


def cold_start_s(path: str = "") -> tuple[float, str]:
    """Seconds from `streamlit run` to the page at ``path`` completely rendered in Chromium (a new
    process, that page opened first), and where the time went."""
    with chromium() as b, streamlit_server() as server:
        t_open = time.monotonic()
        page = b.new_context(viewport=VIEWPORT).new_page()
        page.goto(f"{server.url}/{path}")
        page.wait_for_function(COMPLETE_JS, timeout=300_000, polling=50)
        done = time.monotonic()
        page.context.close()
    return done - server.started, (f"server up {server.healthy - server.started:.1f} s, "
                                   f"first run and render {done - t_open:.1f} s")


def click_to_image_ms(clicks: int = 6) -> tuple[float, int]:
    """Median ms from a click on the latent map to a changed digit image in the page; (median, clicks seen)."""
    with chromium() as b, streamlit_server() as server:
        page = _open(b, f"{server.url}/latent", ['[data-testid="stPlotlyChart"] .nsewdrag', '[data-testid="stImage"] img'])
        page.evaluate(CLICK_PROBE_JS)
        box = page.locator('[data-testid="stPlotlyChart"] .nsewdrag').first.bounding_box()
        times = []
        for i in range(clicks):
            fx, fy = ((0.3, 0.35), (0.7, 0.6), (0.45, 0.75), (0.62, 0.28))[i % 4]
            page.mouse.click(box["x"] + fx * box["width"], box["y"] + fy * box["height"])
            with contextlib.suppress(Exception):  # a click that changes nothing is simply not counted
                page.wait_for_function("() => window.__probe.changed !== null", timeout=15_000, polling="raf")
                times.append(page.evaluate("() => window.__probe.changed - window.__probe.down"))
            page.wait_for_function(RENDERED_JS, arg=[], timeout=60_000)
            page.wait_for_timeout(300)
        page.context.close()
    if not times:
        raise RuntimeError("no click changed the decoded image")
    return statistics.median(times), len(times)


def live_map_rate(sweep_s: float = 2.0) -> tuple[float, float]:
    """(decodes per second, ms per decode) of the in-browser live map during a mouse sweep."""
    with chromium() as b, streamlit_server() as server:
        page = _open(b, f"{server.url}/latent?latent.section=Live+map", [])
        try:
            page.wait_for_function("() => window.__liveMap && window.__liveMap.ready", timeout=60_000)
        except Exception as err:
            raise RuntimeError("the live map (window.__liveMap) did not appear") from err
        page.locator("canvas.lm-map").scroll_into_view_if_needed()
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
