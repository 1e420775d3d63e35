"""Warm-up: once per server process, a background thread loads what the pages wait on.

A fresh server's first visit to a torch page waits ~1.5–3 s for ``import torch`` alone, then for
the digits, a checkpoint and the page's own modules. :func:`start` (called by the entry script)
does all of it once, in a daemon thread, through the same caches the pages read — the
``st.cache_resource`` model loader, the ``digits`` loader, the latent codes' and the denoise scores'
``st.cache_data`` — and starts the reference worker process (:mod:`explorer.ui.reference_pool`), so a page
opened later finds it loaded, and one that asks meanwhile waits for the same value
(per-key locks) instead of loading it twice. The thread first lets the run that started it finish:
on two cores a second thread holding the GIL would only slow the first page (Streamlit has no
hook before the first visit, so that page pays for its own imports either way). A step that fails
is logged and skipped: the page then loads (or explains) it itself. ``EXPLORER_WARM=0`` turns it off;
``EXPLORER_WARM=models`` stops after the models and starts no worker (the test suite's many short-lived servers).
"""

from __future__ import annotations

import gc
import importlib
import logging
import os
import pkgutil
import threading
import time

_LOG = logging.getLogger(__name__)
_LOCK = threading.Lock()
_THREAD: threading.Thread | None = None
DONE = threading.Event()  # set when every step has run (or failed)
TIMES: dict[str, float] = {}  # step -> seconds it took, for the bench and the logs
# the pages' models, most visited first; the other shipped checkpoints follow them
FIRST_MODELS = ("vae", "classifier", "denoiser", "inpainter", "ae")
SCRIPT_THREAD = "ScriptRunner.scriptThread"  # Streamlit's name for a thread running a script


def _runs_going() -> bool:
    return any(t.name == SCRIPT_THREAD and t.is_alive() for t in threading.enumerate())


def _after_first_run(limit_s: float = 20.0, draw_s: float = 1.0) -> None:
    """Wait until no script is running (the first page has been sent), at most ``limit_s``, then
    ``draw_s`` more: the browser on the same cores is still drawing it."""
    deadline = time.monotonic() + limit_s
    while _runs_going() and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(draw_s)


def _torch() -> None:
    import torch

    torch.set_num_threads(1)  # the entry script's OMP_NUM_THREADS, made explicit for this process
    # the first optimizer a process builds imports torch._dynamo (~1 s): the descent pages' first run would wait
    torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)


def _modules() -> None:
    """The library and figure modules every page imports (no streamlit in them: safe in any thread)."""
    import explorer
    import explorer.figures

    for pkg in (explorer, explorer.figures):
        for mod in pkgutil.iter_modules(pkg.__path__, pkg.__name__ + "."):
            if not mod.ispkg and not mod.name.endswith("__main__"):
                importlib.import_module(mod.name)
    import pandas  # noqa: F401 - Streamlit's component data check imports it (the drawing canvas), ~1 s
    import plotly.graph_objects  # noqa: F401
    import streamlit.emojis  # noqa: F401 - the first alert with non-ASCII text compiles its emoji pattern


def _digits() -> None:
    from explorer.data import BUNDLED, digits

    for split in ("test", "train"):
        digits(BUNDLED, split)


def shipped_models() -> list[tuple[str, str]]:
    """(name, dataset) of every checkpoint in the manifest, the pages' usual ones first."""
    from explorer import zoo

    entries = [(e["name"], e["dataset"]) for e in zoo.read_manifest()["models"].values()]
    rank = {name: i for i, name in enumerate(FIRST_MODELS)}
    return sorted(entries, key=lambda e: (rank.get(e[0], len(rank)), e))


def _models() -> dict[tuple[str, str], object]:
    """Every shipped model into the pages' model cache (and the VAE's and the AE's codes); returns what it loaded."""
    from explorer.ui.latent import state
    from explorer.ui.models import preload

    loaded = {}
    for name, dataset in shipped_models():
        try:
            model = preload(name, dataset)
        except Exception as err:  # noqa: BLE001 - a broken checkpoint: its page explains (or trains) it
            _LOG.warning("warm-up: model %s (%s) not loaded: %s", name, dataset, err)
            continue
        loaded[name, dataset] = model
        if name in ("vae", "ae") and dataset == state.DATASET:
            state.codes(name, dataset, model)  # the latent map (and AE vs VAE) needs every test digit's code
    return loaded


def _latent_figures() -> None:
    """The latent page's manifold grids and every test digit's reconstruction by each VAE: the same for every
    class, ~0.1 s each to make."""
    from explorer import latent
    from explorer.ui.latent import compare, sections, state
    from explorer.ui.models import preload

    vae = preload("vae", state.DATASET)
    mu, _, _ = state.codes("vae", state.DATASET, vae)
    sections.warm_manifolds(vae, latent.extent(mu))
    for name, _ in compare.SIZES:
        state.reconstructions(preload(name, state.DATASET))


def _scores() -> None:
    """The denoise tab's test-split curve for each noise (~5 s each): otherwise the first student to pick a
    noise makes the whole class wait for it."""
    from explorer.restoration import NOISES
    from explorer.ui.models import preload
    from explorer.ui.restore.denoise import filter_table, test_split_curve

    denoiser = preload("denoiser")
    for kind in NOISES:
        filter_table(kind)
        test_split_curve(kind, id(denoiser), denoiser)


def _reference_worker() -> None:
    """The worker process the descent pages' and Fit a line's references run in: spawned now (it imports torch,
    ~2 s), not when the first student lets go of a slider."""
    from explorer.ui import reference_pool

    reference_pool.wait_ready()


def _freeze() -> None:
    """Move what the warm-up loaded (torch, the modules, the models: millions of objects) out of the garbage
    collector's reach: a full collection then walks only what the sessions made since, not the whole heap,
    and stops every session's run for a few ms instead of ~200 ms."""
    gc.collect()
    gc.freeze()


STEPS = (("first run", _after_first_run), ("torch", _torch), ("modules", _modules), ("digits", _digits),
         ("models", _models), ("latent figures", _latent_figures), ("scores", _scores),
         ("reference worker", _reference_worker), ("freeze", _freeze))


def _run() -> None:
    # the test suite's short-lived servers: not the ~10 s of scores, nor a worker process each
    skip = ("latent figures", "scores", "reference worker") if os.environ.get("EXPLORER_WARM") == "models" else ()
    for name, step in STEPS:
        if name in skip:
            continue
        t0 = time.perf_counter()
        try:
            step()
        except Exception:  # a warm-up never breaks a page: the page does the step itself
            _LOG.exception("warm-up step %r failed", name)
        TIMES[name] = time.perf_counter() - t0
    _LOG.info("warm-up done: %s", ", ".join(f"{k} {v:.2f} s" for k, v in TIMES.items()))
    DONE.set()


def start() -> threading.Thread | None:
    """Start the warm-up thread once per process; later calls return None."""
    global _THREAD
    with _LOCK:
        if _THREAD is not None or os.environ.get("EXPLORER_WARM") == "0":
            return None
        _THREAD = threading.Thread(target=_run, name="explorer-warm", daemon=True)
        _THREAD.start()
        return _THREAD
