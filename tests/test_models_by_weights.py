"""Denoise and inpaint's networks in the reference worker: the server's very result (to the bit) while the worker's
copy of the checkpoint has the server's weights, and the server's own model's result when it has not."""

import copy

import pytest
import torch

from explorer import models_by_weights as there
from explorer import zoo
from explorer.data import BUNDLED, digits
from explorer.restoration import denoise, inpaint, make_mask
from explorer.ui import reference_pool
from explorer.ui.restore import kept


@pytest.fixture(scope="module")
def worker():
    """The worker turned on for these tests, whatever EXPLORER_REFERENCE_WORKERS says."""
    patch = pytest.MonkeyPatch()
    patch.setattr(reference_pool, "WORKERS", 1)
    assert reference_pool.wait_ready(), "the reference worker did not start"
    yield reference_pool._pool
    patch.undo()


def digit(i: int) -> torch.Tensor:
    return digits(BUNDLED, "test")[0][i:i + 1].clone()


def same(a, b) -> None:
    for name in a.__dataclass_fields__:
        x, y = getattr(a, name), getattr(b, name)
        assert torch.equal(x, y) if isinstance(x, torch.Tensor) else x == y, name


def test_the_workers_denoising_and_inpainting_are_the_servers_to_the_bit(worker):
    denoiser, inpainter = zoo.load("denoiser"), zoo.load("inpainter")
    clean, hole = digit(11), make_mask("rectangle", top=8, left=5, height=9, width=12)
    for kind, level, name in (("gaussian", 0.35, "median 3×3"), ("salt-and-pepper", 0.6, "blur σ=0.8")):
        answer = worker.submit(there.denoised_plain, "denoiser", BUNDLED, there.weights_digest(denoiser),
                               clean.numpy(), kind, level, name, 5).result(timeout=60)
        same(there.denoising(answer), denoise(denoiser, clean, kind, level, name, 5))
    answer = worker.submit(there.inpainted_plain, "inpainter", BUNDLED, there.weights_digest(inpainter),
                           clean.numpy(), hole.numpy()).result(timeout=60)
    same(there.inpainting(answer), inpaint(inpainter, clean, hole))


def test_a_model_with_other_weights_is_computed_by_the_server_with_its_own_model(worker, monkeypatch):
    asked = []
    ask = reference_pool.run
    monkeypatch.setattr(reference_pool, "run", lambda fn, *args: asked.append(ask(fn, *args)) or asked[-1])
    retrained = copy.deepcopy(zoo.load("denoiser"))  # e.g. trained in this server's memory: not the file's weights
    with torch.no_grad():
        next(retrained.parameters()).add_(0.05)
    clean = digit(12)
    shown = kept.denoised(retrained, clean, "gaussian", 0.45, "median 3×3", 3)
    assert asked == [None]  # the worker was asked, and declined: its copy has the checkpoint's weights
    same(shown, denoise(retrained, clean, "gaussian", 0.45, "median 3×3", 3))
    assert not torch.equal(shown.denoised, denoise(zoo.load("denoiser"), clean, "gaussian", 0.45, "median 3×3", 3).denoised)


def test_the_page_asks_the_worker_for_a_new_question_and_shows_its_answer(worker, monkeypatch):
    asked = []
    ask = reference_pool.run
    monkeypatch.setattr(reference_pool, "run", lambda fn, *args: asked.append(fn) or ask(fn, *args))
    denoiser, inpainter = zoo.load("denoiser"), zoo.load("inpainter")
    clean, hole = digit(13), make_mask("vertical stripe", left=12, width=5)
    same(kept.denoised(denoiser, clean, "salt-and-pepper", 0.3, "median 3×3", 9),
         denoise(denoiser, clean, "salt-and-pepper", 0.3, "median 3×3", 9))
    same(kept.inpainted(inpainter, clean, hole), inpaint(inpainter, clean, hole))
    assert asked == [there.denoised_plain, there.inpainted_plain]


def test_where_no_checkpoint_loads_the_worker_declines_and_the_asker_computes(tmp_path, monkeypatch):
    monkeypatch.setenv("EXPLORER_MODELS", str(tmp_path))  # an empty folder: no manifest, no checkpoint
    monkeypatch.setattr(there, "_loaded", {})
    clean = digit(14)
    assert there.denoised_plain("denoiser", BUNDLED, "0" * 64, clean.numpy(), "gaussian", 0.3, "median 3×3", 1) is None
    assert there.inpainted_plain("inpainter", BUNDLED, "0" * 64, clean.numpy(), clean.numpy()) is None
    there.preload()  # the worker's warm-up goes on without them

