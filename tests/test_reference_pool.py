"""The reference worker: the same results as the server's own torch, errors as they are, the gate's turn given up
while waiting, and calls that still answer when the worker is gone."""

import multiprocessing
import os
import signal
import sys
import threading
import time
import types
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pytest

from explorer import ROOT
from explorer.descent import race, race_formula
from explorer.expressions import parse
from explorer.fitline import celsius_data, train
from explorer.lessons.qr import join_qr_svg
from explorer.ui import reference_pool, script_gate
from explorer.ui.descent.refusals import refused

RACERS = {"adam": ("adam", 0.1, {}), "momentum": ("momentum", 0.05, {"momentum": 0.8}), "sgd": ("sgd", 0.05, {})}


@pytest.fixture(scope="module")
def worker():
    """The worker turned on for these tests, whatever EXPLORER_REFERENCE_WORKERS says."""
    patch = pytest.MonkeyPatch()
    patch.setattr(reference_pool, "WORKERS", 1)
    assert reference_pool.wait_ready(), "the reference worker did not start"
    yield reference_pool.worker_pid()
    patch.undo()


def test_the_worker_is_on_unless_turned_off():
    assert reference_pool.WORKERS == int(os.environ.get("EXPLORER_REFERENCE_WORKERS", "1"))


def test_with_the_worker_off_calls_run_here(monkeypatch):
    monkeypatch.setattr(reference_pool, "WORKERS", 0)  # as EXPLORER_REFERENCE_WORKERS=0 does
    assert reference_pool.run(os.getpid) == os.getpid()
    assert not reference_pool.wait_ready(0.1)


def _threads_in_a_spawned_process() -> int:
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(threading.active_count).result(timeout=120)


def test_a_worker_spawned_while_the_entry_script_runs_starts_no_second_app(monkeypatch):
    """A spawned process imports the parent's __main__ as __mp_main__; while a run goes, Streamlit's __main__ is
    the entry script. Its warm-up thread (models, scores: a core for seconds) must not start in the worker."""
    bare = _threads_in_a_spawned_process()
    entry = types.ModuleType("__main__")
    entry.__file__ = str(ROOT / "streamlit_app.py")
    monkeypatch.setitem(sys.modules, "__main__", entry)  # as Streamlit's script runner sets it for each run
    monkeypatch.delenv("EXPLORER_WARM", raising=False)  # the worker inherits it: the app's own default
    assert _threads_in_a_spawned_process() == bare


def test_the_worker_is_another_process(worker):
    assert worker is not None and worker != os.getpid()
    assert reference_pool.run(os.getpid) == worker


def test_a_race_from_the_worker_is_the_servers_race_bit_for_bit(worker):
    there = reference_pool.run(race_formula, "x^2 + 3*y^2 + sin(x*y)", (1.5, -2.0), RACERS, 300)
    here = race_formula("x^2 + 3*y^2 + sin(x*y)", (1.5, -2.0), RACERS, 300)
    assert list(there) == list(RACERS)
    for name in RACERS:
        for column in ("points", "losses", "grads"):
            assert np.array_equal(getattr(there[name], column), getattr(here[name], column)), (name, column)
        assert there[name].diverged == here[name].diverged


def test_a_fit_from_the_worker_is_the_servers_fit(worker):
    c, f = celsius_data()
    there = reference_pool.run(train, c, f, "adam", 0.1, 120, scale=True, betas=(0.8, 0.99))
    here = train(c, f, "adam", 0.1, 120, scale=True, betas=(0.8, 0.99))
    assert np.array_equal(there.w, here.w) and np.array_equal(there.b, here.b)
    assert np.array_equal(there.losses, here.losses)


def test_a_join_qr_code_from_the_worker_is_the_servers(worker):
    link = "http://192.168.1.20:8501/lessons?class=K7MQ2P"
    assert reference_pool.run(join_qr_svg, link, 300) == join_qr_svg(link, 300)


def test_an_error_in_the_worker_reaches_the_caller_as_it_is(worker):
    with pytest.raises(ValueError, match="not defined .* at the start"):
        reference_pool.run(race_formula, "log(x)", (-1.0,), {"sgd": ("sgd", 0.1, {})}, 5)
    racers = {"nesterov": ("nesterov", 0.1, {"momentum": 0.0})}
    with pytest.raises(ValueError, match="nesterov"):
        raise reference_pool.run(race_formula, "x^2", (1.0,), racers, 5)["nesterov"]


def test_what_torch_optim_refuses_is_asked_of_the_worker_and_is_what_the_servers_race_refuses(worker, monkeypatch):
    asked = []
    ask = reference_pool.run
    monkeypatch.setattr(reference_pool, "run", lambda fn, *args: asked.append(fn) or ask(fn, *args))
    f = parse("x^2 + 3*y^2 + sin(x*y)")
    racers = {**RACERS, "nesterov": ("nesterov", 0.1, {"momentum": 0.0}), "rmsprop": ("rmsprop", -0.5, {})}
    said = {name: str(why) for name, why in refused(f, (1.5, -2.0), racers).items()}
    here = {name: str(why) for name, why in race(f, (1.5, -2.0), racers, 0).items() if isinstance(why, ValueError)}
    assert said == here and set(said) == {"nesterov", "rmsprop"}
    assert asked == [race_formula]  # the worker's question (it answers when up: the tests above)
    assert refused(f, (1.5, -2.0), RACERS) == {}
    assert refused(f, (1.5, -2.0), {}) == {}
    with pytest.raises(ValueError, match="not defined .* at the start"):  # no racer can run: said as race says it
        refused(parse("log(x)"), (-1.0,), {"sgd": ("sgd", 0.1, {})})
    with pytest.raises(ValueError, match="uses x and y"):
        refused(f, (1.0,), {"sgd": ("sgd", 0.1, {})})


