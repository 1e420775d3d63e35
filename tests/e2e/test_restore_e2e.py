"""Denoise/inpaint page in a real browser: draw a digit on the canvas and the pictures change."""

import pytest
from conftest import screenshot, wait_for_app

pytestmark = pytest.mark.e2e


PICTURES = ".explorer-digits img"  # the row of digits and maps over the controls


def image_sources(page) -> list[str]:
    return page.eval_on_selector_all(PICTURES, "els => els.map(e => e.src)")


def draw_stroke(page, points) -> None:
    """Press, drag through ``points`` (fractions of the canvas) and release, like a finger."""
    canvas = page.locator("canvas.upper-canvas").first  # fabric.js's input layer (open shadow DOM)
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    xy = [(box["x"] + fx * box["width"], box["y"] + fy * box["height"]) for fx, fy in points]
    page.mouse.move(*xy[0])
    page.mouse.down()
    for x, y in xy[1:]:
        page.mouse.move(x, y, steps=8)
    page.mouse.up()


def test_drawing_a_digit_changes_the_pictures(app_server, browser_page):
    page = browser_page
    page.goto(f"{app_server}/restore?restore.source=draw")
    wait_for_app(page)
    page.wait_for_selector("canvas.upper-canvas", timeout=60_000)
    page.get_by_text("clean: test digit 5 #0").wait_for(timeout=60_000)  # nothing drawn yet
    before = image_sources(page)
    draw_stroke(page, [(0.5, 0.15), (0.5, 0.5), (0.48, 0.85)])  # a "1"
    page.get_by_text("clean: your digit").wait_for(timeout=60_000)
    wait_for_app(page)
    after = image_sources(page)
    assert len(after) == 4 and after != before
    assert not page.locator('[data-testid="stException"]').count()
    screenshot(page, "restore-drawn-digit")


def test_painting_a_mask_hides_those_pixels(app_server, browser_page):
    page = browser_page
    page.goto(f"{app_server}/restore?restore.mode=Inpaint&restore.mask=draw+it")
    wait_for_app(page)
    page.wait_for_selector("canvas.upper-canvas", timeout=60_000)
    page.get_by_text("0 of 784").wait_for(timeout=60_000)
    draw_stroke(page, [(0.15, 0.5), (0.5, 0.52), (0.85, 0.5)])  # a bar across the middle
    page.wait_for_function(
        "() => [...document.querySelectorAll('.explorer-numbers dd')]"
        ".some(e => / of 784$/.test(e.innerText) && !e.innerText.startsWith('0 '))", timeout=60_000)
    hidden = int(page.locator(".explorer-numbers dd").first.inner_text().split()[0])
    assert 28 <= hidden <= 8 * 28  # a 24-px pen across the canvas: two to eight rows of pixels
    assert not page.locator('[data-testid="stException"]').count()
    screenshot(page, "restore-painted-mask")


def test_projector_view_has_no_errors(app_server, browser_page):
    page = browser_page
    page.goto(f"{app_server}/restore?classroom=1")
    wait_for_app(page)
    page.get_by_text("network's output").wait_for(timeout=120_000)
    page.locator('[data-testid="stPlotlyChart"]').wait_for(timeout=120_000)
    assert not page.locator('[data-testid="stException"]').count()
    screenshot(page, "restore-classroom-1280x720")


def test_the_digits_are_their_own_pixels_shown_large_and_crisp(app_server, browser_page):
    """Each picture travels as its 28 × 28 pixels; the browser enlarges it by a whole factor, unsmoothed, and more
    in classroom mode."""
    page, widths = browser_page, {}
    for mode in ("", "&classroom=1"):
        page.goto(f"{app_server}/restore?restore.source=test{mode}")
        wait_for_app(page)
        page.get_by_text("clean: test digit 5 #0").wait_for(timeout=60_000)
        shown = page.eval_on_selector_all(PICTURES, """els => els.map(e =>
            [e.naturalWidth, e.getBoundingClientRect().width, getComputedStyle(e).imageRendering,
             Math.round(e.getBoundingClientRect().top)])""")
        assert len(shown) == 4 and all(natural == 28 and rendering == "pixelated" for natural, _, rendering, _ in shown), shown
        assert len({top for *_, top in shown}) == 1, shown  # side by side on one row at 1280 px
        widths[mode] = {round(width) for _, width, _, _ in shown}
        assert len(widths[mode]) == 1 and next(iter(widths[mode])) % 28 == 0, shown
    assert min(widths["&classroom=1"]) > max(widths[""])
