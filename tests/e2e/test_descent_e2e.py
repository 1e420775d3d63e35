"""The three descent pages in a real browser: the picture follows a dragged control, and only the release talks
to the server.

On Slope and descent, Descent on surfaces and Fit a line the learning rate is dragged with trusted mouse
events at a mouse's 125 Hz (tests/e2e/live_descent_helpers.py): each move is drawn by the next frame,
with no websocket frame from the browser; letting go sends one, the page reruns and puts the value in the
address, and the run drawn is the one real torch.optim makes from the values let go of. Fit a line's sentences
are written in the browser: they change with each move of the hand and read as the Python words of torch.optim's run.
"""

from urllib.parse import urlencode

import pytest
from apps import app_test  # tests/apps.py
from conftest import NEXT_FRAME  # tests/e2e/conftest.py
from live_descent_helpers import Widget, assert_same_path, reference, run
from playwright.async_api import async_playwright
from widget_words import fit_written, written  # tests/widget_words.py

from explorer.bench.server import CHROMIUM_ARGS
from explorer.fitline import celsius_data, exact_fit, mse
from explorer.surfaces import CURVES, SURFACES

pytestmark = pytest.mark.e2e


async def released(w: Widget, sent_before: int, key: str) -> int:
    """Let go of the mouse; wait for the rerun to put ``key`` in the address; the frames the release sent."""
    await w.mouse("mouseReleased", *w.last)
    await w.page.wait_for_function("k => location.search.includes(k + '=')", arg=key, timeout=60_000)
    await w.settled()
    return len(w.sent) - sent_before


async def on_page(chromium_path: str, url: str, path: str, scenario):
    p = await async_playwright().start()
    browser = await p.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
    try:
        return await scenario(await Widget.open(browser, url, path))
    finally:
        await browser.close()
        await p.stop()


@pytest.mark.parametrize("path, mode, preset, optimizer", [
    ("descent_1d", "curve", CURVES["bowl"], "sgd"),
    ("descent_2d", "surface", SURFACES["elongated"], "adam"),
    ("fit_line", "fit", None, "sgd"),
])
def test_dragging_the_learning_rate_redraws_at_every_move_and_only_the_release_reaches_the_server(
        chromium_path, app_server, path, mode, preset, optimizer):
    key = {"descent_1d": "gd1", "descent_2d": "gd2", "fit_line": "fit"}[path] + ".lr"

    async def scenario(w: Widget):
        rate, during = await w.drag(await w.thumb("lr"), [await w.thumb("lr", 0.05), await w.thumb("lr", 0.75)])
        print(f"\n{path}: {rate:.0f} redraws/s while dragging the learning rate, {during} frames sent during the drag")
        assert during == 0, "the browser talked to the server during the drag"
        await w.follow([await w.thumb("lr", f) for f in (0.2, 0.6, 0.35, 0.75)])
        values = await w.hook("values")
        assert await released(w, len(w.sent), key) == 1, "letting go must send exactly one message"
        assert (await w.hook("values"))["lr"] == values["lr"]  # the rerun did not move the control back
        drawn = [r for r in await w.hook("runs()") if r["optimizer"] == optimizer][0]
        assert_same_path(drawn, reference(mode, values, preset, optimizer))
    run(lambda: on_page(chromium_path, app_server, path, scenario))


def test_a_click_on_the_map_moves_the_start_and_the_address(chromium_path, app_server):
    async def scenario(w: Widget):
        x, y = await w.point(2.5, -1.0)
        sent = len(w.sent)
        await w.mouse("mouseMoved", x, y)
        await w.mouse("mousePressed", x, y)
        assert await released(w, sent, "gd2.start") == 1
        start = (await w.hook("values"))["start"]
        assert start == pytest.approx([2.5, -1.0], abs=0.05)
        assert "gd2.start=" in await w.page.evaluate("() => location.search")
    run(lambda: on_page(chromium_path, app_server, "descent_2d", scenario))


