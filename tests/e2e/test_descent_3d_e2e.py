"""Descent on surfaces' 3-D view, drawn in the browser (explorer/ui/widgets/live_descent_3d.js).

Its arithmetic against the Python it replaced, in a blank Chromium page: the surface sampled from the formula and
raised by figures/descent.py's heights() against torch's grid, a path's heights against lift(), the colour scale
against Plotly's Viridis, and the camera keeping the whole box in the picture at every turn and tilt. Then on the
live page: the folded box opens, turns (keyboard and drag) and follows a moved control with no word to the server,
and stays open when the widget is built anew for another function.
"""

from __future__ import annotations

import math
import random
import re

import numpy as np
import plotly.colors
import pytest
from conftest import ROOT, wait_for_app  # tests/e2e/conftest.py

from explorer.expression_json import tree
from explorer.expressions import parse
from explorer.figures.descent import heights, lift
from explorer.surfaces import SURFACES, grid

pytestmark = pytest.mark.e2e

FILES = ("descent_exact.js", "descent_engine.js", "live_descent_draw.js", "live_descent_3d.js")
CODE = "\n".join((ROOT / "explorer/ui/widgets" / name).read_text(encoding="utf-8") for name in FILES)
TYPED = [("log(x) + y^2", ((-2.0, 2.0), (-2.0, 2.0))),  # undefined for x ≤ 0: a gap in the surface
         ("sqrt(x*y)", ((-2.0, 2.0), (-2.0, 2.0))),
         ("1/(x^2 + y^2)", ((-2.0, 2.0), (-2.0, 2.0))),  # one sharp spike: heights() takes logs
         ("x*y", ((-1.0, 3.0), (-2.0, 0.5)))]
CASES = [(s.f.text, s.domain) for s in SURFACES.values()] + TYPED


@pytest.fixture(scope="module")
def js(browser):
    page = browser.new_page()
    page.set_content("<!doctype html><title>3-D view</title>")
    page.add_script_tag(content=CODE)
    yield page
    page.close()


@pytest.mark.parametrize("formula, domain", CASES, ids=[c[0] for c in CASES])
def test_the_surface_and_its_heights_are_torchs_grid_through_heights(js, formula, domain):
    expr = parse(formula)
    n = js.evaluate("() => GRID_3D")
    shade, logged = heights(grid(expr, domain, n=n)[2])
    got = js.evaluate("([t, d, n]) => { const h = heights(sampleSurface(compileExpression(t), d, n));"
                      " return {shade: h.shade.map(v => Number.isNaN(v) ? null : v), logged: h.logged} }",
                      [tree(expr), [list(d) for d in domain], n])
    mine = np.array([np.nan if v is None else v for v in got["shade"]]).reshape(n, n)
    assert got["logged"] == logged, f"{formula}: heights() took logs in one and not the other"
    assert np.array_equal(np.isnan(mine), np.isnan(shade)), f"{formula}: the gaps differ"
    assert np.allclose(mine, shade, rtol=1e-9, atol=1e-12, equal_nan=True), formula


def test_a_paths_heights_are_lift(js):
    rng = np.random.default_rng(3)
    zs = rng.uniform(0.5, 40.0, size=(9, 9))
    zs[0, 0] = 0.25  # the surface's lowest
    losses = np.concatenate([rng.uniform(0.0, 60.0, 40), [0.25, 0.1]])  # one below the surface's lowest: clamped
    for logged in (True, False):
        got = js.evaluate("([v, lo, logged]) => lift(v, lo, logged)", [losses.tolist(), float(zs.min()), logged])
        assert np.allclose(got, lift(losses, zs, logged), rtol=1e-12, atol=0)


def test_the_colour_scale_is_plotlys_viridis(js):
    assert js.evaluate("() => VIRIDIS") == [c.lower() for c in plotly.colors.sequential.Viridis]


