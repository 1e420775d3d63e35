"""Script runs take turns: a first-come, first-served gate with a patience limit, and a real server whose
sessions' runs never overlap with it (and do without it)."""

import threading
import time

import pytest

from explorer.bench.loadtest import LoadResult, Session, run_sync
from explorer.ui.script_gate import Gate


def test_turns_are_given_first_come_first_served():
    gate, order, started = Gate(1), [], []
    with gate.turn():
        threads = []
        for i in range(5):
            def run(i=i):
                with gate.turn():
                    order.append(i)
            threads.append(threading.Thread(target=run))
            threads[-1].start()
            while gate.waiting < i + 1:  # each one queued before the next arrives
                time.sleep(0.001)
        started.append(list(order))
    for t in threads:
        t.join(5)
    assert started == [[]]  # nobody ran while the first turn was held
    assert order == [0, 1, 2, 3, 4]


def test_a_gate_of_width_two_lets_two_run_at_once():
    gate, lock, now, most = Gate(2), threading.Lock(), [0], [0]

    def run():
        with gate.turn():
            with lock:
                now[0] += 1
                most[0] = max(most[0], now[0])
            time.sleep(0.05)
            with lock:
                now[0] -= 1
    threads = [threading.Thread(target=run) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(5)
    assert most[0] == 2


def test_a_turn_held_too_long_lets_the_next_run_beside_it():
    gate = Gate(1, patience_s=0.1)
    with gate.turn() as first:
        t0 = time.monotonic()
        with gate.turn() as second:  # the first never lets go: this one stops waiting
            waited = time.monotonic() - t0
    assert first and not second
    assert 0.09 <= waited < 1.0
    assert gate.waiting == 0
    with gate.turn() as third:  # the gate is free again, and the late one did not give back a turn it never had
        assert third
    assert gate._running == 0


def test_a_run_that_raises_gives_its_turn_back():
    gate = Gate(1, patience_s=0.5)
    with pytest.raises(RuntimeError):
        with gate.turn():
            raise RuntimeError("the script failed")
    t0 = time.monotonic()
    with gate.turn() as given:
        assert given and time.monotonic() - t0 < 0.4  # not the 0.5 s patience of a turn never given back


def test_a_run_waiting_aside_lets_the_next_run_go_and_comes_back_before_new_runs():
    gate, order = Gate(1), []
    waiting_aside, let_go, third_queued = threading.Event(), threading.Event(), threading.Event()

    def first():
        with gate.turn():
            order.append("first starts")
            with gate.aside():  # e.g. waiting on the reference worker: no GIL needed
                waiting_aside.set()
                let_go.wait(5)
            order.append("first ends")

    def second():
        with gate.turn():
            order.append("second runs")
            threading.Thread(target=third).start()
            while gate.waiting < 1:  # the third is in line
                time.sleep(0.001)
            let_go.set()
            while gate.waiting < 2:  # the first is back in line too
                time.sleep(0.001)
            order.append("second ends")

    def third():
        with gate.turn():
            order.append("third runs")
        third_queued.set()

    a = threading.Thread(target=first)
    a.start()
    waiting_aside.wait(5)
    b = threading.Thread(target=second)
    b.start()
    for t in (a, b):
        t.join(5)
    third_queued.wait(5)
    assert order == ["first starts", "second runs", "second ends", "first ends", "third runs"]
    assert gate._running == 0 and gate.waiting == 0


def test_aside_without_a_turn_changes_nothing():
    gate = Gate(1)
    with gate.aside():  # a thread that holds no turn (e.g. the warm-up thread) steps aside from nothing
        pass
    with gate.turn() as late, gate.aside():
        assert late
    assert gate._running == 0
    with Gate(1, patience_s=0.05).turn() as held:
        assert held


def test_one_sessions_runs_never_overlap_and_other_sessions_do_not_wait():
    from explorer.ui.script_gate import session_turn

    lock, now, most, took = threading.Lock(), {"a": 0, "b": 0}, {"a": 0, "b": 0}, []

    def run(session):
        t0 = time.monotonic()
        with session_turn(session):
            with lock:
                now[session] += 1
                most[session] = max(most[session], now[session])
            time.sleep(0.1)
            with lock:
                now[session] -= 1
        took.append((session, time.monotonic() - t0))
    threads = [threading.Thread(target=run, args=(s,)) for s in ("a", "a", "a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(5)
    assert most == {"a": 1, "b": 1}
    assert max(t for s, t in took if s == "a") >= 0.29  # the third of session a waited for two runs
    assert [t for s, t in took if s == "b"][0] < 0.2  # session b did not wait for session a


# Each run notes when it starts and ends; time.sleep lets the GIL go, so without a gate two sessions' runs overlap.
SLOW_PAGE = '''
import os, time
import streamlit as st
from explorer.ui import server_fixes
server_fixes.install()
with open(os.environ["EXPLORER_TEST_LOG"], "a") as log:
    log.write(f"start {time.monotonic()}\\n")
time.sleep(0.3)
st.write("done")
with open(os.environ["EXPLORER_TEST_LOG"], "a") as log:
    log.write(f"end {time.monotonic()}\\n")
'''


def most_at_once(log_path) -> int:
    now = most = 0
    events = sorted((float(t), kind) for kind, t in (line.split() for line in log_path.read_text().splitlines()))
    for _, kind in events:
        now += 1 if kind == "start" else -1
        most = max(most, now)
    return most


@pytest.mark.parametrize("runs_at_once", ["1", "0"], ids=["gate (default)", "no gate"])
def test_sessions_runs_take_turns_on_a_real_server(tmp_path, runs_at_once):
    from explorer.bench.server import streamlit_server

    script, log = tmp_path / "slow_page.py", tmp_path / "runs.log"
    script.write_text(SLOW_PAGE)
    env = {"EXPLORER_TEST_LOG": str(log), "EXPLORER_SCRIPT_RUNS": runs_at_once}
    with streamlit_server(str(script), env=env) as server:
        async def four_at_once():
            import asyncio
            sessions = [Session(server.url, "", None, LoadResult(server.url, "", 4, 0.0), 30.0, None) for _ in range(4)]
            for s in sessions:
                await s.open()
            await sessions[0].rerun()  # the first run installs the fixes (as the app's entry script does)
            log.write_text("")
            return await asyncio.gather(*(s.rerun() for s in sessions))
        took = run_sync(four_at_once)
    assert all(t is not None for t in took)
    assert most_at_once(log) == (1 if runs_at_once == "1" else 4)
    if runs_at_once == "1":
        assert max(took) >= 4 * 300  # the last waited for three runs before its own
