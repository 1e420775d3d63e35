"""Load test: N sessions that speak Streamlit's own websocket protocol, like N browsers.

Each session loads the page over HTTP (cookies, as a browser), opens ``/_stcore/stream``, asks
for the first run, then acts at a person's pace: moves any control of the page (the live latent map
included) to a value nobody sent before (explorer.bench.loadtest_widgets), sending the ``rerun_script`` a browser sends
(all widget states, page hash, query string, cached message hashes, the widget's fragment id).
Latency = BackMsg sent -> ForwardMsg ``script_finished``. Loopback only; bounded in time and count.

    python -m explorer.bench.loadtest http://127.0.0.1:8501 --n 10 --duration 20 --page latent
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import time
from collections import Counter
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar

import numpy as np
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake

from explorer.bench.loadtest_http import Browserish, check_loopback
from explorer.bench.loadtest_widgets import Widget, add_tab, widget_from_block, widget_from_element

T = TypeVar("T")

PACE = (0.2, 0.6)  # seconds between one student's moves
MAX_SESSIONS = 100  # a classroom is 30; more is not a person-paced test any more
CACHE_AGE = 2  # runs a cached message survives unused: Streamlit's global.maxCachedMessageAge
DONE = (ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY)


@dataclass
class LoadResult:
    """What one load run saw: rerun latencies (ms), first-load times (ms) and errors by kind."""

    url: str
    page: str
    n: int
    duration_s: float
    latencies_ms: list[float] = field(default_factory=list)
    first_load_ms: list[float] = field(default_factory=list)
    errors: Counter = field(default_factory=Counter)
    actions: Counter = field(default_factory=Counter)  # reruns by the kind of control moved
    images: int = 0  # distinct digit images fetched from /media/
    upstreams: list[list[str]] = field(default_factory=list)  # per session: X-Upstream seen per request

    def pct(self, q: float) -> float | None:
        return float(np.percentile(self.latencies_ms, q)) if self.latencies_ms else None

    def summary(self) -> dict:
        """Counts, p50/p95 and errors as a JSON-friendly dict."""
        return {"page": self.page or "(main)", "n": self.n, "actions": len(self.latencies_ms),
                "p50_ms": self.pct(50), "p95_ms": self.pct(95), "max_ms": max(self.latencies_ms, default=None),
                "first_load_p95_ms": float(np.percentile(self.first_load_ms, 95)) if self.first_load_ms else None,
                "errors": sum(self.errors.values()), "error_kinds": dict(self.errors),
                "controls": dict(self.actions), "images": self.images,
                "duration_s": round(self.duration_s, 1)}


class Session:
    """One simulated browser tab."""

    def __init__(self, base: str, page: str, rng: random.Random, result: LoadResult, timeout: float,
                 only: tuple[str, ...] | None):
        self.base, self.page, self.rng, self.result, self.timeout, self.only = base, page, rng, result, timeout, only
        self.http = Browserish(base)
        self.widgets: dict[str, Widget] = {}
        self.blocks: dict[tuple, Widget] = {}  # stateful tabs by their delta path, for their labels
        self.fragment_roots: dict[str, tuple] = {}  # fragment id -> its container's delta path
        self.cache: dict[str, ForwardMsg] = {}  # cacheable messages by hash, as the browser's cache
        self.last_used: dict[str, int] = {}  # hash -> the run that last used it, for eviction
        self.runs = 0
        self.query_string = ""
        self.page_hash = ""
        self.session_id = ""
        self.ws = None
        self.finished = None  # how the last run ended (ForwardMsg.ScriptFinishedStatus)
        self.upstreams: list[str] = []
        result.upstreams.append(self.upstreams)

    async def open(self, resume: bool = False) -> None:
        """Load the page (HTTP) and open the websocket; ``resume`` reconnects to the same session."""
        status, up = await asyncio.to_thread(self.http.get, "/" + self.page)
        self.upstreams.append(up)
        if status != 200:
            self.result.errors["http"] += 1
        protocols = ["streamlit", self.http.cookies.get("_streamlit_xsrf", "PLACEHOLDER_AUTH_TOKEN")]
        if resume:
            protocols.append(self.session_id)
        ws_url = self.base.replace("http", "ws", 1) + "/_stcore/stream"
        self.ws = await connect(ws_url, subprotocols=protocols, origin=self.base, max_size=None,
                                additional_headers=self.http.cookie_header(), open_timeout=self.timeout,
                                ping_interval=None)
        self.upstreams.append(self.ws.response.headers.get("X-Upstream", ""))

    def back_msg(self, fragment_id: str = "") -> BackMsg:
        msg = BackMsg()
        rs = msg.rerun_script
        rs.query_string = self.query_string
        rs.page_script_hash = self.page_hash
        rs.page_name = "" if self.page_hash else self.page
        rs.fragment_id = fragment_id
        rs.widget_states.widgets.extend(w.state for w in self.widgets.values() if w.state is not None)
        rs.cached_message_hashes.extend(self.cache)
        rs.context_info.timezone = "Europe/Berlin"
        rs.context_info.locale = "en-GB"
        rs.context_info.url = f"{self.base}/{self.page}"
        return msg

    async def rerun(self, fragment_id: str = "") -> float | None:
        """Send one rerun_script and read until it finishes; returns ms, or None after an error."""
        t0 = time.perf_counter()
        await self.ws.send(self.back_msg(fragment_id).SerializeToString())
        seen: set[str] = set()
        roots: dict[str, tuple] = {}  # fragment id -> its container's delta path, as this run drew it
        failed = False  # an exception on the page: read on to the end of the run, then report it
        async with asyncio.timeout(self.timeout):
            while True:
                fwd = ForwardMsg()
                fwd.ParseFromString(await self.ws.recv())
                kind = fwd.WhichOneof("type")
                path = tuple(fwd.metadata.delta_path)  # a cached message's own path may be an older one
                if kind == "ref_hash":
                    fwd = self.cache.get(fwd.ref_hash) or fwd
                    kind = fwd.WhichOneof("type")
                if kind == "delta":
                    failed |= not self.on_delta(fwd, seen, path, roots)
                elif kind == "new_session":
                    self.page_hash = fwd.new_session.page_script_hash
                    self.session_id = fwd.new_session.initialize.session_id or self.session_id
                elif kind == "navigation":  # a multipage app: the page actually shown, not the entry script
                    self.page_hash = fwd.navigation.page_script_hash or self.page_hash
                elif kind == "page_info_changed":
                    self.query_string = fwd.page_info_changed.query_string
                elif kind == "page_not_found":
                    self.result.errors["page_not_found"] += 1
                elif kind == "script_finished":
                    if fwd.script_finished == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                        self.result.errors["compile_error"] += 1
                        return None
                    if fwd.script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN:  # e.g. st.rerun(): the next
                        seen.clear()  # run draws the page anew, and only what it draws stays
                        roots.clear()
                    if fwd.script_finished in DONE:
                        self.finished = fwd.script_finished
                        ms = (time.perf_counter() - t0) * 1000.0
                        whole = fwd.script_finished == ForwardMsg.FINISHED_SUCCESSFULLY  # a fragment may rerun the app
                        self.forget_unseen("" if whole else fragment_id, seen, roots)
                        self.age_cache()
                        self.result.images += await asyncio.to_thread(self.http.fetch_media, self.result.errors)
                        return None if failed else ms

    def age_cache(self) -> None:
        """Forget cached messages unused for CACHE_AGE runs, as the browser does."""
        self.runs += 1
        for h in [h for h, run in self.last_used.items() if self.runs - run > CACHE_AGE]:
            del self.cache[h], self.last_used[h]

    def forget_unseen(self, fragment_id: str, seen: set[str], roots: dict[str, tuple]) -> None:
        """What the browser drops after a run: a full run keeps only what it drew; a fragment's run replaces
        what lay in that fragment's container (a section it no longer shows, with its controls)."""
        if not fragment_id:
            self.widgets = {k: w for k, w in self.widgets.items() if k in seen}
            self.fragment_roots = roots
            return
        root = self.fragment_roots.get(fragment_id)
        if root is not None:
            self.widgets = {k: w for k, w in self.widgets.items() if k in seen or w.path[:len(root)] != root}
        self.fragment_roots.update(roots)

    def on_delta(self, fwd: ForwardMsg, seen: set[str], path: tuple = (), roots: dict | None = None) -> bool:
        """Record widgets, media and cacheable messages; False when the page showed an exception."""
        if fwd.hash in self.cache or (fwd.metadata.cacheable and fwd.hash):
            self.cache[fwd.hash] = fwd
            self.last_used[fwd.hash] = self.runs
        if fwd.delta.WhichOneof("type") == "add_block":
            if fwd.delta.fragment_id and roots is not None:  # a fragment's first block is its container
                roots.setdefault(fwd.delta.fragment_id, path)
            self.on_block(fwd, seen, path)
        if fwd.delta.WhichOneof("type") != "new_element":
            return True
        el = fwd.delta.new_element
        if el.WhichOneof("type") == "exception":
            self.result.errors["exception"] += 1
            return False
        if el.WhichOneof("type") == "imgs":
            self.http.media.extend(img.url for img in el.imgs.imgs if img.url.startswith("/media/"))
        w = widget_from_element(el, fwd.delta.fragment_id, self.widgets.get(_element_id(el)))
        if w is not None:
            w.path = path
            self.widgets[w.id] = w
            seen.add(w.id)
        return True

    def on_block(self, fwd: ForwardMsg, seen: set[str], path: tuple) -> None:
        """Stateful tabs and expanders are controls too; a tab's label belongs to the tabs just above it."""
        block = fwd.delta.add_block
        if block.WhichOneof("type") == "tab":
            parent = self.blocks.get(path[:-1])
            if parent is not None:
                add_tab(parent, block.tab.label)
            return
        w = widget_from_block(block, fwd.delta.fragment_id, self.widgets.get(block.id))
        if w is not None:
            w.path = path
            self.widgets[w.id] = w
            self.blocks[path] = w
            seen.add(w.id)

    def pick_action(self) -> Widget | None:
        """Any control on the page, chosen at random as a person would."""
        choices = [w for w in self.widgets.values() if w.actionable
                   and (self.only is None or any(w.id.endswith(k) for k in self.only))]
        return self.rng.choice(choices) if choices else None

    async def act(self) -> float | None:
        """Change one control and rerun; returns the latency in ms (None after an error)."""
        w = self.pick_action()
        if w is None:
            self.result.errors["no_control"] += 1
            return None
        w.act(self.rng)
        self.result.actions[w.kind] += 1
        ms = await self.rerun(w.fragment_id)
        w.sent()
        return ms


