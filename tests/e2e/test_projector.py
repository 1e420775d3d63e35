"""Projector check: every page at 1280×720 in classroom mode, in a real browser.

Each page must render without an exception, keep every control and label inside the viewport's
width, cut no label or value short (an ellipsis, squeezed chips), and not stack two labels on
top of each other. Screenshots go to test-artifacts/projector-<page>.png (what the projector
shows) and projector-<page>-full.png (the whole page) for a person to look at.
"""

import time

import pytest
from conftest import ARTIFACTS, screenshot, start_streamlit, wait_for_app

from explorer import ROOT
from explorer.ui.pages import PAGES, icon_url
from explorer.ui.theme import CLASSROOM_ROOT_PX

pytestmark = pytest.mark.e2e
WIDTH, HEIGHT = 1280, 720
FIRST_SCREEN_PX = 250  # at least this much of a page's first figure shows before any scrolling
CONTROLS = ", ".join(f'[data-testid="{t}"]' for t in (
    "stWidgetLabel", "stSlider", "stSelectbox", "stMultiSelect", "stNumberInput", "stTextInput",
    "stTextArea", "stButton", "stDownloadButton", "stRadio", "stCheckbox", "stToggle", "stPills",
    "stSegmentedControl", "stMetric", "stPageLink", "stExpander", "stTabs", "stPlotlyChart", "stImage",
)) + ", .explorer-digits figure, .explorer-numbers > div"
# Returns one line per problem: outside the viewport, text cut short, or two labels overlapping.
PROBLEMS_JS = """
([controls, width]) => {
  const name = (el) => `${el.getAttribute('data-testid')} "${(el.innerText || '').trim().replace(/\\s+/g, ' ').slice(0, 50)}"`;
  const shown = [...document.querySelectorAll(controls)].filter((el) => {
    const r = el.getBoundingClientRect();  // checkVisibility: not hidden, e.g. inside a closed expander
    if (el.closest('[data-testid="stSidebar"][data-collapsed="true"]')) return false;  // folded away: its arrow opens it
    return r.width > 0 && r.height > 0 && el.checkVisibility({visibilityProperty: true, opacityProperty: true});
  });
  const out = [];
  for (const el of shown) {
    const r = el.getBoundingClientRect();
    if (r.left < -1 || r.right > width + 1)
      out.push(`outside the viewport (${Math.round(r.left)}..${Math.round(r.right)} px): ${name(el)}`);
    if (el.matches('[data-testid="stPlotlyChart"], [data-testid="stImage"], .explorer-digits figure')) continue;
    for (const t of [el, ...el.querySelectorAll('*')]) {
      const cs = getComputedStyle(t);
      const text = (t.innerText || '').trim();
      if (text && t.clientWidth > 0 && t.scrollWidth > t.clientWidth + 1
          && (cs.overflowX === 'hidden' || cs.textOverflow === 'ellipsis'))
        out.push(`text cut (${t.clientWidth} of ${t.scrollWidth} px shown): "${text.slice(0, 40)}" in ${name(el)}`);
    }
  }
  const labels = shown.filter((el) => el.matches('[data-testid="stWidgetLabel"]')).map((el) => [el, el.getBoundingClientRect()]);
  labels.forEach(([a, ra], i) => labels.slice(i + 1).forEach(([b, rb]) => {
    const w = Math.min(ra.right, rb.right) - Math.max(ra.left, rb.left);
    const h = Math.min(ra.bottom, rb.bottom) - Math.max(ra.top, rb.top);
    if (w > 2 && h > 2 && !a.contains(b) && !b.contains(a)) out.push(`labels overlap: ${name(a)} and ${name(b)}`);
  }));
  return [...new Set(out)];
}
"""


def stem(info) -> str:
    return info.path.rsplit("/", 1)[-1].removesuffix(".py")


def settle(page, timeout: float = 120.0) -> None:
    """Wait until the script has finished (stApp's script state), then until the page stops changing."""
    wait_for_app(page, timeout=timeout * 1000)
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=timeout * 1000)
    deadline, last, still = time.monotonic() + timeout, None, 0
    while time.monotonic() < deadline and still < 3:  # no skeletons, every chart drawn, the DOM unchanged
        now = page.evaluate(
            "() => [document.querySelectorAll('[data-testid=stMain] *').length,"
            " document.querySelector('[data-testid=stMain]').innerText.length,"
            " !document.querySelector('[data-testid=stSkeleton]') &&"
            " [...document.querySelectorAll('[data-testid=stPlotlyChart]')].every(c => c.querySelector('.main-svg'))]"
        )
        still = still + 1 if now == last and now[2] else 0
        last = now
        time.sleep(0.7)


