"""Model cards on the pages (AppTest): each model page says which shipped model draws its picture, and a
missing or broken checkpoint or manifest gets a card that says so while the page still renders."""

import dataclasses
import shutil
import time

import pytest
from apps import app_test

from explorer import ROOT, background, specs, zoo

MANIFEST = zoo.read_manifest()
CARDS = [("pages/latent.py", "vae"), ("pages/softmax.py", "classifier"), ("pages/tensors.py", "classifier"),
         ("pages/restore.py", "denoiser")]


def card_text(at, name: str) -> str:
    """The markdown inside the page's card of model ``name`` (its title is the manifest's 'about')."""
    about = MANIFEST["models"][f"{name}-mnist-5k"]["about"]
    titles = (f"About this model: {about}", f"About this model: {name}")
    at.session_state[f"_card.{name}.mnist-5k"] = True  # a card is made once it is opened
    at.session_state["_softmax.real"] = True  # on the softmax page, inside the classifier's box
    found = [e for e in at.run().expander if e.label in titles]
    assert found, [e.label for e in at.expander]
    return " ".join(m.value for m in found[0].markdown)


@pytest.mark.parametrize(("page", "name"), CARDS)
def test_each_model_page_shows_its_models_card_with_the_manifests_numbers(page, name):
    at = app_test(page).run()
    assert not at.exception
    e, text = MANIFEST["models"][f"{name}-mnist-5k"], card_text(at, name)
    assert f"{e['sha256'][:12]}…, matches the manifest" in text
    assert f"{e['epochs']} epochs" in text and f"batch {e['recipe']['batch']}" in text
    assert "4,000 training digits" in text and "the other 1,000" in text


def test_the_inpaint_tab_shows_the_inpainters_card():
    at = app_test("pages/restore.py").run()
    at.session_state["restore.mode"] = "Inpaint"
    text = card_text(at.run(), "inpainter")
    assert f"MSE {MANIFEST['models']['inpainter-mnist-5k']['metrics']['hole_mse']:.3f}" in text


@pytest.fixture
def copy_of_models(tmp_path, monkeypatch):
    """A copy of models/ the app reads instead; every recipe shortened to one epoch; no jobs, no cached model."""
    from explorer.ui import models

    for path in (ROOT / "models").iterdir():
        shutil.copy(path, tmp_path / path.name)
    monkeypatch.setenv("EXPLORER_MODELS", str(tmp_path))
    for name, spec in list(specs.SPECS.items()):
        monkeypatch.setitem(specs.SPECS, name, dataclasses.replace(spec, epochs=1))
    background.cancel_all()
    models._loaded.clear()
    yield tmp_path
    background.cancel_all()
    models._loaded.clear()


def wait_for_classifier(timeout: float = 60.0) -> background.Job:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = background.job("classifier", "mnist-5k")
        if job is not None and job.state in ("done", "failed"):
            return job
        time.sleep(0.1)
    raise AssertionError(background.job("classifier", "mnist-5k"))


def test_a_truncated_checkpoint_gets_a_card_that_says_so_then_the_fresh_models(copy_of_models):
    pt = copy_of_models / "classifier-mnist-5k.pt"
    pt.write_bytes(pt.read_bytes()[:1000])
    at = app_test("pages/tensors.py", timeout=30).run()
    assert not at.exception
    text = card_text(at, "classifier")
    assert "cannot be used" in text and "fails its sha256 check" in text and "matches" not in text
    assert "training in the background" in text
    assert wait_for_classifier().state == "done"
    text = card_text(at.run(), "classifier")
    fresh = zoo.read_manifest(copy_of_models)["models"]["classifier-mnist-5k"]
    assert "matches the manifest" in text and "Training: 1 epoch of Adam" in text  # the new model's record
    assert fresh["sha256"][:12] in text and f"{fresh['metrics']['accuracy']:.1%}" in text


@pytest.mark.parametrize(("content", "said"), [(None, "is missing"), ("{broken", "is unreadable"),
                                               ('{"models": []}', "is malformed")])
def test_a_missing_or_broken_manifest_gets_a_card_that_says_so(copy_of_models, content, said):
    path = copy_of_models / zoo.MANIFEST
    path.unlink() if content is None else path.write_text(content)
    at = app_test("pages/softmax.py", timeout=30).run()
    assert not at.exception
    assert at.get("bidi_component")  # the page still draws what needs no model (the live softmax bars)
    text = card_text(at, "classifier")
    assert "No manifest to read" in text and said in text
    assert wait_for_classifier().state == "done"  # the fresh model rebuilds the manifest: its card is whole again
    assert "matches the manifest" in card_text(at.run(), "classifier")
