"""The latent page's live map in a real browser: a click on empty space decodes there, dragging z₁
redraws the digit at every move of the hand with nothing sent until release, the keyboard picks, and in classroom
mode the map and its digit sit in the first screen.

The browser→server messages are read off the websocket (Playwright's ``framesent``) and parsed as
Streamlit ``BackMsg``s; the decoded digit is read as the floats the map drew (``shownImage``).
"""

from __future__ import annotations

import time
from urllib.parse import parse_qs

import numpy as np
import pytest
import torch
from conftest import NEXT_FRAME, screenshot, wait_for_app
from streamlit.proto.BackMsg_pb2 import BackMsg

from explorer import zoo
from explorer.latent import decode

pytestmark = pytest.mark.e2e
MAP = "canvas.lm-map"
# the deepest focused element, through open shadow roots
FOCUSED = """() => { let a = document.activeElement;
  while (a && a.shadowRoot && a.shadowRoot.activeElement) a = a.shadowRoot.activeElement;
  return a ? a.className : null; }"""


@pytest.fixture(scope="module")
def vae():
    torch.set_num_threads(1)
    return zoo.ensure("vae")[0]


class Sent:
    """Every message the page sends the server, with the time it left: (monotonic s, BackMsg)."""

    def __init__(self, page):
        self.messages: list[tuple[float, BackMsg]] = []
        page.on("websocket", lambda ws: ws.on("framesent", self._add))

    def _add(self, payload) -> None:
        msg = BackMsg()
        msg.ParseFromString(payload if isinstance(payload, bytes) else payload.encode())
        self.messages.append((time.monotonic(), msg))

    def between(self, t0: float, t1: float = float("inf")) -> list[BackMsg]:
        return [m for t, m in self.messages if t0 <= t <= t1]


def open_latent(browser, url: str, query: str = "", width: int = 1280, height: int = 720):
    page = browser.new_context(viewport={"width": width, "height": height}).new_page()
    sent = Sent(page)  # before the page opens its websocket
    page.goto(url + "/")  # the entry script must have run once before /latent routes through it
    wait_for_app(page)
    page.goto(f"{url}/latent{query}")
    wait_for_app(page)
    page.wait_for_function("() => window.__liveMap && window.__liveMap.ready", timeout=120_000)
    wait_for_app(page)
    return page, sent


def url_z(page) -> tuple[float, float]:
    """z as the address bar holds it (defaults are left out of the link)."""
    q = parse_qs(page.evaluate("() => location.search").lstrip("?"))
    return float(q.get("latent.z1", ["0"])[0]), float(q.get("latent.z2", ["0"])[0])


def settled(page, want: tuple[float, float]) -> None:
    """Wait until the pick's rerun has put ``want`` into the URL and the page is idle."""
    page.wait_for_function("""([a, b]) => { const q = new URLSearchParams(location.search);
        return +(q.get('latent.z1') ?? 0) === a && +(q.get('latent.z2') ?? 0) === b; }""", arg=list(want))
    wait_for_app(page)


def shown_digit(page) -> tuple[list[float], np.ndarray]:
    z, img = page.evaluate("() => [window.__liveMap.shownZ, window.__liveMap.shownImage]")
    return z, np.array(img).reshape(28, 28)


def reruns(messages: list[BackMsg]) -> list[BackMsg]:
    return [m for m in messages if m.WhichOneof("type") == "rerun_script"]


def empty_place(page) -> tuple[float, float]:
    """A page point inside the map ≥ 14 px from every digit's dot."""
    r = page.locator(MAP).bounding_box()
    for fy in np.arange(0.1, 0.9, 0.04):
        for fx in np.arange(0.15, 0.95, 0.04):
            x, y = r["x"] + fx * r["width"], r["y"] + fy * r["height"]
            if page.evaluate("([x, y]) => window.__liveMap.nearestDotPx(x, y)", [x, y]) >= 14:
                return x, y
    raise AssertionError("no empty space on the map")


def test_a_click_on_empty_map_space_decodes_there_and_sends_one_rerun(app_server, browser, vae):
    page, sent = open_latent(browser, app_server)
    x, y = empty_place(page)
    t0 = time.monotonic()
    page.mouse.click(x, y)
    z = tuple(page.evaluate("() => window.__liveMap.point"))
    page.wait_for_function("() => { const m = window.__liveMap; return m.paintedAt > 0 && m.shownZ"
                           " && m.shownZ[0] === m.paintedPoint[0] && m.shownZ[1] === m.paintedPoint[1]; }")
    settled(page, z)
    assert z != (0.0, 0.0) and url_z(page) == z
    assert len(reruns(sent.between(t0))) == 1  # the click's release; hovering sent nothing
    # the rerun's update repaints the map: wait until the digit shown is the clicked z's again
    page.wait_for_function("z => { const s = window.__liveMap.shownZ; return !!s && s[0] === z[0] && s[1] === z[1]; }",
                           arg=list(z), timeout=10_000)
    shown_z, img = shown_digit(page)
    assert tuple(shown_z) == z
    np.testing.assert_allclose(img, decode(vae, z), atol=1e-5, rtol=0)
    page.context.close()


