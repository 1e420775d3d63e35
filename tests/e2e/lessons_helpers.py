"""Browser helpers for the lesson tests: the bar's step, the state a step shows, a teacher and followers."""

from __future__ import annotations

import time
from urllib.parse import parse_qsl, urlsplit

from conftest import wait_for_app

from explorer.lessons import builtin_files, load
from explorer.ui.pages import PAGES
from explorer.ui.state_tables import TABLES

PAGE_NAMES = {p.path.split("/")[-1][:-3] for p in PAGES} - {"lessons"}
LESSON = load(builtin_files()["slope-to-digits"], TABLES, PAGE_NAMES)
N = len(LESSON.steps)
# the slider (aria-label) that shows a state key, where one does
SLIDERS = {"gd1.steps": "Steps", "gd1.lr": "Learning rate η (log scale)", "gd2.lr": "Learning rate η (log scale)",
           "gd2.steps": "Steps", "fit.steps": "Steps (each uses all the points)", "softmax.T": "Temperature T",
           "latent.z1": "z₁", "latent.z2": "z₂", "latent.samples": "Samples", "latent.example": "Example",
           "restore.noise": "Gaussian noise σ", "restore.digit": "Class"}


# text the page shows only with that value (a control without a slider to read)
SHOWN = {("latent.section", "Encode"): "decoded from its μ", ("latent.section", "Manifold"): "Grid spacing",
         ("latent.section", "Interpolate"): "to B (-2.40, 1.30)", ("latent.section", "Sampling"): "decoded at μ",
         ("latent.section", "More latents"): "2 latents · error", ("latent.path", "clicks"): "from A (1.60, -1.60)",
         ("latent.prev", "1.6,-1.6"): "from A (1.60, -1.60)", ("latent.digit", "2"): "test digit #200"}


def eventually(check, timeout: float = 20.0, every: float = 0.1):
    """Call ``check`` until it returns a truthy value; the last error or falsy value fails after ``timeout``."""
    deadline, last = time.monotonic() + timeout, None
    while time.monotonic() < deadline:
        try:
            value = check()
            if value:
                return value
            last = value
        except AssertionError as err:
            last = err
        time.sleep(every)
    raise AssertionError(f"not reached in {timeout:.0f} s: {last}")


def step_text(page) -> str:
    """The lesson bar's step line, or "" while there is none (a rerun may remove it between two looks)."""
    texts = page.locator(".explorer-step").all_inner_texts()
    return texts[0] if texts else ""


def wait_step(page, k: int, timeout: float = 30.0) -> float:
    """Wait until the bar says step k (1-based) and the page has finished running; returns the seconds taken."""
    t0 = time.monotonic()
    page.wait_for_function(
        "t => [...document.querySelectorAll('.explorer-step')].some(e => e.innerText.includes(t))",
        arg=f"Step {k} of {N}", timeout=timeout * 1000)
    took = time.monotonic() - t0
    wait_for_app(page)  # the page under the bar may take longer (models load on a first visit)
    return took


def slider_value(page, label: str) -> float:
    return float(page.locator(f'input[type="range"][aria-label="{label}"]').first.get_attribute("aria-valuetext"))


def shows_state(page, k: int) -> bool:
    """Step k's page is open with its state on its controls (a slider's value, the open tab, or what
    the page shows only with that value), its sentence in the bar, and no exception on the page."""
    step = LESSON.steps[k - 1]
    assert urlsplit(page.url).path.rstrip("/").endswith("/" + step.page), (page.url, step.page)
    params = {p.key: p for p in TABLES[step.page]}
    for key, text in step.state.items():
        p = params[key]
        slider = page.locator(f'input[type="range"][aria-label="{SLIDERS.get(key)}"]')
        if key in SLIDERS and slider.count():
            assert abs(slider_value(page, SLIDERS[key]) - float(text)) < 1e-9, (key, text)
        elif key == "restore.mode":
            assert page.locator('[role="tab"][aria-selected="true"]').first.inner_text() == text
        elif (key, text) in SHOWN:
            assert page.get_by_text(SHOWN[key, text]).count(), (key, text)
        elif text != p.dump(p.default):  # no control to read: the address the page mirrors its controls into
            query = dict(parse_qsl(urlsplit(page.url).query))
            assert key in query and p.load(query[key]) == p.load(text), (key, text, query)
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.get_by_text(step.say[:40]).first.is_visible()
    return True


def present(page, base: str, classroom: bool = True) -> None:
    page.goto(base + "/lessons" + ("?classroom=1" if classroom else ""))
    wait_for_app(page)
    page.get_by_role("button", name="Present").first.click()
    wait_step(page, 1)


def start_class(page, base: str) -> str:
    """The teacher opens a class on the Lessons page; returns its code as shown (K7M-Q2P)."""
    page.goto(base + "/lessons?classroom=1")
    wait_for_app(page)
    page.get_by_role("button", name="Start a class").first.click()
    code = page.locator(".explorer-class-code")
    code.wait_for(timeout=30_000)
    return code.inner_text().strip()


def join_by_code(page, base: str, code: str) -> None:
    page.goto(base + "/lessons")
    wait_for_app(page)
    page.get_by_placeholder("K7M-Q2P").fill(code)
    page.get_by_role("button", name="Join", exact=True).click()


def teacher_menu(page, item: str) -> None:
    """A button in the bar's ⋮ menu."""
    button = page.get_by_role("button", name=item)
    if not button.is_visible():  # the menu stays open after a click inside it
        page.locator(".st-key-lesson-bar [data-testid='stPopover'] button").first.click()
    button.click()
