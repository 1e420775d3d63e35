"""What the student really sees in Chromium: formula messages keep their * and ^, and the long valley and
Beale show what their notes say (screenshots in docs/)."""

import re

import pytest
from conftest import screenshot, wait_for_app

pytestmark = pytest.mark.e2e


PATHS = {"Slope and descent": "descent_1d", "Descent on surfaces": "descent_2d"}


def open_page(page, base_url: str, title: str, query: str = "") -> None:
    """Open the page by its address; wait until its live picture has drawn."""
    page.goto(f"{base_url}/{PATHS[title]}{query}")
    wait_for_app(page)
    page.wait_for_function("() => window.__liveDescent && window.__liveDescent.redraws > 0", timeout=60_000)
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
        page.wait_for_function("() => window.__liveDescent?.runs().some((r) => r.optimizer === 'rmsprop')", timeout=60_000)
        wait_for_app(page)
    lesson = page.locator(".ld-note").filter(has_text=note).first  # the widget shows the note while it holds
    lesson.wait_for(timeout=30_000)
    names = page.locator(".ld-key").evaluate_all("els => els.map(e => e.textContent)")
    if preset == "beale":  # the note says SGD diverges: the page says so in the same view
        assert names == ["SGD", "RMSprop", "Adam"]
        assert page.get_by_text("SGD stopped. Learning rate too large: diverged at step").is_visible()
    else:
        assert names == ["SGD", "SGD + momentum", "Adam"]
    lesson.evaluate("e => e.scrollIntoView({block: 'center'})")
    page.wait_for_timeout(800)
    box = lesson.bounding_box()
    assert 0 <= box["y"] and box["y"] + box["height"] <= 720  # the note is on screen
    screenshot(page, f"truth-{preset}-{'classroom' if classroom else 'default'}")  # docs/truth-*.png are copies
