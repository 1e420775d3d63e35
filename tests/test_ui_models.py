"""A broken model never blocks a page: it trains in the background while the page renders without it.

Real trainings, kept short: each model's recipe runs for one epoch (the classifier at width 2), in a
temporary copy of models/ whose checkpoints are truncated.
"""

import dataclasses
import shutil
import time

import pytest
from streamlit.testing.v1 import AppTest

from explorer import ROOT, background, specs, zoo
from explorer.nets import Classifier
from explorer.ui.pages import PAGES

TINY = specs.Spec(Classifier, 1, specs._classifier, specs._acc, {"width": 2}, "tiny test classifier")
MODEL_PAGES = {"pages/latent.py": "vae", "pages/restore.py": "denoiser", "pages/softmax.py": "classifier",
               "pages/tensors.py": "classifier"}


def _page():
    import streamlit as st

    from explorer.ui.models import load_model

    model = load_model("classifier")
    st.write(f"loaded {type(model).__name__}")


def _offline_page():
    import streamlit as st

    from explorer.ui.models import load_model

    st.write(f"missing {load_model('classifier', 'fashion-mnist') is None}")


def wait_for(name: str, dataset: str = "mnist-5k", states=("done",), timeout: float = 120.0) -> background.Job:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = background.job(name, dataset)
        if job is not None and job.state in states:
            return job
        time.sleep(0.1)
    raise AssertionError(f"{name}: {background.job(name, dataset)}")


@pytest.fixture
def fresh(tmp_path, monkeypatch):
    """An empty models folder, an empty download cache (torchvision datasets are offline), no jobs, no cache."""
    monkeypatch.setenv("EXPLORER_MODELS", str(tmp_path))
    monkeypatch.setenv("EXPLORER_DATA_CACHE", str(tmp_path / "data"))
    from explorer.ui import models

    background.cancel_all()
    models._loaded.clear()
    yield tmp_path
    background.cancel_all()
    models._loaded.clear()


@pytest.fixture
def tiny_classifier(fresh, monkeypatch):
    monkeypatch.setitem(specs.SPECS, "classifier", TINY)
    return fresh


@pytest.fixture
def truncated(fresh, monkeypatch):
    """A copy of the shipped models with every .pt cut in half; every recipe shortened to one epoch."""
    for path in (ROOT / "models").iterdir():
        shutil.copy(path, fresh / path.name)
    for pt in fresh.glob("*.pt"):
        data = pt.read_bytes()
        pt.write_bytes(data[: len(data) // 2])
    for name, spec in list(specs.SPECS.items()):
        monkeypatch.setitem(specs.SPECS, name, dataclasses.replace(spec, epochs=1))
    return fresh


def test_a_broken_checkpoint_trains_in_the_background_and_the_page_renders_at_once(tiny_classifier):
    (tiny_classifier / "manifest.json").write_text("{broken")
    t0 = time.monotonic()
    at = AppTest.from_function(_page, default_timeout=30).run()
    assert not at.exception and time.monotonic() - t0 < 30
    assert "loaded NoneType" in at.markdown[-1].value  # the page drew what does not need the model
    panel = " ".join(m.value for m in at.markdown)
    assert "Training the model 'classifier'" in panel and "manifest.json" in panel  # which model, and why
    job = wait_for("classifier")
    assert job.epochs == 1 and job.loss is not None and "saved" in job.message
    at.run()
    assert not at.exception and "loaded Classifier" in at.markdown[-1].value  # the real model, in place
    assert any("manifest.json" in w.value for w in at.warning)  # said once what happened
    assert zoo.verify("classifier", root=tiny_classifier) is None  # the fresh model was saved


def test_two_sessions_share_one_training(tiny_classifier):
    first = AppTest.from_function(_page, default_timeout=30).run()
    second = AppTest.from_function(_page, default_timeout=30).run()
    assert not first.exception and not second.exception
    job = background.job("classifier", "mnist-5k")
    assert job is background.request("classifier", "mnist-5k", "again") and job.attempts == 1
    wait_for("classifier")
    for at in (first.run(), second.run()):
        assert "loaded Classifier" in at.markdown[-1].value


def test_a_failed_training_says_why_and_can_be_retried(tiny_classifier):
    at = AppTest.from_function(_offline_page, default_timeout=30).run()
    assert "missing True" in at.markdown[-1].value
    job = wait_for("classifier", "fashion-mnist", states=("failed",))
    assert "DatasetUnavailable" in job.error  # fashion-mnist needs a download, and there is no network
    at.run()
    assert not at.exception
    assert any("failed" in e.value and "DatasetUnavailable" in e.value for e in at.error)
    at.button(key="_retry.classifier.fashion-mnist").click().run()
    assert job.attempts == 2
    wait_for("classifier", "fashion-mnist", states=("failed",))


@pytest.mark.parametrize("page", [p.path for p in PAGES if p.path != "pages/lessons.py"])
def test_with_every_checkpoint_truncated_every_page_renders_and_then_draws_its_figures(truncated, page):
    at = AppTest.from_file(str(ROOT / page), default_timeout=30)
    at.session_state["_softmax.real"] = True  # softmax's model sits in a folded box: opened, as a student would
    at.run()
    assert not at.exception
    needs = MODEL_PAGES.get(page)
    panel = " ".join(m.value for m in at.markdown)
    if page == "pages/softmax.py":  # its model sits in a folded expander: the live bars come first
        assert at.get("bidi_component")
    if needs is None:
        assert "Training the model" not in panel
        return
    assert f"Training the model '{needs}'" in panel
    wait_for(needs)
    at.run()
    assert not at.exception
    assert f"Training the model '{needs}'" not in " ".join(m.value for m in at.markdown)
