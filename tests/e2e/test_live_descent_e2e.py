"""The live descent widget in a real browser: the picture follows a dragged control with no message to the server.

Drives tests/e2e/live_descent_app.py (the widget in each mode, with a run counter). Every websocket frame the
browser sends is recorded: while a control is dragged there must be none; letting go sends one (the release),
the script reruns once with the values the browser had, and the run drawn equals Python's torch.optim run.

How the mouse is moved, and the helpers: tests/e2e/live_descent_helpers.py.
"""

from __future__ import annotations

import numpy as np
import pytest
from conftest import ARTIFACTS, ROOT, start_streamlit, stop_streamlit, wait_for_app  # tests/e2e/conftest.py
from live_descent_helpers import RUNS, assert_same_path, closed, opened, reference, run
from playwright.sync_api import expect

from explorer.descent import descend
from explorer.expression_json import tree
from explorer.surfaces import CURVES, SURFACES
from explorer.update_rule import num, update_rule

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def harness(chromium_path):
    proc, url = start_streamlit("tests/e2e/live_descent_app.py")
    yield url
    stop_streamlit(proc)


@pytest.mark.parametrize("query, mode, preset, optimizer", [
    ("?mode=curve&preset=two_minima&opt=momentum", "curve", CURVES["two_minima"], "momentum"),
    ("?mode=surface&preset=rosenbrock&opts=sgd,momentum,adam", "surface", SURFACES["rosenbrock"], "adam"),
    ("?mode=fit&opt=adam", "fit", None, "adam"),
])
def test_dragging_the_learning_rate_redraws_at_every_move_and_sends_nothing_until_release(
        chromium_path, harness, query, mode, preset, optimizer):
    async def scenario():
        p, browser, w = await opened(chromium_path, harness, query)
        runs = await w.runs()
        rate, during = await w.drag(await w.thumb("lr"), [await w.thumb("lr", 0.05), await w.thumb("lr", 0.95)])
        print(f"\n{mode}: {rate:.0f} redraws/s while dragging the learning rate, {await w.hook('lastRunMs'):.2f} ms "
              f"per recompute, {await w.hook('lastDrawMs'):.2f} ms per redraw, {during} frames sent during the drag")
        assert during == 0, "the browser talked to the server during the drag"
        await w.follow([await w.thumb("lr", f) for f in (0.2, 0.6, 0.35, 0.8)])
        shown = await w.hook("values")
        assert await w.let_go(runs) == 1, "letting go must send exactly one message"
        assert await w.runs() == runs + 1
        state = await w.state()
        assert {k: state[k] for k in shown} == shown  # every control's value reached session state
        drawn = [r for r in await w.hook("runs()") if r["optimizer"] == optimizer][0]
        assert_same_path(drawn, reference(mode, state, preset, optimizer))
        await closed(p, browser)
    run(scenario)


def test_dragging_the_start_by_its_slider_and_on_the_curve(chromium_path, harness):
    s = CURVES["wiggly"]

    async def scenario():
        p, browser, w = await opened(chromium_path, harness, "?mode=curve&preset=wiggly&opt=adam")
        runs = await w.runs()
        _, during = await w.drag(await w.thumb("x0"), [await w.thumb("x0", 0.1), await w.thumb("x0", 0.9)])
        assert during == 0
        await w.follow([await w.thumb("x0", f) for f in (0.3, 0.7, 0.45)])
        assert await w.let_go(runs) == 1
        state = await w.state()
        assert state["x0"] == (await w.hook("values"))["x0"]
        assert_same_path((await w.hook("runs()"))[0], reference("curve", state, s, "adam"))
        runs = await w.runs()  # now the start point itself, dragged along the curve
        _, during = await w.drag(await w.point(state["x0"], 0), [await w.point(-6, 0), await w.point(6, 0)], seconds=1.2)
        assert during == 0
        await w.follow([await w.point(x, 0) for x in (-4, 2, -1)])
        assert await w.let_go(runs) == 1
        state = await w.state()
        assert state["x0"] == (await w.hook("values"))["x0"]
        assert_same_path((await w.hook("runs()"))[0], reference("curve", state, s, "adam"))
        await closed(p, browser)
    run(scenario)