def _element_id(el) -> str:
    kind = el.WhichOneof("type")
    return getattr(getattr(el, kind), "id", "") if kind else ""


async def _one(session: Session, deadline: float, pace: tuple[float, float], max_actions: int,
               start_delay: float, resume_at: float | None) -> None:
    result = session.result
    await asyncio.sleep(start_delay)
    try:
        await session.open()
        first = await session.rerun()
        if first is not None:
            result.first_load_ms.append(first)
        for _ in range(max_actions):
            await asyncio.sleep(session.rng.uniform(*pace))
            if time.monotonic() >= deadline:
                break
            if resume_at is not None and time.monotonic() >= resume_at:
                resume_at = None
                await resume(session)
            ms = await session.act()
            if ms is not None:
                result.latencies_ms.append(ms)
    except TimeoutError:
        result.errors["timeout"] += 1
    except (ConnectionClosed, InvalidHandshake, OSError):
        result.errors["disconnect"] += 1
    finally:
        if session.ws is not None:
            await session.ws.close()


async def resume(session: Session) -> None:
    """Drop the websocket and reconnect as a browser does; the server must resume the same session."""
    before = session.session_id
    await session.ws.close()
    await session.open(resume=True)
    await session.rerun()
    if session.session_id != before:
        session.result.errors["lost_session"] += 1


