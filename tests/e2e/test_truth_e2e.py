"""What the student really sees in Chromium: formula messages keep their * and ^, a box refuses what it
cannot use and says so, and the long valley and Beale show what their notes say (screenshots in docs/)."""

import re

import pytest
from conftest import screenshot, wait_for_app

pytestmark = pytest.mark.e2e


def open_page(page, base_url: str, title: str, query: str = "") -> None:
    """Open the app, then the page by its sidebar link (a fresh server routes deep links late)."""
    page.goto(base_url + "/" + query)
    wait_for_app(page)
    page.get_by_test_id("stSidebarNavItems").get_by_role("link", name=title).click()
    page.wait_for_selector(".js-plotly-plot .main-svg", timeout=60_000)
    wait_for_app(page)


def type_formula(page, text: str) -> None:
    box = page.get_by_label(re.compile(r"^f\(x"))
    box.fill(text)
    box.press("Enter")
    page.wait_for_timeout(300)
    wait_for_app(page)


def alert(page, words: str):
    return page.get_by_test_id("stAlert").filter(has_text=words).first


@pytest.mark.parametrize("typed, says", [
    ("2x", "missing '*' in '2x' at column 1 — write 2*x"),
    ("x^", "something is missing after '^' at column 2"),
    ("x^2 + 3(x+1)", "write 3*(x+1)"),
])
def test_formula_messages_keep_their_symbols(app_server, browser_page, typed, says):
    page = browser_page
    open_page(page, app_server, "Slope and descent")
    type_formula(page, typed)
    message = alert(page, "Can't read this formula")
    message.wait_for(timeout=30_000)
    text = message.inner_text()
    assert says in text, text
    assert "f(x) = x^2." in text  # the formula the page still draws, as typed
    assert message.locator("em, i, strong, sup").count() == 0  # Markdown turned nothing into italics


def test_a_number_the_box_cannot_use_is_refused_with_a_visible_message(app_server, browser_page):
    page = browser_page
    open_page(page, app_server, "Slope and descent")
    box = page.get_by_label("Start x₀")
    box.fill("5000")
    box.press("Enter")
    page.wait_for_timeout(800)
    assert "outside the allowed range" in page.get_by_test_id("stNumberInput").first.inner_text()
    box.fill("1e309")  # the browser cannot hold it: Streamlit receives an empty box
    box.press("Enter")
    notice = alert(page, "held no number the page can use")
    notice.wait_for(timeout=30_000)
    assert "so the page keeps 2.5" in notice.inner_text()
    assert box.input_value() == "2.500"


@pytest.mark.parametrize("preset, label, note", [
    ("elongated", "Long valley", "plain SGD zig-zags across the valley"),
    ("beale", "Beale", "plain SGD is thrown off the first wall"),
])
@pytest.mark.parametrize("classroom", [False, True], ids=["default", "classroom"])
def test_valley_and_beale_show_what_their_notes_say(app_server, browser_page, preset, label, note, classroom):
    page = browser_page
    open_page(page, app_server, "Descent on surfaces", "?classroom=1" if classroom else "")
    if preset != "elongated":
        page.get_by_test_id("stSelectbox").first.click()
        page.get_by_role("option", name=re.compile(label)).click()
        page.wait_for_timeout(500)
        wait_for_app(page)
        page.wait_for_selector(".js-plotly-plot .main-svg", timeout=60_000)
    lesson = alert(page, note)
    lesson.wait_for(timeout=30_000)
    # Beale's warning says the same as its note: show it too where there is room
    top = alert(page, "SGD: learning rate too large") if preset == "beale" and not classroom else lesson
    top.evaluate("e => e.scrollIntoView({block: 'start'})")
    page.mouse.move(900, 400)  # over the main column, which is what scrolls
    page.mouse.wheel(0, -60)
    page.wait_for_timeout(1500)
    box, chart = lesson.bounding_box(), page.locator(".js-plotly-plot").first.bounding_box()
    assert 0 <= box["y"] and box["y"] + box["height"] <= 720  # the note is on screen ...
    assert chart["y"] < 720 - 150  # ... with the map under it
    names = page.locator(".js-plotly-plot").first.locator(".legendtext").evaluate_all("els => els.map(e => e.textContent)")
    if preset == "beale":
        assert names == ["SGD", "RMSprop", "Adam"]
        assert alert(page, "SGD: learning rate too large: diverged at step").is_visible()
    else:
        assert names == ["SGD", "SGD + momentum", "Adam"]
    screenshot(page, f"truth-{preset}-{'classroom' if classroom else 'default'}")  # docs/truth-*.png are copies
