"""Accessibility in a real browser: axe-core on every page, type size, 200% zoom, motion, chart names.

axe-core (bundled by axe-playwright-python, injected into the page: nothing is fetched) checks
WCAG 2.1 A and AA on every page of the page table, in default and classroom mode, with the
browser asking for the light and the dark theme; any serious or critical violation fails.
"""

import pytest
from conftest import screenshot
from test_projector import settle, stem

from explorer.ui.pages import PAGES

pytestmark = pytest.mark.e2e
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
FAILING = ("serious", "critical")
MODES = {"default": "", "classroom": "?classroom=1"}
# Streamlit's backgrounds: the theme must really follow the browser, or the dark run tests nothing
BACKGROUND = {"light": "rgb(255, 255, 255)", "dark": "rgb(23, 22, 20)"}


def url(server: str, info, query: str = "") -> str:
    return f"{server}/{'' if info is PAGES[0] else stem(info)}{query}"


def open_page(browser, address: str, scheme: str = "light", **context):
    """A fresh context (theme, viewport, motion) with the page at ``address`` settled."""
    ctx = browser.new_context(color_scheme=scheme, **{"viewport": {"width": 1280, "height": 720}, **context})
    page = ctx.new_page()
    page.goto(address)
    settle(page)
    return page


def report(violations: list[dict]) -> str:
    """One block per violation: rule, impact, what it means, then each node and axe's reason."""
    out = []
    for v in violations:
        out.append(f"{v['id']} ({v['impact']}, {len(v['nodes'])} nodes): {v['help']} — {v['helpUrl']}")
        for node in v["nodes"][:8]:
            reason = node.get("failureSummary", "").replace("\n", " ")
            out.append(f"    {' > '.join(map(str, node['target']))[-140:]}\n      {node['html'][:160]}\n      {reason[:300]}")
    return "\n".join(out)


@pytest.fixture(scope="module")
def axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("mode", list(MODES))
@pytest.mark.parametrize("info", PAGES, ids=stem)
def test_no_serious_wcag_violation(app_server, browser, axe, info, mode, scheme):
    page = open_page(browser, url(app_server, info, MODES[mode]), scheme)
    try:
        background = page.evaluate("getComputedStyle(document.querySelector('[data-testid=stApp]')).backgroundColor")
        assert background == BACKGROUND[scheme], f"the app did not follow the browser's {scheme} setting"
        result = axe.run(page, options={"runOnly": {"type": "tag", "values": TAGS}, "resultTypes": ["violations"]})
        bad = [v for v in result.response["violations"] if v["impact"] in FAILING]
        if bad:
            screenshot(page, f"a11y-{stem(info)}-{mode}-{scheme}")
        assert not bad, f"{info.title}, {mode} mode, {scheme} theme:\n" + report(bad)
    finally:
        page.context.close()


OPENED = {  # a state a page does not open in: page, what to click
    "softmax-expander": ("softmax", "[data-testid=stExpander] summary"),
    "restore-inpaint": ("restore", "[data-testid=stTab]:has-text('Inpaint')"),
    "latent-ae-vs-vae": ("latent", "[data-testid=stButtonGroup] button:has-text('AE vs VAE')"),
    "descent_2d-3d-view": ("descent_2d", "details.ld-3d > summary"),
}


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("state", list(OPENED))
def test_no_serious_wcag_violation_in_opened_states(app_server, browser, axe, state, scheme):
    page_stem, click = OPENED[state]
    page = open_page(browser, url(app_server, next(p for p in PAGES if stem(p) == page_stem)), scheme)
    try:
        page.locator(click).first.click()
        settle(page)
        result = axe.run(page, options={"runOnly": {"type": "tag", "values": TAGS}, "resultTypes": ["violations"]})
        bad = [v for v in result.response["violations"] if v["impact"] in FAILING]
        assert not bad, f"{state}, {scheme} theme:\n" + report(bad)
    finally:
        page.context.close()


@pytest.mark.parametrize("info", [PAGES[0], next(p for p in PAGES if stem(p) == "softmax")], ids=stem)
def test_classroom_body_text_is_at_least_20px(app_server, browser, info):
    page = open_page(browser, url(app_server, info, "?classroom=1"))
    try:
        sizes = page.evaluate("""() => [...document.querySelectorAll(
            '[data-testid=stMarkdownContainer] p, [data-testid=stMarkdownContainer] li, .explorer-caption,'
            + ' .explorer-idea, [data-testid=stCaptionContainer]')].filter((e) => e.checkVisibility())
            .map((e) => [parseFloat(getComputedStyle(e).fontSize), (e.innerText || '').trim().slice(0, 40)])""")
        assert len(sizes) > 5
        small = [s for s in sizes if s[0] < 20]
        assert not small, f"text under 20 px in classroom mode on {info.title}: {small[:5]}"
    finally:
        page.context.close()