def test_keyboard_arrows_move_a_control_and_keep_its_focus_across_the_rerun(chromium_path, harness):
    async def scenario():
        p, browser, w = await opened(chromium_path, harness, "?mode=curve&preset=bowl&opt=sgd")
        lr = w.page.locator('input[name="lr"]')
        before, redraws, runs = await w.hook("values"), await w.hook("redraws"), await w.runs()
        await lr.focus()
        await w.page.keyboard.press("ArrowRight")
        await w.page.wait_for_function("n => window.__liveDescent.redraws > n", arg=redraws)
        after = await w.hook("values")
        assert after["lr"] > before["lr"]
        assert await lr.get_attribute("aria-valuetext") == f"{after['lr']:g}"
        assert await w.page.locator(f'label[for="{await lr.get_attribute("id")}"]').inner_text() != ""
        await w.page.wait_for_function(f"n => {RUNS} > n", arg=runs)
        await w.settled()
        assert (await w.state())["lr"] == after["lr"]
        focused = "() => document.activeElement.shadowRoot?.activeElement?.name ?? document.activeElement.name"
        assert await w.page.evaluate(focused) == "lr"
        await w.page.keyboard.press("ArrowRight")
        await w.page.wait_for_function("v => window.__liveDescent.values.lr > v", arg=after["lr"])
        await closed(p, browser)
    run(scenario)


def test_the_map_moves_the_start_by_drag_and_by_arrow_keys(chromium_path, harness):
    s = SURFACES["himmelblau"]

    async def scenario():
        p, browser, w = await opened(chromium_path, harness, "?mode=surface&preset=himmelblau&opts=sgd,adam")
        runs = await w.runs()
        _, during = await w.drag(await w.point(-3, 3), [await w.point(3, -3), await w.point(-3, 3)])
        assert during == 0
        await w.follow([await w.point(x, y) for x, y in ((1, 1), (-2, 2), (-3, 3))])
        assert await w.let_go(runs) == 1
        state = await w.state()
        assert np.allclose(state["start"], [-3, 3], atol=0.1)
        assert_same_path((await w.hook("runs()"))[1], reference("surface", state, s, "adam"))
        runs = await w.runs()
        await w.page.locator("canvas.ld-canvas").focus()
        for _ in range(5):
            await w.page.keyboard.press("ArrowRight")
        await w.page.wait_for_function(f"n => {RUNS} > n", arg=runs)
        await w.settled()
        moved = (await w.hook("values"))["start"]
        assert moved[0] == pytest.approx(state["start"][0] + 0.5, abs=1e-9) and moved[1] == state["start"][1]
        await closed(p, browser)
    run(scenario)


def test_scrubbing_and_playing_stay_in_the_browser(chromium_path, harness):
    async def scenario():
        p, browser, w = await opened(chromium_path, harness, "?mode=surface&preset=elongated")
        sent, runs = len(w.sent), await w.runs()
        await w.page.locator('input[id$="-k"]').focus()
        await w.page.keyboard.press("Home")
        assert await w.hook("k") == 0
        await w.page.locator("button.ld-play").click()
        await w.page.wait_for_function("() => window.__liveDescent.k > 20")
        await w.page.wait_for_timeout(300)
        assert len(w.sent) == sent and await w.runs() == runs
        await closed(p, browser)
    run(scenario)


@pytest.mark.parametrize("query", ["?mode=curve&preset=wiggly&opt=adam", "?mode=surface&preset=rosenbrock", "?mode=fit&opt=momentum"])
@pytest.mark.parametrize("classroom", [False, True])
def test_screenshots(chromium_path, harness, query, classroom):
    name = f"live_descent_{query.split('=')[1].split('&')[0]}{'_classroom' if classroom else ''}"

    async def scenario():
        p, browser, w = await opened(chromium_path, harness, query + ("&classroom=1" if classroom else ""))
        await w.page.locator(".ld").scroll_into_view_if_needed()
        ARTIFACTS.mkdir(exist_ok=True)
        await w.page.screenshot(path=str(ARTIFACTS / f"{name}.png"))
        await closed(p, browser)
    run(scenario)
    assert (ARTIFACTS / f"{name}.png").stat().st_size > 10_000


