"""Load figures: p50/p95 rerun latency at N = 1, 10, 30 for the floor page and every page, one run;
and each page's p95 over the floor's at N = 30 as the median of floor-then-page pairs.

The floor page gets its own server, the app another (one `streamlit run`, or N replicas behind
nginx via deploy/run_replicas.sh); the pages are loaded one after the other, never at once, so
all see the same machine. Every session moves any control of its page to fresh values.

One 10-s run's p95 swings by half between runs of the same code (the floor's from 31 to 128 ms on
this shared 2-core machine), so a ratio of two runs minutes apart says little. :func:`paired_ratios` keeps
both servers up and loads the floor and then the page, ``PAIRS`` times, each pair with sessions of
its own seed (values nobody sent before): the median of the pairs' ratios is the page's figure.
"""

from __future__ import annotations

import contextlib
import os
import random
import signal
import statistics
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

from explorer import ROOT, SEED
from explorer.bench.loadtest import LoadResult, Session, run_load, run_sync
from explorer.bench.server import (
    APP_SCRIPT,
    FLOOR_SCRIPT,
    Server,
    free_port,
    free_ports,
    streamlit_server,
    wait_healthy,
)

FLOOR = "floor"
NGINX = "/usr/sbin/nginx"


@contextlib.contextmanager
def replicas(script: str, n: int, timeout: float = 120.0) -> Iterator[Server]:
    """N `streamlit run` replicas behind nginx on loopback (deploy/run_replicas.sh); yields nginx's
    URL (with the pid of the script that runs them all)."""
    if not os.path.exists(NGINX):
        raise RuntimeError(f"no nginx at {NGINX} (apt-get install nginx)")
    port, base = free_port(), free_ports(n)
    proc = subprocess.Popen(["bash", str(ROOT / "deploy/run_replicas.sh"), str(n), str(port), str(base), script],
                            cwd=ROOT, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, timeout, proc)
        yield Server(url, proc.pid)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)  # the script's trap stops its replicas and nginx
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(5)


def server(script: str, n_replicas: int):
    """One `streamlit run`, or ``n_replicas`` behind nginx when n_replicas > 1."""
    return replicas(script, n_replicas) if n_replicas > 1 else streamlit_server(script)


def warm(url: str, page: str, n_replicas: int = 1) -> None:
    """Page loads before timing, until every replica has served one, so model loading and
    first-run imports are not in the figures."""
    seen: set[str] = set()
    for _ in range(8):  # a fresh visitor lands on a random replica
        res = run_load(url, 1, duration=2.0, page=page, pace=(0.5, 0.5), timeout=300)
        seen |= {u for ups in res.upstreams for u in ups}
        if len(seen - {""}) >= n_replicas or n_replicas == 1:
            return


def settle(*servers: Server, quiet: float = 0.05, limit_s: float = 90.0) -> None:
    """Wait until the servers together have used under ``quiet`` of a core for a second (their warm-ups done), at
    most ``limit_s``: a page measured while a warm-up still runs, its own or the other server's, shares the cores
    with it."""
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        before = sum(group_cpu_seconds(srv.pid) for srv in servers)
        time.sleep(1.0)
        if sum(group_cpu_seconds(srv.pid) for srv in servers) - before < quiet:
            return


