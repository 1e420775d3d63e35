"""Offline means offline: on every page the browser asks no host but the app's own.

Every request (and WebSocket) the page makes is recorded; a request to another host is
answered with a network error, as on a school network without internet, and fails the test
with the list of hosts — the page icon from a font CDN was one.
"""

from urllib.parse import urlsplit

import pytest
from test_projector import settle, stem

from explorer.ui.pages import PAGES

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("query", ["", "?classroom=1"], ids=["default", "classroom"])
def test_no_request_leaves_the_app(app_server, browser, query):
    own = urlsplit(app_server).netloc
    elsewhere: dict[str, set[str]] = {}  # host -> the pages that asked it, and for what
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    current = {"page": ""}

    def record(address: str, what: str) -> None:
        host = urlsplit(address).netloc
        if host not in ("", own):  # "": data: and blob: addresses
            elsewhere.setdefault(host, set()).add(f"{current['page']} ({what})")

    def route(r):
        if urlsplit(r.request.url).netloc in ("", own):
            r.continue_()
        else:
            r.abort("internetdisconnected")

    context.route("**/*", route)
    page = context.new_page()
    page.on("request", lambda r: record(r.url, r.resource_type))  # also sees the icon, which no route does
    page.on("websocket", lambda ws: record(ws.url, "websocket"))
    try:
        for info in PAGES:
            current["page"] = stem(info)
            page.goto(f"{app_server}/{'' if info is PAGES[0] else stem(info)}{query}")
            settle(page)
            record(page.evaluate("document.querySelector(\"link[rel='shortcut icon']\")?.href || ''"), "page icon")
    finally:
        context.close()
    assert not elsewhere, "requests to other hosts:\n" + "\n".join(
        f"  {host} (from {', '.join(sorted(pages))})" for host, pages in sorted(elsewhere.items()))
