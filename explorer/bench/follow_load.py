"""Load of a class following its teacher: N websocket sessions join a class and poll like browsers.

Each follower opens the join link (``/lessons?class=CODE``), lands on the teacher's step, then
sends the follow fragment's rerun once a second, as the browser's ``run_every`` timer does. The
teacher moves the class through the store every few seconds; a poll that sees the move reruns the
follower's whole page. Reported: the server's CPU per poll, poll latency, and how long a follower's
page took to reach a new step. Loopback only; bounded in time and count.

    python -m explorer.bench.follow_load --n 30 --duration 20
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import tempfile
import time

import numpy as np

from explorer.bench.loadtest import LoadResult, Session, run_sync
from explorer.bench.server import APP_SCRIPT, streamlit_server
from explorer.lessons import builtin_files, dump
from explorer.lessons.store import open_store
from explorer.ui.lessons.bar import POLL_SECONDS
from explorer.ui.lessons.session import load
from explorer.ui.state_tables import TABLES


class Follower(Session):
    """A load-test session that remembers the fragment its page draws (the follow poll). A follower
    only watches, so it sends no widget states: the server keeps the values the step set (the load
    client's emulation of some widgets, e.g. the select slider, would send values of the wrong type)."""

    def on_delta(self, fwd, seen):
        if fwd.delta.fragment_id:
            self.fragment = fwd.delta.fragment_id
        return super().on_delta(fwd, seen)

    def back_msg(self, fragment_id: str = ""):
        msg = super().back_msg(fragment_id)
        del msg.rerun_script.widget_states.widgets[:]
        return msg


def _pct(values, q):
    return round(float(np.percentile(values, q)), 1) if values else None


async def _follow(url: str, n: int, duration: float, move_every: float) -> dict:
    store = open_store()
    lesson = load(builtin_files()["slope-to-digits"])
    new = store.create(dump(lesson, TABLES), len(lesson.steps))
    result = LoadResult(url, "lessons", n, duration)
    followers = [Follower(url, "lessons", random.Random(i), result, 60.0, None) for i in range(n)]
    polls, step_runs = [], []

    async def one(f: Follower, start: float) -> None:
        await asyncio.sleep(start)
        f.fragment = ""
        await f.open()
        f.query_string = f"class={new.code}"
        await f.rerun()  # joins, and lands on the teacher's step
        next_at = time.monotonic()
        while time.monotonic() < deadline:
            next_at += POLL_SECONDS
            await asyncio.sleep(max(0.0, next_at - time.monotonic()))
            before = f.page_hash
            ms = await f.rerun(f.fragment)
            if ms is not None:
                (step_runs if f.page_hash != before else polls).append(ms)
        await f.ws.close()

    async def teacher() -> int:
        moves = 0
        while time.monotonic() < deadline - move_every:
            await asyncio.sleep(move_every)
            moves += 1
            await asyncio.to_thread(store.set_step, new.code, new.secret, moves % 4)  # steps 1-4: two pages
        return moves

    ramp = min(3.0, 0.1 * n)
    deadline = time.monotonic() + ramp + duration
    tasks = [one(f, ramp * i / n) for i, f in enumerate(followers)]
    *_, moves = await asyncio.gather(*tasks, teacher())
    return {"n": n, "polls": len(polls), "poll_p50_ms": _pct(polls, 50), "poll_p95_ms": _pct(polls, 95),
            "step_runs": len(step_runs), "step_p50_ms": _pct(step_runs, 50), "step_p95_ms": _pct(step_runs, 95),
            "teacher_moves": moves, "students_counted": store.students(new.code),
            "errors": dict(result.errors)}


def follow_load(n: int = 30, duration: float = 20.0, move_every: float = 5.0) -> dict:
    """Start a server with its own class store, run ``n`` followers, report poll cost and latencies."""
    with streamlit_server(APP_SCRIPT) as srv:
        run_sync(lambda: _follow(srv.url, 1, 4.0, 2.0))  # warm: imports, models, first page runs
        c0, t0 = srv.cpu_seconds(), time.monotonic()
        out = run_sync(lambda: _follow(srv.url, n, duration, move_every))
        out["server_cpu_share"] = round((srv.cpu_seconds() - c0) / (time.monotonic() - t0), 3)
        if out["polls"]:
            per = (srv.cpu_seconds() - c0) * 1000.0 / (out["polls"] + out["step_runs"])
            out["server_cpu_ms_per_rerun"] = round(per, 2)
        with open(f"/proc/{srv.pid}/status") as f:
            out["server_rss_mb"] = next(int(line.split()[1]) // 1024 for line in f if line.startswith("VmRSS"))
    return out


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=30)
    ap.add_argument("--duration", type=float, default=20.0)
    ap.add_argument("--move-every", type=float, default=5.0)
    args = ap.parse_args(argv)
    os.environ.setdefault("EXPLORER_CLASS_DIR", tempfile.mkdtemp(prefix="explorer-follow-"))  # the server inherits it
    print(json.dumps(follow_load(args.n, args.duration, args.move_every), indent=2))


if __name__ == "__main__":
    main()