# 200% zoom on a 1280-px screen: the page lays out in 640 CSS pixels, drawn at two device pixels each
ZOOMED = {"viewport": {"width": 640, "height": 360}, "device_scale_factor": 2}
OVERFLOW_JS = """
() => {
  const width = document.documentElement.clientWidth;
  const main = document.querySelector('[data-testid=stMain]');
  const out = [];
  if (document.documentElement.scrollWidth > width + 1) out.push(`the page scrolls sideways: ${document.documentElement.scrollWidth} px`);
  if (main.scrollWidth > main.clientWidth + 1) out.push(`the main area scrolls sideways: ${main.scrollWidth} > ${main.clientWidth} px`);
  const sel = '[data-testid=stElementContainer] > *, [data-testid=stWidgetLabel], .explorer-idea, h1';
  for (const el of main.querySelectorAll(sel)) {
    const r = el.getBoundingClientRect();
    if (r.width > 0 && el.checkVisibility() && (r.left < -1 || r.right > width + 1))
      out.push(`${el.dataset.testid || el.className || el.tagName} "${(el.innerText || '').trim().slice(0, 40)}"`
               + ` spans ${Math.round(r.left)}..${Math.round(r.right)} px`);
  }
  return [...new Set(out)].slice(0, 12);
}
"""


@pytest.mark.parametrize("info", PAGES, ids=stem)
def test_nothing_is_cut_off_at_200_percent_zoom(app_server, browser, info):
    page = open_page(browser, url(app_server, info), **ZOOMED)
    try:
        problems = page.evaluate(OVERFLOW_JS)
        if problems:
            screenshot(page, f"a11y-zoom-{stem(info)}")
        assert not problems, f"{info.title} at 200% zoom:\n" + "\n".join(problems)
    finally:
        page.context.close()


def play_button_shown(page) -> bool:
    page.wait_for_function("() => window.__liveDescent && window.__liveDescent.redraws > 0", timeout=60_000)
    return page.locator(".ld-play").first.is_visible()  # a locator looks inside the widget's shadow root


def test_reduced_motion_hides_play_and_stops_transitions(app_server, browser):
    address = url(app_server, next(p for p in PAGES if stem(p) == "descent_1d"))
    page = open_page(browser, address)
    try:
        assert play_button_shown(page), "the descent page should have a ▶ play button"
    finally:
        page.context.close()
    page = open_page(browser, address, reduced_motion="reduce")
    try:
        assert not play_button_shown(page), "▶ play is offered although the user asked for reduced motion"
        assert page.locator('input[id$="-k"]').count() >= 1, "the step slider must stay to scrub the steps by hand"
        slow = page.evaluate("""() => [...document.querySelectorAll('[data-testid=stApp] *')]
            .map((e) => getComputedStyle(e)).filter((s) => parseFloat(s.transitionDuration) > 0.001
            || (s.animationName !== 'none' && parseFloat(s.animationDuration) > 0.001)).length""")
        assert slow == 0, f"{slow} elements still animate or transition"
    finally:
        page.context.close()


CHART_NAMES = {  # page -> (the start of each chart's accessible name, a slider that changes the data)
    "gradient_tape": (["Computation graph of f = "], "Backward steps played"),
    "softmax": (["Bar charts: ten logits", "Bar chart: the cross-entropy gradient"], "Temperature T"),
    "restore": (["Line chart: PSNR against"], "Gaussian noise σ"),
}
# a named chart: a Plotly chart's container (describe.js names it) or a live widget's SVG (the locator finds it in
# the widget's shadow root); its description is the "In words" line, or the SVG's <desc> holding the same words
NAMED = "[data-testid=stPlotlyChart][aria-label], svg[role=img][aria-label]"
NAME_AND_DESCRIPTION = """charts => charts.map((c) => [c.getAttribute('aria-label'), c.tagName.toLowerCase() === 'svg'
    ? c.querySelector('desc')?.textContent || '' : document.getElementById(c.getAttribute('aria-describedby'))?.innerText || ''])"""


@pytest.mark.parametrize("page_stem", list(CHART_NAMES))
def test_charts_have_names_and_descriptions_that_follow_the_data(app_server, browser, page_stem):
    info = next(p for p in PAGES if stem(p) == page_stem)
    page = open_page(browser, url(app_server, info))
    try:
        starts, slider = CHART_NAMES[page_stem]

        def names():
            page.locator(NAMED).nth(len(starts) - 1).wait_for(timeout=60_000)
            charts = page.locator(NAMED).evaluate_all(NAME_AND_DESCRIPTION)
            return [(n, d) for n, d in charts if d]

        before = names()
        in_words = page.locator(".explorer-describe").all_inner_texts()
        for start in starts:
            name, description = next(((n, d) for n, d in before if n.startswith(start)), (None, None))
            assert name, (start, before)
            assert any(line.startswith("In words:") and line.endswith(description) for line in in_words), (start, before)
            exposed = page.get_by_role("img", name=name).count() + page.get_by_role("figure", name=name).count()
            assert exposed == 1  # what the accessibility tree exposes
        tree = page.locator("[data-testid=stMain]").aria_snapshot()  # the accessibility tree, as YAML
        assert f'img "{starts[0]}' in tree or f'figure "{starts[0]}' in tree, "no chart name in the accessibility tree"
        # move a control: the description follows the data, and the names survive the rerun
        streamlit_slider = page.locator("[data-testid=stSlider]").filter(has_text=slider).locator("input[type=range]")
        page.locator(f'input[type=range][aria-label="{slider}"]').or_(streamlit_slider).first.focus()  # or a widget's
        page.keyboard.press("ArrowRight")
        page.keyboard.press("ArrowRight")
        settle(page)
        after = names()
        assert len(after) == len(before)
        assert [d for _, d in after] != [d for _, d in before], "the description did not change with the data"
    finally:
        page.context.close()