def group_cpu_seconds(pgid: int) -> float:
    """CPU seconds of every process in the process group ``pgid`` (a server, or the replicas and their nginx)."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # the process ended meanwhile
            continue
        if int(fields[2]) == pgid:  # field 5 of stat, the process group
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


def server_cpu_per_rerun(srv: Server, page: str, only, reruns: int = 30) -> tuple[float, float]:
    """(server CPU ms, wall ms) per rerun, medians-free: one session acting back to back, no think time.

    CPU is read from /proc for the server process, so it does not count waiting for a core:
    the steadiest measure of what one rerun of a page costs the server.
    """
    async def go() -> tuple[float, float]:
        s = Session(srv.url, page, random.Random(SEED), LoadResult(srv.url, page, 1, 0), 120.0, only)
        await s.open()
        await s.rerun()
        await s.act()  # the first move may fill caches
        walls, c0 = [], srv.cpu_seconds()
        for _ in range(reruns):
            walls.append(await s.act())
        cpu = (srv.cpu_seconds() - c0) * 1000.0 / reruns
        await s.ws.close()
        if None in walls or s.result.errors:
            raise RuntimeError(f"errors while measuring: {dict(s.result.errors)}")
        return cpu, statistics.median(walls)
    return run_sync(go)


def pages_with_controls() -> list[str]:
    """The URL path of every page a student can move something on (all but home)."""
    from explorer.ui.pages import PAGES

    return [Path(p.path).stem for p in PAGES[1:] if (ROOT / p.path).exists()]


def load_matrix(ns=(1, 10, 30), duration: float = 10.0, n_replicas: int = 1, log=print,
                pages: list[str] | None = None) -> list[dict]:
    """The floor page, then every page, at every N; one summary dict per (target, N).

    With one process, each target also gets an N=0 row: the server's CPU ms per rerun.
    """
    rows = []
    plan = [(FLOOR, FLOOR_SCRIPT, [""])] + [("app", APP_SCRIPT, pages or pages_with_controls())]
    for _, script, paths in plan:
        with server(script, n_replicas) as srv:
            for page in paths:
                rows += _load_one(srv, page or FLOOR, page, ns, duration, n_replicas, log)
    return rows


def _load_one(srv: Server, label: str, page: str, ns, duration: float, n_replicas: int, log) -> list[dict]:
    rows = []
    warm(srv.url, page, n_replicas)
    settle(srv)
    if n_replicas == 1:
        cpu, wall = server_cpu_per_rerun(srv, page, None)
        rows.append({"target": label, "replicas": 1, "n": 0, "server_cpu_ms": cpu, "wall_ms": wall})
        log(f"  {label}: server CPU {cpu:.1f} ms per rerun, {wall:.0f} ms wall (one session, back to back)")
    for n in ns:
        # sessions of their own seed: a smaller N's sessions would otherwise send the same values again (cached)
        res = run_load(srv.url, n, duration=duration, page=page, seed=SEED + 100 + n, resume_midway=n_replicas > 1)
        row = {"target": label, "replicas": n_replicas, **res.summary()}
        if n_replicas > 1:
            row["sessions_per_replica"] = spread(res.upstreams)
            row["sticky_violations"] = sum(len(set(u) - {""}) > 1 for u in res.upstreams)
        rows.append(row)
        log(f"  load {label} N={n} x{n_replicas}: p50 {_ms(row['p50_ms'])} p95 {_ms(row['p95_ms'])} "
            f"errors {row['errors']} {row['error_kinds'] or ''}")
        time.sleep(2.0)  # let disconnected sessions settle before the next N
    return rows


PAIRS = 5  # floor-then-page runs per page for its ratio


def paired_ratios(pages: list[str], n: int = 30, duration: float = 10.0, n_replicas: int = 1,
                  pairs: int = PAIRS, log=print) -> list[dict]:
    """Per page: ``pairs`` runs of the floor then the page at ``n`` sessions, both servers up throughout;
    one dict per page with each pair's p95s and ratio, their median, and the errors of all runs."""
    rows = []
    with server(FLOOR_SCRIPT, n_replicas) as floor, server(APP_SCRIPT, n_replicas) as app:
        warm(floor.url, "", n_replicas)
        for i, page in enumerate(pages):
            warm(app.url, page, n_replicas)
            floor_p95, page_p95, errors = [], [], 0
            for k in range(pairs):
                for srv, path, into in ((floor, "", floor_p95), (app, page, page_p95)):
                    settle(floor, app)  # the app's warm-up (models, the reference worker) would slow the floor's run
                    # a seed no other run uses: a lesson's sessions visit the other pages, which keep what they ran
                    res = run_load(srv.url, n, duration=duration, page=path, seed=SEED + 1 + i * pairs + k,
                                   resume_midway=n_replicas > 1)
                    into.append(res.pct(95))
                    errors += sum(res.errors.values())
            ratios = [p / f if p and f else None for p, f in zip(page_p95, floor_p95)]
            known = [r for r in ratios if r is not None]
            row = {"measure": "pairs", "target": page, "replicas": n_replicas, "n": n, "floor_p95_ms": floor_p95,
                   "p95_ms": page_p95, "ratios": ratios, "ratio": statistics.median(known) if known else None,
                   "errors": errors}
            rows.append(row)
            log(f"  pairs {page} N={n} x{n_replicas}: ratios {', '.join(f'{r:.2f}' if r else '?' for r in ratios)} "
                f"-> median {_ratio(row['ratio'])}, errors {errors}")
    return rows


def _ratio(r: float | None) -> str:
    return "?" if r is None else f"{r:.2f}×"


def spread(upstreams: list[list[str]]) -> dict[str, int]:
    """How many sessions each replica served (by the first upstream a session saw)."""
    counts: dict[str, int] = {}
    for seen in upstreams:
        first = next((u for u in seen if u), "?")
        counts[first] = counts.get(first, 0) + 1
    return counts


def _ms(v) -> str:
    return "n/a" if v is None else f"{v:.0f} ms"