async def run_load_async(url: str, n: int, duration: float = 20.0, page: str = "",
                         pace: tuple[float, float] = PACE, timeout: float = 30.0, seed: int = 0,
                         only: tuple[str, ...] | None = None, max_actions: int = 1000,
                         resume_midway: bool = False) -> LoadResult:
    """Run ``n`` sessions against ``url`` for ``duration`` seconds; see ``run_load``."""
    check_loopback(url)
    if not 1 <= n <= MAX_SESSIONS:
        raise ValueError(f"n must be in 1..{MAX_SESSIONS}")
    result = LoadResult(url=url, page=page, n=n, duration_s=duration)
    ramp = min(3.0, 0.1 * n)  # a class opens the link within a few seconds, not in one instant
    t0 = time.monotonic()
    deadline = t0 + ramp + duration
    sessions = [Session(url.rstrip("/"), page, random.Random(seed * 1000 + i), result, timeout, only)
                for i in range(n)]
    # each tab drops its websocket once, at its own moment in the middle half of the run
    resume = [t0 + ramp + duration * s.rng.uniform(0.25, 0.75) if resume_midway else None for s in sessions]
    tasks = [_one(s, deadline, pace, max_actions, ramp * i / n, resume[i]) for i, s in enumerate(sessions)]
    await asyncio.wait_for(asyncio.gather(*tasks), ramp + duration + 4 * timeout)
    result.duration_s = time.monotonic() - t0
    return result


def run_load(url: str, n: int, duration: float = 20.0, page: str = "", **kw) -> LoadResult:
    """N concurrent person-paced sessions against a `streamlit run` at ``url`` (loopback only).

    ``page`` is the URL path of the page (``"latent"``; ``""`` for the main script); ``only``
    restricts actions to widgets whose key ends with one of the given strings; ``resume_midway``
    makes each session reconnect once (checks sticky sessions behind a balancer).
    """
    check_loopback(url)  # refuse before any event loop or connection exists
    return run_sync(lambda: run_load_async(url, n, duration, page, **kw))


def run_sync(make_coro: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """asyncio.run, also from a thread whose event loop is already running (a notebook, or a test
    process where Playwright's sync API holds one): then in a worker thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(make_coro())
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(lambda: asyncio.run(make_coro())).result()


def main(argv: list[str] | None = None) -> None:
    """CLI: print one load run's summary as JSON."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("url")
    ap.add_argument("--n", type=int, default=10)
    ap.add_argument("--duration", type=float, default=20.0)
    ap.add_argument("--page", default="")
    ap.add_argument("--only", default=None, help="comma-separated widget keys to act on")
    args = ap.parse_args(argv)
    only = tuple(args.only.split(",")) if args.only else None
    print(json.dumps(run_load(args.url, args.n, args.duration, args.page, only=only).summary(), indent=2))


if __name__ == "__main__":
    main()
