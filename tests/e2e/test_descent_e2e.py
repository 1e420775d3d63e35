"""Descent pages in a real browser: a click on the contour map moves the start; ▶ plays the steps."""

import re

import pytest
from conftest import screenshot, wait_for_app

pytestmark = pytest.mark.e2e
START = re.compile(r"Start x = (-?[\d.]+), y = (-?[\d.]+)")


def open_page(page, base_url: str, title: str) -> None:
    """Open the app at home, then follow the sidebar link (a fresh server routes deep links late)."""
    page.goto(base_url + "/")
    wait_for_app(page)
    page.get_by_test_id("stSidebarNavItems").get_by_role("link", name=title).click()
    page.wait_for_selector(".js-plotly-plot .nsewdrag", timeout=60_000)
    wait_for_app(page)


def printed_start(page) -> tuple[float, float]:
    x, y = START.search(page.get_by_text("Start x =").inner_text()).groups()
    return float(x), float(y)


def test_click_on_an_empty_spot_of_the_contour_sets_the_start(app_server, browser_page):
    page = browser_page
    open_page(page, app_server, "Descent on surfaces")
    before = printed_start(page)
    area = page.locator(".js-plotly-plot").first.locator(".nsewdrag").first
    area.scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    box = area.bounding_box()
    x_range, y_range = page.evaluate(
        "() => { const l = document.querySelector('.js-plotly-plot')._fullLayout;"
        " return [l.xaxis.range, l.yaxis.range]; }")
    fx, fy = 0.8, 0.2  # top right of the long valley: no path there
    px, py = box["x"] + fx * box["width"], box["y"] + fy * box["height"]
    page.mouse.move(px, py)
    page.wait_for_timeout(200)
    page.mouse.click(px, py)
    page.wait_for_function(
        "(old) => { const t = document.body.innerText.match(/Start x = (-?[\\d.]+), y = (-?[\\d.]+)/);"
        " return t && (t[1] !== old[0] || t[2] !== old[1]); }",
        arg=[f"{before[0]:.3f}", f"{before[1]:.3f}"], timeout=30_000)
    wait_for_app(page)
    x, y = printed_start(page)
    want_x = x_range[0] + fx * (x_range[1] - x_range[0])
    want_y = y_range[1] - fy * (y_range[1] - y_range[0])
    spacing = (x_range[1] - x_range[0]) / 59  # the click snaps to the nearest point of the invisible grid
    assert abs(x - want_x) < 2 * spacing and abs(y - want_y) < 2 * spacing, (x, y, want_x, want_y)
    page.wait_for_function("() => location.search.includes('gd2.start=')", timeout=10_000)  # shareable
    screenshot(page, "descent_2d_click")


def test_play_button_runs_the_steps_in_the_browser(app_server, browser_page):
    page = browser_page
    open_page(page, app_server, "Slope and descent")
    chart = page.locator(".js-plotly-plot").first
    chart.scroll_into_view_if_needed()
    readout = "() => [...document.querySelectorAll('.js-plotly-plot .textpoint text')].map(t => t.textContent).join()"
    assert "step 0:" in page.evaluate(readout)
    chart.locator(".updatemenu-button").first.click()
    page.wait_for_function(f"() => /step ([3-9]|[1-9][0-9]):/.test(({readout})())", timeout=10_000)
    screenshot(page, "descent_1d_playing")
