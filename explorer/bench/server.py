"""The one launcher of a real `streamlit run` on loopback, and the one Chromium lookup.

Used by the bench, the load tests and the browser tests (tests/e2e/conftest.py), so every
measurement and every browser test runs the app the same way.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from explorer import ROOT

FLOOR_SCRIPT = "explorer/bench/floor_page.py"
FLOOR_CLICK_SCRIPT = "explorer/bench/floor_click.py"  # the floor of a click that redraws a digit
APP_SCRIPT = "streamlit_app.py"
NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback only, never a proxy
# Debian's chromium as root in a sandbox; background networking would dial hosts this machine cannot reach
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@dataclass(frozen=True)
class Server:
    """A running `streamlit run`: its base URL, process id, and the monotonic times it was started and
    first answered its health check."""

    url: str
    pid: int
    started: float = 0.0
    healthy: float = 0.0

    def cpu_seconds(self) -> float:
        """CPU time (user + system, all threads) the server has used so far, from /proc."""
        with open(f"/proc/{self.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime


def find_chromium() -> str | None:
    """PLAYWRIGHT_CHROMIUM, else Debian's /usr/bin/chromium, else None."""
    for candidate in (os.environ.get("PLAYWRIGHT_CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


def free_port() -> int:
    """A TCP port that is free on 127.0.0.1 right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def free_ports(n: int, tries: int = 50) -> int:
    """The first of ``n`` consecutive ports that are all free on 127.0.0.1 right now."""
    for _ in range(tries):
        base = free_port()
        try:
            with contextlib.ExitStack() as stack:
                for port in range(base, base + n):
                    stack.enter_context(socket.socket()).bind(("127.0.0.1", port))
            return base
        except OSError:
            continue
    raise RuntimeError(f"no {n} consecutive free ports found")


def wait_healthy(url: str, timeout: float = 90.0, proc: subprocess.Popen | None = None) -> None:
    """Poll ``url``/_stcore/health until it answers 200; raise if the process dies or time runs out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"server exited with code {proc.returncode}")
        try:
            with NO_PROXY.open(url + "/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} not healthy after {timeout:.0f} s")


def streamlit_command(script: str, port: int) -> list[str]:
    """The `streamlit run` command line used everywhere here: headless, loopback, no file watcher."""
    return [sys.executable, "-m", "streamlit", "run", script, "--server.headless", "true",
            "--server.port", str(port), "--server.address", "127.0.0.1",
            "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"]


def launch(script: str = APP_SCRIPT, timeout: float = 120.0, threads: int = 1,
           env: dict[str, str] | None = None) -> tuple[subprocess.Popen, Server]:
    """Start ``script`` on a free port and wait until it is healthy; stop it with :func:`stop`."""
    port, started = free_port(), time.monotonic()
    # one torch thread per server: two cores are shared with the load client (and other servers)
    env = dict(os.environ, OMP_NUM_THREADS=str(threads), MKL_NUM_THREADS=str(threads), **(env or {}))
    proc = subprocess.Popen(streamlit_command(script, port), cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, timeout, proc)
    except BaseException:
        stop(proc)
        raise
    return proc, Server(url, proc.pid, started, time.monotonic())


@contextlib.contextmanager
def streamlit_server(script: str = APP_SCRIPT, timeout: float = 120.0, threads: int = 1,
                     env: dict[str, str] | None = None) -> Iterator[Server]:
    """Run ``script`` with `streamlit run`; yields it once healthy, and stops it after."""
    proc, server = launch(script, timeout, threads, env)
    try:
        yield server
    finally:
        stop(proc)


def stop(proc: subprocess.Popen, grace: float = 10.0) -> None:
    """SIGTERM the process group we started, then SIGKILL it if it lingers."""
    if proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(grace)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(5)


@contextlib.contextmanager
def chromium() -> Iterator:
    """A headless Chromium driven by Playwright (RuntimeError when there is none)."""
    path = find_chromium()
    if path is None:
        raise RuntimeError("no chromium (apt-get install chromium, or set PLAYWRIGHT_CHROMIUM)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()