def full_screenshot(page, name: str) -> None:
    """The whole page in one PNG: the viewport grown to the height of Streamlit's scrolling main area."""
    height = page.evaluate("() => document.querySelector('[data-testid=stMain]').scrollHeight")
    page.set_viewport_size({"width": WIDTH, "height": min(max(height + 40, HEIGHT), 8000)})
    time.sleep(1.0)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))
    page.set_viewport_size({"width": WIDTH, "height": HEIGHT})


@pytest.mark.parametrize("info", PAGES, ids=stem)  # PAGES order: home first, the app's default page
def test_page_fits_a_projector(app_server, browser_page, info):
    if not (ROOT / info.path).exists():
        pytest.skip(f"{info.path} does not exist yet")
    page = browser_page
    path = "" if info is PAGES[0] else stem(info)
    page.goto(f"{app_server}/{path}?classroom=1")
    settle(page)
    screenshot(page, f"projector-{stem(info)}")
    problems = page.evaluate(PROBLEMS_JS, [CONTROLS, WIDTH])
    full_screenshot(page, f"projector-{stem(info)}-full")
    errors = page.locator('[data-testid="stException"]')
    assert errors.count() == 0, errors.first.inner_text()[:500]
    title = "Explorer" if info is PAGES[0] else info.title  # the home page is titled by the app
    assert page.get_by_role("heading", name=title).count(), f"{title} did not open"
    assert problems == [], f"{info.title} at {WIDTH}×{HEIGHT}, classroom mode:\n" + "\n".join(problems)
    icons = page.evaluate("[...document.querySelectorAll('link[rel~=\"icon\"]')].map((l) => l.href)")
    assert icons and all(href == icon_url() for href in icons), icons  # the app's own icon in the tab
    if stem(info) not in ("home", "lessons"):  # a page with a figure shows it in the first screen
        # a Plotly chart, an image, a live widget's canvas or its named SVG (softmax's bars)
        figure = page.locator('[data-testid="stPlotlyChart"], [data-testid="stImage"], .explorer-digits, canvas, '
                              'svg[role="img"]').first
        top = figure.bounding_box()["y"]
        assert top < HEIGHT - FIRST_SCREEN_PX, f"{info.title}: the first figure starts at {top:.0f} px of {HEIGHT}"


def test_a_shared_link_is_the_first_request_to_a_fresh_server(browser_page):
    proc, url = start_streamlit()
    try:
        browser_page.goto(f"{url}/softmax?classroom=1")
        settle(browser_page)
        sidebar = browser_page.locator('[data-testid="stSidebar"]').inner_text()
        # Streamlit's legacy pages/ mode would list file names ("softmax") and no classroom toggle
        assert "Classroom mode" in sidebar and "Logits → softmax" in sidebar
        assert browser_page.evaluate("getComputedStyle(document.documentElement).fontSize") == f"{CLASSROOM_ROOT_PX}px"
    finally:
        proc.terminate()
        proc.wait(10)


def test_a_class_opening_shared_links_at_once_on_a_fresh_server_gets_the_app(browser):
    proc, url = start_streamlit()
    links = ["softmax?classroom=1", "latent", "descent_1d", "gradient_tape"]
    contexts = [browser.new_context(viewport={"width": 1280, "height": 720}) for _ in links]
    try:
        pages = [c.new_page() for c in contexts]
        for page, link in zip(pages, links):  # all requested before any has run: the race
            page.goto(f"{url}/{link}", wait_until="commit")
        for page, link in zip(pages, links):
            settle(page)
            sidebar = page.locator('[data-testid="stSidebar"]').inner_text()
            # legacy pages/ mode lists file names ("descent 1d") and has no classroom toggle
            assert "Classroom mode" in sidebar and "descent 1d" not in sidebar, (link, sidebar[:200])
    finally:
        for c in contexts:
            c.close()
        proc.terminate()
        proc.wait(10)