def test_dragging_z1_redraws_at_every_move_and_sends_nothing_until_release(app_server, browser, vae):
    page, sent = open_latent(browser, app_server)
    z1 = page.get_by_role("slider", name="z₁")  # the real range input, named by its label
    box = z1.bounding_box()
    y, left, right = box["y"] + box["height"] / 2, box["x"] + 8, box["x"] + box["width"] - 8
    page.mouse.move(left + 0.5 * (right - left), y)
    page.mouse.down()
    t0, seen = time.monotonic(), []
    for end in (0.15, 0.85, 0.3, 0.7, 0.2, 0.9, 0.4, 0.6):  # back and forth along the track, as a hand does
        redraws = page.evaluate("() => window.__liveMap.redraws")
        page.mouse.move(left + end * (right - left), y, steps=3)
        page.evaluate(NEXT_FRAME)
        hooks = page.evaluate("() => [window.__liveMap.redraws, window.__liveMap.point, window.__liveMap.shownZ]")
        assert hooks[0] > redraws, f"moving z₁ to {end:.0%} of its track was not drawn by the next frame"
        assert hooks[2] == hooks[1]  # the digit shown is the one at the point the hand holds
        seen.append(hooks[1][0])
    t1 = time.monotonic()
    assert len(set(seen)) == len(seen)  # every move reached a new z₁
    assert sent.between(t0, t1) == []  # no browser→server message while the range moves
    assert url_z(page) == (0.0, 0.0)
    moving = page.evaluate("() => window.__liveMap.point")
    page.mouse.up()
    z = tuple(page.evaluate("() => window.__liveMap.point"))
    assert z[0] == pytest.approx(moving[0], abs=0.05) and z[1] == 0.0
    settled(page, z)
    page.wait_for_timeout(500)  # a second message, had there been one, would have left by now
    after = sent.between(t1)
    assert len(after) == 1 and len(reruns(after)) == 1  # one rerun after release
    assert url_z(page) == z
    shown_z, img = shown_digit(page)
    assert tuple(shown_z) == z
    np.testing.assert_allclose(img, decode(vae, z), atol=1e-5, rtol=0)
    page.context.close()


def test_keyboard_tab_to_the_map_arrows_move_the_point_enter_picks_it(app_server, browser, vae):
    page, sent = open_latent(browser, app_server)
    for _ in range(60):  # through the sidebar and the page, as a keyboard user does
        page.keyboard.press("Tab")
        if page.evaluate(FOCUSED) == "lm-map":
            break
    assert page.evaluate(FOCUSED) == "lm-map", "Tab never reached the map"
    t0 = time.monotonic()
    for key in ("ArrowRight", "ArrowRight", "ArrowUp"):
        page.keyboard.press(key)
    moved = tuple(page.evaluate("() => window.__liveMap.point"))
    assert moved[0] > 0 and moved[1] > 0 and url_z(page) == (0.0, 0.0)
    page.wait_for_timeout(300)
    assert sent.between(t0) == []  # arrows redraw in the browser
    page.keyboard.press("Enter")
    settled(page, moved)
    assert len(reruns(sent.between(t0))) == 1
    assert page.evaluate(FOCUSED) == "lm-map"  # the pick's rerun kept the focus on the map
    np.testing.assert_allclose(shown_digit(page)[1], decode(vae, moved), atol=1e-5, rtol=0)
    page.context.close()


@pytest.mark.parametrize("query, name", [("", "latent-live-1280"), ("?classroom=1", "latent-live-classroom")])
def test_the_map_and_its_digit_start_in_the_first_screen(app_server, browser, query, name):
    page, _ = open_latent(browser, app_server, query)
    page.wait_for_timeout(500)
    boxes = page.evaluate("""() => { const host = [...document.querySelectorAll('*')]
        .find(e => e.shadowRoot && e.shadowRoot.querySelector('canvas.lm-map'));
      const box = (s) => { const r = host.shadowRoot.querySelector(s).getBoundingClientRect();
        return {top: r.top, bottom: r.bottom, left: r.left, right: r.right}; };
      return {map: box('canvas.lm-map'), digit: box('canvas.lm-digit'), z1: box('input[type=range]')}; }""")
    screenshot(page, name)
    m, d = boxes["map"], boxes["digit"]
    assert 0 <= m["top"] < 720 and m["bottom"] <= 720, boxes  # the whole map in the first screen
    assert d["left"] >= m["right"] and d["top"] < m["top"] + 40, boxes  # the digit beside it
    assert boxes["z1"]["bottom"] <= 720, boxes  # and the z₁ range under the digit
    page.context.close()
