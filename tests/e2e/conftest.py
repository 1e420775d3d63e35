"""Real-browser fixtures: Debian's chromium driven by Playwright against `streamlit run`."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from explorer import ROOT
from explorer.bench.server import CHROMIUM_ARGS, find_chromium, launch, stop

ARTIFACTS = ROOT / "test-artifacts"
# resolves once the frame after the next has started: a redraw asked for by an input event has been painted
NEXT_FRAME = "() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))"


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = find_chromium()
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true but no chromium: install Debian's chromium or set PLAYWRIGHT_CHROMIUM")
        pytest.skip("no chromium found (set PLAYWRIGHT_CHROMIUM or apt-get install chromium)")
    return path


def start_streamlit(script: str = "streamlit_app.py", env: dict[str, str] | None = None):
    """Start `streamlit run` on a free loopback port (explorer.bench.server's launcher); (process, base URL)."""
    proc, server = launch(script, env=env)
    return proc, server.url


stop_streamlit = stop


@pytest.fixture(scope="session")
def app_server():
    proc, url = start_streamlit()
    yield url
    stop_streamlit(proc)


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def browser_page(browser):
    """A fresh page at 1280×720 (a typical projector); call set_viewport_size to change."""
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    page = context.new_page()
    yield page
    context.close()


def wait_for_app(page, timeout: float = 60_000) -> None:
    """Wait until Streamlit has finished running the script (no 'Running…' indicator)."""
    page.wait_for_selector('[data-testid="stApp"]', timeout=timeout)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
        " && document.querySelectorAll('[data-testid=\"stMain\"] *').length > 20",
        timeout=timeout,
    )


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=False)
    return path
