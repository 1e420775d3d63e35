"""Driving the live descent widget from a test: trusted mouse events at a mouse's rate, the frames the
browser sends, the widget's hooks (window.__liveDescent), and the torch.optim run it must equal.

How the mouse is moved. Playwright's ``mouse.move`` waits for each event's acknowledgement, which for a drag
on a range input takes two frames here — about 30 events/s even on a bare page with one slider (measured) —
while a real mouse reports at 125 Hz and never waits. So a drag is sent as trusted CDP mouse events
(``Input.dispatchMouseEvent``, the path Playwright itself uses) paced at 125 Hz and not awaited one by one.
The async API runs in a worker thread, one browser per test, so it cannot meet the sync fixtures' event loop.
The rate is counted per 1-second window of a drag and printed; it is a speed, so `python -m explorer bench`
holds it. What the tests ask is behaviour: nothing is sent while the hand moves, and each move, awaited
with the frame after it (``follow``), is drawn with new values, however busy the machine is.
"""

from __future__ import annotations

import asyncio
import json
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from conftest import CHROMIUM_ARGS, NEXT_FRAME  # tests/e2e/conftest.py
from playwright.async_api import async_playwright

from explorer.descent import descend
from explorer.fitline import celsius_data, train
from explorer.ui.widgets.live_descent import hyper

DRAG_SECONDS = 3.0  # a drag at a mouse's rate, printed in 1-second windows
MOUSE_HZ = 125  # a usual mouse's report rate
RUNS = "+document.querySelector('#h-runs').textContent.split(':')[1]"