def test_numbers_for_one_step_read_as_update_rule_writes_them(browser):
    """live_descent_text.js against explorer/update_rule.py and Python's number formats (a blank page, no server)."""
    page = browser.new_page()
    page.set_content("<!doctype html><title>text</title>")
    for name in ("descent_exact.js", "descent_engine.js", "live_descent_text.js"):
        page.add_script_tag(content=(ROOT / "explorer/ui/widgets" / name).read_text(encoding="utf-8"))
    values = [0.0, 1.0, -2.5, 1234.5678, 0.000123456, 1.5e-7, -9.87654e12, 100000.0, 99999.5, 0.1 + 0.2]
    assert page.evaluate("vs => vs.map((v) => fmtG(v, 4))", values) == [f"{v:.4g}" for v in values]
    s = CURVES["two_minima"]
    settings = {"sgd": {}, "momentum": {"momentum": 0.5}, "nesterov": {}, "rmsprop": {"alpha": 0.9}, "adagrad": {},
                "adam": {"betas": (0.8, 0.99)}}
    for optimizer, h in settings.items():
        traj = descend(s.f, s.start, optimizer, s.lr, 12, **h)
        js_h = {a: list(b) if isinstance(b, tuple) else b for a, b in h.items()}
        for k in (0, 5, 11):
            expected = num(update_rule(traj, k, h).x_next, False).replace("-", "\u2212")
            line = page.evaluate("""([t, s, o, lr, h, k]) => { const run = descend(compileExpression(t), s, o, lr, 12, h);
                const lines = ruleLines({ ...run, lr }, k); return lines[lines.length - 1]; }""",
                                 [tree(s.f), list(s.start), optimizer, s.lr, js_h, k])
            assert line.endswith(f"= {expected}"), (optimizer, k, line, expected)
    page.close()


def test_a_picture_whose_answer_was_lost_is_asked_for_until_it_comes(browser, harness):
    page = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
    page.goto(f"{harness}/?mode=curve&lose=3")  # the first three runs withhold the curve samples
    expect(page.get_by_role("status").filter(has_text="Loading the picture…")).to_be_visible(timeout=60_000)
    page.wait_for_function("() => window.__liveDescent && window.__liveDescent.redraws > 0", timeout=60_000)
    expect(page.locator(".ld-wait")).to_have_count(0)
    wait_for_app(page)
    assert page.evaluate(f"() => {RUNS}") == 4  # one run, then one per request until the answer came
    page.context.close()


def test_a_curve_shown_again_is_drawn_from_what_the_browser_kept(browser, harness):
    page = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
    page.goto(f"{harness}/?mode=curve&preset=bowl&alt=two_minima")
    wait_for_app(page)
    page.wait_for_function("() => window.__liveDescent && window.__liveDescent.redraws > 0", timeout=60_000)
    canvas = page.locator("canvas.ld-canvas")  # in the widget's shadow root: a locator reaches it
    bowl = canvas.evaluate("c => c.toDataURL()")
    for runs in (2, 3):  # to the other curve (its samples sent) and back (only the bowl's id sent)
        page.get_by_role("button", name="Other curve").click()
        page.wait_for_function(f"() => {RUNS} === {runs}", timeout=60_000)
        wait_for_app(page)
        page.wait_for_timeout(300)
        assert (canvas.evaluate("c => c.toDataURL()") == bowl) is (runs == 3)
    expect(page.locator(".ld-wait")).to_have_count(0)  # nothing was missing: no "Loading the picture…"
    assert page.evaluate(f"() => {RUNS}") == 3  # and nothing asked for again
    page.context.close()