def test_play_runs_the_steps_in_the_browser(chromium_path, app_server):
    async def scenario(w: Widget):
        sent = len(w.sent)
        await w.page.locator('input[id$="-k"]').focus()
        await w.page.keyboard.press("Home")
        assert await w.hook("k") == 0
        await w.page.locator("button.ld-play").click()
        await w.page.wait_for_function("() => window.__liveDescent.k > 10", timeout=10_000)
        assert len(w.sent) == sent
    run(lambda: on_page(chromium_path, app_server, "descent_1d", scenario))


def said_of(values: dict, optimizer: str, scale: bool = True) -> str:
    """What Fit a line's sentences must read for these values: words.fit and fit_outcome of torch.optim's run."""
    c, f = celsius_data()
    return fit_written(values, optimizer, scale, float(mse(*exact_fit(c, f), c, f))).text


def test_fit_a_lines_sentences_follow_the_hand_and_say_torch_optims_run(chromium_path, app_server):
    async def scenario(w: Widget):
        assert await w.hook("readout") == said_of(await w.hook("values"), "sgd")
        assert "flattens at the noise level" in await w.hook("readout")
        x, y = await w.thumb("lr")
        await w.mouse("mouseMoved", x, y)
        await w.mouse("mousePressed", x, y)
        sent, seen = len(w.sent), set()
        for fraction in (0.1, 0.45, 0.8):  # the sentences change with each move, before anything is sent
            await w.mouse("mouseMoved", *(await w.thumb("lr", fraction)))
            await w.page.evaluate(NEXT_FRAME)
            text = await w.hook("readout")
            assert text == said_of(await w.hook("values"), "sgd")
            seen.add(text)
        assert len(seen) == 3 and len(w.sent) == sent
        values = await w.hook("values")
        assert await released(w, sent, "fit.lr") == 1
        assert await w.hook("readout") == said_of(values, "sgd")  # the rerun leaves the sentences of the run drawn

        for query, optimizer, scale, words_ in (("fit.scale=0", "sgd", False, "blew up"),
                                                 ("fit.opt=adam", "adam", True, "still falling")):
            other = await Widget.open(w.page.context.browser, app_server, f"fit_line?{query}")
            text = await other.hook("readout")
            assert words_ in text and "flattens" not in text
            assert text == said_of(await other.hook("values"), optimizer, scale)
    run(lambda: on_page(chromium_path, app_server, "fit_line", scenario))


VIEWS = [  # (page, query): a lesson that holds, one that does not, a walk that stops, a first step far off the view
    ("descent_1d", {}), ("descent_1d", {"gd1.lr": "10"}), ("descent_1d", {"gd1.fn": "custom", "gd1.expr": "exp(exp(x))"}),
    ("descent_2d", {}), ("descent_2d", {"gd2.fn": "beale"}), ("descent_2d", {"gd2.opts": "sgd"}),
]


@pytest.mark.parametrize("path, query", VIEWS, ids=[f"{p}-{'-'.join(q.values()) or 'default'}" for p, q in VIEWS])
def test_what_a_descent_page_says_is_what_its_runs_did(chromium_path, app_server, path, query):
    at = app_test(f"pages/{path}.py")
    for key, value in query.items():
        at.query_params[key] = value
    expected = written(at.run())

    async def scenario(w: Widget):
        readout = await w.hook("readout")
        warned = await w.page.locator(".ld-warn").first.text_content()
        return readout, warned
    readout, warned = run(lambda: on_page(chromium_path, app_server, f"{path}?{urlencode(query)}", scenario))
    rest = readout.removeprefix(expected.text)  # the curve page's "numbers for one step" follow its sentences
    assert expected.text and rest != readout and (rest.startswith("The numbers for one step") if path == "descent_1d" else not rest)
    assert warned == "  ".join(expected.warnings)