def run(scenario, *args):
    """Run an async scenario in a worker thread (its own event loop and browser); its asserts fail the test."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, scenario(*args)).result()


class Widget:
    """One harness page, the websocket frames it sends, and ways to drive the widget."""

    def __init__(self, page, cdp):
        self.page, self.cdp = page, cdp
        self.sent: list[float] = []  # when each browser -> server frame left
        self.last = (0.0, 0.0)

    @classmethod
    async def open(cls, browser, url: str, query: str, width: int = 1280, height: int = 720) -> Widget:
        page = await (await browser.new_context(viewport={"width": width, "height": height})).new_page()
        w = cls(page, await page.context.new_cdp_session(page))
        page.on("websocket", lambda ws: ws.on("framesent", lambda _: w.sent.append(time.monotonic())))
        await page.goto(f"{url}/{query}")
        await page.wait_for_function("() => window.__liveDescent && window.__liveDescent.redraws > 0", timeout=60_000)
        await w.settled()
        return w

    async def settled(self):
        """Wait until no script run is going on (Streamlit's status widget gone)."""
        await self.page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60_000)
        await self.page.wait_for_timeout(400)

    async def hook(self, expression: str):
        return await self.page.evaluate(f"() => window.__liveDescent.{expression}")

    async def runs(self) -> int:
        return await self.page.evaluate(f"() => {RUNS}")

    async def state(self) -> dict:
        return json.loads(await self.page.locator("#h-values").inner_text())

    async def thumb(self, name: str, fraction: float | None = None) -> tuple[float, float]:
        """Client coordinates of slider ``name``'s thumb at ``fraction`` of its track (default: where it is)."""
        slider = self.page.locator(f'input[name="{name}"]')
        if fraction is None:
            fraction = await slider.evaluate("i => (i.value - i.min) / (i.max - i.min)")
        box = await slider.bounding_box()
        size = box["height"]  # the thumb is as wide as the input is tall
        return box["x"] + size / 2 + fraction * (box["width"] - size), box["y"] + box["height"] / 2

    async def point(self, x: float, y: float) -> tuple[float, float]:
        p = await self.page.evaluate("([x, y]) => window.__liveDescent.toClient(x, y)", [x, y])
        return p["x"], p["y"]

    async def mouse(self, kind: str, x: float, y: float, wait: bool = True):
        message = {"type": kind, "x": x, "y": y, "button": "left", "buttons": 0 if kind == "mouseReleased" else 1}
        if kind != "mouseMoved":
            message["clickCount"] = 1
        self.last = (x, y)
        sending = self.cdp.send("Input.dispatchMouseEvent", message)
        return await sending if wait else asyncio.ensure_future(sending)

    async def drag(self, start, ends, seconds: float = DRAG_SECONDS) -> tuple[float, int]:
        """Press at ``start``, sweep round ``ends`` at MOUSE_HZ for ``seconds`` (button held): the best 1-second
        window's redraws per second (all windows are printed) and the frames sent meanwhile."""
        await self.mouse("mouseMoved", *start)
        await self.mouse("mousePressed", *start)
        sent, pending, rates = len(self.sent), [], []
        path = [start, *ends]
        leg = int(MOUSE_HZ * 0.25)  # a quick sweep: 0.25 s from one end to the other
        i = 0
        for _ in range(round(seconds)):
            redraws, t0 = await self.hook("redraws"), time.monotonic()
            while time.monotonic() - t0 < 1.0:
                a, b = path[(i // leg) % len(path)], path[(i // leg + 1) % len(path)]  # legs round the path
                f = (i % leg) / leg
                pending.append(await self.mouse("mouseMoved", a[0] + f * (b[0] - a[0]), a[1] + f * (b[1] - a[1]), wait=False))
                i += 1
                await asyncio.sleep(1 / MOUSE_HZ)
            rates.append((await self.hook("redraws") - redraws) / (time.monotonic() - t0))
        await asyncio.gather(*pending)
        await self.mouse("mouseMoved", *ends[-1])  # the drag ends at the last of ``ends``
        await self.page.wait_for_timeout(50)
        print(f"\nredraws per second in each 1-second window of the drag: {', '.join(f'{r:.0f}' for r in rates)}")
        return max(rates), len(self.sent) - sent

    async def follow(self, points) -> list[dict]:
        """Move the held mouse to each point in turn, awaiting the move and the frame after it; the widget's
        values after each move. Fails naming the move not drawn by then, if one left the values as they were,
        or if the browser sent the server anything meanwhile."""
        shown, sent = [], len(self.sent)
        for x, y in points:
            redraws = await self.hook("redraws")
            await self.mouse("mouseMoved", x, y)
            await self.page.evaluate(NEXT_FRAME)
            assert await self.hook("redraws") > redraws, f"the move to ({x:.0f}, {y:.0f}) was not drawn by the next frame"
            shown.append(await self.hook("values"))
        assert all(a != b for a, b in zip(shown, shown[1:])), f"a move of the hand left the values as they were: {shown}"
        assert len(self.sent) == sent, "the browser talked to the server while the widget followed the hand"
        return shown

    async def let_go(self, runs_before: int) -> int:
        """Release the button where it is; wait for the script's rerun; how many frames the release sent."""
        sent = len(self.sent)
        await self.mouse("mouseReleased", *self.last)
        await self.page.wait_for_function(f"n => {RUNS} > n", arg=runs_before, timeout=60_000)
        await self.settled()
        return len(self.sent) - sent


async def opened(chromium_path: str, url: str, query: str, **size):
    p = await async_playwright().start()
    browser = await p.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
    return p, browser, await Widget.open(browser, url, query, **size)


async def closed(p, browser):
    await browser.close()
    await p.stop()


def reference(mode: str, values: dict, preset, optimizer: str):
    """Python's run (real torch.optim) for the values the widget released."""
    h = hyper(optimizer, values)
    if mode == "fit":
        c, f = celsius_data()
        return train(c, f, optimizer, values["lr"], values["steps"], **h)
    start = (values["x0"],) if mode == "curve" else tuple(values["start"])
    return descend(preset.f, start, optimizer, values["lr"], values["steps"], **h)


def assert_same_path(js: dict, ref) -> None:
    """The drawn run is Python's: same length and stop, points and losses within 1e-9 (see the engine's tests)."""
    traj = ref.trajectory if hasattr(ref, "trajectory") else ref
    points = np.array(js["points"], dtype=np.float64)
    assert points.shape == traj.points.shape and js["divergedAt"] == traj.diverged_at and js["reason"] == traj.reason
    np.testing.assert_allclose(points, traj.points, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(np.array(js["losses"], dtype=np.float64), traj.losses, rtol=1e-9, atol=1e-12)
    if hasattr(ref, "w"):
        np.testing.assert_allclose(np.array(js["w"], dtype=np.float64), ref.w, rtol=1e-9, atol=1e-12)