def test_waiting_on_the_worker_gives_the_turn_to_the_next_run(worker):
    gate = script_gate.GATE
    if gate is None:
        pytest.skip("EXPLORER_SCRIPT_RUNS=0: no gate")
    waited, started = [], threading.Event()

    def first():
        with gate.turn():
            started.set()
            reference_pool.run(time.sleep, 0.6)  # a long reference, computed elsewhere

    a = threading.Thread(target=first)
    a.start()
    started.wait(5)
    time.sleep(0.1)  # the first is waiting on the worker by now
    t0 = time.monotonic()
    with gate.turn():
        waited.append(time.monotonic() - t0)
    a.join(5)
    assert waited[0] < 0.3  # not the 0.6 s the first run's reference takes


def test_calls_still_answer_after_the_worker_dies(worker):
    os.kill(worker, signal.SIGKILL)
    time.sleep(0.2)
    sgd = {"sgd": ("sgd", 0.1, {})}
    assert race_formula("x^2", (2.0,), sgd, 3)["sgd"].points.tolist() == \
        reference_pool.run(race_formula, "x^2", (2.0,), sgd, 3)["sgd"].points.tolist()  # computed here
    assert reference_pool.wait_ready(), "no new worker after the old one died"
    assert reference_pool.worker_pid() not in (None, worker)


def test_two_runs_asking_for_the_same_reference_at_once_do_not_stall(worker):
    """A run waiting aside on the worker must hold no lock a same-question run would wait on with its turn: that run
    would keep the gate while the first waits for it, and both would stand still for the gate's patience (5 s)."""
    gate = script_gate.GATE
    if gate is None:
        pytest.skip("EXPLORER_SCRIPT_RUNS=0: no gate")
    question = ("x^2 + 3*y^2", (1.0, -1.5), {"adam": ("adam", 1e-4, {})}, 6000)  # about half a second of steps
    took, asked = {}, threading.Event()

    def ask(who: str) -> None:
        t0 = time.monotonic()
        with gate.turn():
            asked.set()
            reference_pool.run(race_formula, *question)
        took[who] = time.monotonic() - t0

    first = threading.Thread(target=ask, args=("first",))
    first.start()
    asked.wait(5)
    time.sleep(0.1)  # the first is waiting aside on the worker by now
    ask("second")
    first.join(10)
    assert max(took.values()) < 3.0, took


def test_a_class_asking_at_once_gets_each_its_own_run_and_a_short_one_is_not_held_behind_a_long_one(worker):
    """Twelve askers at once (races on two formulas, fits, a QR code): every answer is the server's own, and the
    first answer back is the shortest run, though it was asked for last."""
    c, f = celsius_data()
    asks = [(race_formula, ("x^2 + 3*y^2 + sin(x*y)", (1.5 - i / 10, -2.0), RACERS, 300 + 50 * i)) for i in range(5)]
    asks += [(race_formula, ("abs(x)^2.5 + y^2", (2.0, 1.0 + i), {"adam": ("adam", 0.05, {})}, 400)) for i in range(3)]
    asks += [(train, (c, f, "momentum", 0.02 * (i + 1), 500)) for i in range(3)]
    asks += [(race_formula, ("x^2", (2.0,), {"sgd": ("sgd", 0.1, {})}, 3))]
    answered, order = [None] * len(asks), []

    def ask(i: int) -> None:
        fn, args = asks[i]
        answered[i] = reference_pool.run(fn, *args)
        order.append(i)

    threads = [threading.Thread(target=ask, args=(i,)) for i in range(len(asks))]
    for t in threads:
        t.start()
        time.sleep(0.002)  # asked in this order
    for t in threads:
        t.join(60)
    assert order[0] == len(asks) - 1, order
    for (fn, args), there in zip(asks, answered):
        here = fn(*args)
        if fn is train:
            assert np.array_equal(there.w, here.w) and np.array_equal(there.losses, here.losses)
            continue
        for name in here:
            for column in ("points", "losses", "grads"):
                assert np.array_equal(getattr(there[name], column), getattr(here[name], column)), (args, name)


def test_a_worker_that_cannot_start_leaves_calls_to_the_server_and_stops_the_ones_that_did(monkeypatch):
    monkeypatch.setattr(reference_pool, "WORKERS", 2)
    monkeypatch.setattr(reference_pool, "_pool", None)
    monkeypatch.setattr(reference_pool, "_starting", True)  # as _ready_pool sets it before the start thread runs
    monkeypatch.setattr(reference_pool, "_failed_at", -reference_pool.RETRY_S)
    started = []
    spawn = reference_pool._Worker.__init__

    def the_second_fails(self) -> None:
        if started:
            raise OSError("no more processes")
        spawn(self)
        started.append(self)

    monkeypatch.setattr(reference_pool._Worker, "__init__", the_second_fails)
    reference_pool._start()
    assert reference_pool._pool is None and not reference_pool._starting
    assert reference_pool.run(os.getpid) == os.getpid()  # here: no new try within RETRY_S
    started[0].process.join(10)
    assert not started[0].process.is_alive()