def test_the_camera_is_a_right_handed_turn_and_tilt_that_keeps_the_whole_box_in_the_picture(js):
    rng = random.Random(7)
    for _ in range(40):
        turn, tilt = rng.uniform(0, 360), rng.uniform(5, 85)
        cam = js.evaluate("([t, e]) => camera(t, e)", [turn, tilt])
        d, r, u = (np.array(cam[k]) for k in "dru")
        t, e = math.radians(turn), math.radians(tilt)
        assert np.allclose(d, [math.cos(e) * math.cos(t), math.cos(e) * math.sin(t), math.sin(e)], atol=1e-15)
        assert np.allclose([d @ d, r @ r, u @ u, d @ r, d @ u, r @ u], [1, 1, 1, 0, 0, 0], atol=1e-15)
        assert np.allclose(np.cross(r, u), d, atol=1e-15)  # right-handed: x to the right of y seen from above
        assert u[2] > 0  # up on the screen is up in the box
        box = {"left": 10.0, "top": 20.0, "w": 300.0 + rng.uniform(0, 500), "h": 200.0 + rng.uniform(0, 300)}
        corners = js.evaluate("""([box, t, e, z]) => { const at = projector(box, t, e), out = [];
            for (const x of [-1, 1]) for (const y of [-1, 1]) for (const h of [-z, z]) out.push(at([x, y, h]));
            return out; }""", [box, turn, tilt, js.evaluate("() => Z_ASPECT")])
        for sx, sy, _ in corners:
            assert box["left"] - 1e-9 <= sx <= box["left"] + box["w"] + 1e-9 and box["top"] - 1e-9 <= sy <= box["top"] + box["h"] + 1e-9


# ---- on the live page

def picture(page) -> str:
    return page.evaluate("() => window.__liveDescent.view3d.canvas.toDataURL()")


def inked(page) -> float:
    """The share of the 3-D canvas's pixels that something was drawn on."""
    return page.evaluate("""() => { const c = window.__liveDescent.view3d.canvas, g = c.getContext('2d');
        const d = g.getImageData(0, 0, c.width, c.height).data; let n = 0;
        for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
        return n / (c.width * c.height); }""")


def test_the_3d_view_opens_turns_and_follows_the_controls_without_a_word_to_the_server(app_server, browser_page):
    page = browser_page
    sent = []
    page.on("websocket", lambda ws: ws.on("framesent", lambda _: sent.append(1)))
    page.goto(f"{app_server}/descent_2d?gd2.fn=himmelblau")
    wait_for_app(page)
    page.wait_for_function("() => window.__liveDescent && window.__liveDescent.redraws > 0")
    hook = lambda expression: page.evaluate(f"() => window.__liveDescent.{expression}")  # noqa: E731
    assert hook("view3d.open") is False and not hook("redraws3d"), "folded, the 3-D view must not be drawn"
    page.wait_for_timeout(500)
    before = len(sent)

    page.locator("details.ld-3d > summary").click()
    page.wait_for_function("() => window.__liveDescent.redraws3d > 0")
    assert inked(page) > 0.1, "the opened 3-D view is (nearly) blank"
    opened = picture(page)

    turn = page.locator('input[name="view-turn"]')
    turn.focus()
    for _ in range(20):
        page.keyboard.press("ArrowRight")
    assert hook("view3d.view.turn") == 335 and turn.get_attribute("aria-valuetext") == "335 degrees"
    page.wait_for_function("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
    turned = picture(page)
    assert turned != opened, "turning the view did not redraw it"

    canvas = page.locator("canvas.ld-canvas3d")
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    tilt = hook("view3d.view.tilt")
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] / 2 - 40, box["y"] + box["height"] / 2 + 50, steps=5)
    page.mouse.up()
    assert hook("view3d.view.tilt") == tilt + 20 and hook("view3d.view.turn") == 355, "dragging did not turn it"
    assert page.locator('input[name="view-tilt"]').input_value() == str(tilt + 20)
    assert len(sent) == before, "opening or turning the 3-D view talked to the server"

    dragged = picture(page)
    runs = hook("runs()")
    page.locator('input[name="lr"]').focus()
    page.keyboard.press("ArrowLeft")  # a smaller learning rate: other paths on the same surface
    page.wait_for_function("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
    assert hook("runs()") != runs
    assert picture(page) != dragged, "the 3-D view did not follow the learning rate"


def test_the_3d_view_stays_open_when_the_function_changes(app_server, browser_page):
    page = browser_page
    page.goto(f"{app_server}/descent_2d?gd2.fn=bowl")
    wait_for_app(page)
    page.wait_for_function("() => window.__liveDescent && window.__liveDescent.redraws > 0")
    page.locator("details.ld-3d > summary").click()
    page.wait_for_function("() => window.__liveDescent.redraws3d > 0")
    bowl = picture(page)
    page.get_by_test_id("stSelectbox").first.click()
    page.keyboard.type("Rosenbrock")  # the select box filters its options as one types
    page.get_by_role("option", name=re.compile("Rosenbrock")).click()
    page.wait_for_function("() => location.search.includes('rosenbrock')", timeout=60_000)
    page.wait_for_function("() => window.__liveDescent.redraws3d > 0 && window.__liveDescent.view3d.open")
    assert picture(page) != bowl
