"""A keyboard-only walk over every page in Chromium: Tab from the top of the page to its first control,
move it with the keyboard, and see the page take the new value (the latent map's own walk, Tab to the map,
arrows and Enter to decode a digit, is in test_latent_e2e.py).

On each page Tab is pressed until focus lands on a slider (Streamlit's, or a native range input inside an
in-browser widget) or, on a page without one, a switch or checkbox. The focused control must show a visible
focus indicator; then an arrow key (Space for a switch) must change its value, and after the rerun the
control still holds the new value with no exception on the page.
"""

import pytest
from conftest import screenshot
from test_a11y_e2e import open_page, stem, url
from test_projector import settle

from explorer.ui.pages import PAGES

pytestmark = pytest.mark.e2e
MAX_TABS = 60
# the focused element, looked for inside widgets' shadow roots too
FOCUSED_JS = """() => {
  let a = document.activeElement;
  while (a && a.shadowRoot && a.shadowRoot.activeElement) a = a.shadowRoot.activeElement;
  if (!a || a === document.body) return null;
  const role = a.getAttribute('role') || (a.type === 'range' ? 'slider' : a.type === 'checkbox' ? 'checkbox' : a.tagName);
  // a switch draws its ring on the track beside the hidden input
  const shown = a.type === 'checkbox' ? a.nextElementSibling || a.parentElement : a;
  const ring = [a, shown].some((e) => { const s = getComputedStyle(e);
    return (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none'; });
  return {role, label: a.getAttribute('aria-label') || (a.labels && a.labels[0] ? a.labels[0].innerText : '')
            || a.closest('[data-testid=stCheckbox]')?.innerText || '',
          value: a.getAttribute('aria-valuetext') || a.getAttribute('aria-valuenow') || a.value || '',
          checked: a.type === 'checkbox' ? a.checked : a.getAttribute('aria-checked'), ring};
}"""


def walk_to_control(page) -> dict:
    """Tab until a slider (or, failing that on the whole page, a switch or checkbox) has the focus."""
    toggles = 0  # a freshly opened page has no focus: the first Tab goes to its first control
    for presses in range(1, MAX_TABS + 1):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED_JS)
        if focused and focused["role"] == "slider":
            return focused | {"presses": presses}
        if focused and focused["role"] in ("checkbox", "switch") and not toggles:
            toggles = presses
    assert toggles, f"no slider, switch or checkbox reached in {MAX_TABS} Tab presses"
    page.reload()
    settle(page)
    for _ in range(toggles):
        page.keyboard.press("Tab")
    return page.evaluate(FOCUSED_JS) | {"presses": toggles}


@pytest.mark.parametrize("info", PAGES, ids=stem)
def test_tab_reaches_a_control_and_the_keyboard_moves_it(app_server, browser, info):
    page = open_page(browser, url(app_server, info))
    try:
        before = walk_to_control(page)
        assert before["ring"], f"{info.title}: no visible focus indicator on {before}"
        if before["role"] == "slider":
            page.keyboard.press("ArrowRight")
            page.wait_for_timeout(300)
            if page.evaluate(FOCUSED_JS)["value"] == before["value"]:  # it was at its top end
                page.keyboard.press("ArrowLeft")
                page.keyboard.press("ArrowLeft")
        else:
            page.keyboard.press("Space")
        page.wait_for_timeout(1500)  # the rerun the move caused
        page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60_000)
        after = page.evaluate(FOCUSED_JS)
        screenshot(page, f"keyboard-{stem(info)}")
        assert after is not None, f"{info.title}: the focus was lost after the move ({before})"
        key = "value" if before["role"] == "slider" else "checked"
        assert after[key] != before[key], f"{info.title}: the keyboard did not move {before['label']!r}: {before} → {after}"
        assert page.locator('[data-testid="stException"]').count() == 0
        print(f"\n{info.title}: {before['presses']} Tab presses to {before['label']!r}, {before[key]} → {after[key]}")
    finally:
        page.context.close()
