"""A real click on the latent map: empty space decodes, the printed z is where the mouse was."""

from __future__ import annotations

import re
import time

import numpy as np
import pytest
from conftest import screenshot, wait_for_app

# the map's geometry in page pixels, its axis ranges, and every digit dot's position (traces 1..10)
_GEOMETRY = """() => {
  const gd = document.querySelector('.js-plotly-plot');
  const L = gd._fullLayout, r = gd.getBoundingClientRect();
  const dots = [];
  for (let i = 1; i <= 10; i++) dots.push([Array.from(gd._fullData[i].x), Array.from(gd._fullData[i].y)]);
  return {x0: r.x + L.xaxis._offset, xlen: L.xaxis._length, xr: L.xaxis.range,
          y0: r.y + L.yaxis._offset, ylen: L.yaxis._length, yr: L.yaxis.range, dots};
}"""
_IN_URL = """([z1, z2]) => { const q = new URLSearchParams(location.search);
  return (q.get('latent.z1') ?? '0') === z1 && (q.get('latent.z2') ?? '0') === z2; }"""  # defaults are left out
_DIGIT = '[data-testid="stMain"] [data-testid="stImage"] img'


def empty_places(g: dict, k: int = 2, clear_px: float = 14.0) -> list[tuple[float, float]]:
    """``k`` page-pixel points inside the map, each ≥ clear_px from every dot, far from each other."""
    xs = np.concatenate([np.asarray(d[0]) for d in g["dots"]])
    ys = np.concatenate([np.asarray(d[1]) for d in g["dots"]])
    px = g["x0"] + (xs - g["xr"][0]) / (g["xr"][1] - g["xr"][0]) * g["xlen"]  # data -> pixels
    py = g["y0"] + (g["yr"][1] - ys) / (g["yr"][1] - g["yr"][0]) * g["ylen"]
    cands = [(g["x0"] + fx * g["xlen"], g["y0"] + fy * g["ylen"])
             for fx in np.linspace(0.06, 0.94, 23) for fy in np.linspace(0.06, 0.94, 23)]
    free = [c for c in cands if np.min(np.hypot(px - c[0], py - c[1])) >= clear_px]
    assert len(free) >= k, "no empty space on the map"
    first = free[0]
    second = max(free, key=lambda c: np.hypot(c[0] - first[0], c[1] - first[1]))
    return [first, second]


def to_data(g: dict, x: float, y: float) -> tuple[float, float]:
    """Page pixels -> latent coordinates, with the plot's own axis ranges."""
    z1 = g["xr"][0] + (x - g["x0"]) / g["xlen"] * (g["xr"][1] - g["xr"][0])
    z2 = g["yr"][1] - (y - g["y0"]) / g["ylen"] * (g["yr"][1] - g["yr"][0])
    return z1, z2


def printed_z(page) -> tuple[float, float]:
    text = page.locator('[data-testid="stMain"] h3').filter(has_text="z = (").first.inner_text()
    a, b = re.search(r"z = \((-?[\d.]+), (-?[\d.]+)\)", text).groups()
    return float(a), float(b)


@pytest.mark.e2e
def test_clicks_on_empty_map_space_decode_there(app_server, browser_page, record_property):
    page = browser_page
    page.goto(app_server + "/")  # the entry script must have run once before /latent routes through it
    wait_for_app(page)
    page.goto(app_server + "/latent")
    page.wait_for_selector(".js-plotly-plot .nsewdrag", timeout=120_000)
    wait_for_app(page)
    g = page.evaluate(_GEOMETRY)
    data_per_px = (g["xr"][1] - g["xr"][0]) / g["xlen"]
    times = []
    for n, (x, y) in enumerate(empty_places(g)):
        before = page.locator(_DIGIT).first.get_attribute("src")
        start = time.perf_counter()
        page.mouse.click(x, y)
        page.wait_for_function(f"() => document.querySelector('{_DIGIT}').src.indexOf({before!r}) < 0",
                               timeout=30_000)
        times.append(time.perf_counter() - start)
        wait_for_app(page)
        want = to_data(g, x, y)
        got = printed_z(page)
        # the click lands on the nearest invisible grid point (≤ ~5 px away) and z is rounded to 0.01
        assert abs(got[0] - want[0]) <= 8 * data_per_px + 0.01, (got, want)
        assert abs(got[1] - want[1]) <= 8 * data_per_px + 0.01, (got, want)
        # the link carries the clicked z (written at the end of the run, after the image)
        page.wait_for_function(_IN_URL, arg=[f"{got[0]:g}", f"{got[1]:g}"], timeout=30_000)
        screenshot(page, f"latent-click-{n + 1}")
    record_property("click_to_image_seconds", times)
    print(f"click -> new image: {', '.join(f'{t:.2f} s' for t in times)}")
