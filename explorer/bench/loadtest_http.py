"""The HTTP side of a simulated browser: cookies, the page GET, media images; loopback only."""

from __future__ import annotations

import ipaddress
import urllib.error
import urllib.request
from collections import Counter
from http.cookies import SimpleCookie
from urllib.parse import urlsplit

_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never through a proxy


def check_loopback(url: str) -> None:
    """Raise ValueError unless ``url`` points at this machine (127.0.0.0/8, ::1 or localhost)."""
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return
    try:
        if ipaddress.ip_address(host).is_loopback:
            return
    except ValueError:
        pass
    raise ValueError(f"load tests only target loopback addresses, not {host!r}")


class Browserish:
    """Keeps cookies like a browser (the balancer's sticky cookie, Streamlit's XSRF cookie)."""

    def __init__(self, base: str):
        check_loopback(base)
        self.base = base
        self.cookies: dict[str, str] = {}
        self.media: list[str] = []  # image URLs shown by the last run, still to fetch
        self.fetched: set[str] = set()

    def cookie_header(self) -> dict[str, str]:
        return {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())} if self.cookies else {}

    def get(self, path: str, timeout: float = 30.0) -> tuple[int, str]:
        """GET ``path``; returns (status, X-Upstream header or ""), keeping any cookies set."""
        req = urllib.request.Request(self.base + path, headers=self.cookie_header())
        try:
            with _OPENER.open(req, timeout=timeout) as r:
                r.read()
                status, headers = r.status, r.headers
        except urllib.error.HTTPError as e:
            status, headers = e.code, e.headers
        for raw in headers.get_all("Set-Cookie") or []:
            jar = SimpleCookie()
            jar.load(raw)
            self.cookies.update({k: m.value for k, m in jar.items()})
        return status, headers.get("X-Upstream", "")

    def fetch_media(self, errors: Counter) -> int:
        """Fetch the new images a run showed, as the browser does (they live on the replica that made
        them); returns how many were fetched."""
        todo = [u for u in dict.fromkeys(self.media) if u not in self.fetched]
        self.media.clear()
        for url in todo:
            self.fetched.add(url)
            try:
                status, _ = self.get(url)
            except OSError:
                status = 0
            if status != 200:
                errors["media"] += 1
        return len(todo)
