"""Checkpoints: round trip, manifest, and every broken-file case leads to retraining, not a crash."""

import hashlib
import json
import threading

import pytest
import torch

from explorer import corrupt, metrics, specs, zoo
from explorer.data import digits
from explorer.nets import Classifier, Inpainter, Restorer

TINY = specs.Spec(Classifier, 1, specs._classifier, specs._acc, {"width": 2}, "tiny test classifier")


@pytest.fixture
def tiny(monkeypatch):
    """The 'classifier' entry swapped for a 2-channel one: real training, in about a second."""
    monkeypatch.setitem(specs.SPECS, "classifier", TINY)
    zoo._in_memory.clear()
    return "classifier"


def _trained(tmp_path, name):
    model, msg = zoo.ensure(name, root=tmp_path)
    assert zoo.verify(name, root=tmp_path) is None
    return model, msg


def test_round_trip_and_manifest(tmp_path, tiny):
    model, record = zoo.train_model(tiny)
    path = zoo.save(tiny, model, record=record, root=tmp_path)
    loaded = zoo.load(tiny, root=tmp_path)
    x = digits("mnist-5k", "test")[0][:8]
    torch.testing.assert_close(loaded(x), model(x))
    assert not loaded.training and not any(p.requires_grad for p in loaded.parameters())
    entry = zoo.read_manifest(tmp_path)["models"]["classifier-mnist-5k"]
    assert entry["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert path.stat().st_mode & 0o777 == 0o644  # readable by a container's unprivileged user
    assert entry["hparams"] == {"width": 2} and entry["epochs"] == 1 and entry["seed"] == 0
    assert entry["metrics"]["accuracy"] == pytest.approx(
        metrics.accuracy(loaded, *digits("mnist-5k", "test"))["accuracy"], abs=1e-4)


def test_missing_checkpoint_trains_and_saves(tmp_path, tiny):
    seen = []
    _, msg = zoo.ensure(tiny, root=tmp_path, progress=lambda e, n, m: seen.append(e))
    assert "missing" in msg and "saved" in msg and seen == [1]
    assert zoo.ensure(tiny, root=tmp_path)[1] is None  # second time: loads, nothing to say


def _retrains(tmp_path, name, words):
    reason = zoo.verify(name, root=tmp_path)
    assert reason is not None and words in reason
    with pytest.raises(zoo.CheckpointError):
        zoo.load(name, root=tmp_path)
    model, msg = zoo.ensure(name, root=tmp_path)
    assert words in msg and isinstance(model, torch.nn.Module)
    assert zoo.verify(name, root=tmp_path) is None


def test_truncated_file(tmp_path, tiny):
    _trained(tmp_path, tiny)
    f = tmp_path / "classifier-mnist-5k.pt"
    f.write_bytes(f.read_bytes()[:500])
    _retrains(tmp_path, tiny, "sha256")


def test_wrong_sha256(tmp_path, tiny):
    _trained(tmp_path, tiny)
    m = json.loads((tmp_path / "manifest.json").read_text())
    m["models"]["classifier-mnist-5k"]["sha256"] = "0" * 64
    (tmp_path / "manifest.json").write_text(json.dumps(m))
    _retrains(tmp_path, tiny, "sha256")


def test_random_bytes_with_matching_sha(tmp_path, tiny):
    _trained(tmp_path, tiny)
    junk = torch.randint(0, 256, (3000,), generator=torch.Generator().manual_seed(0)).to(torch.uint8)
    (tmp_path / "classifier-mnist-5k.pt").write_bytes(junk.numpy().tobytes())
    m = json.loads((tmp_path / "manifest.json").read_text())
    m["models"]["classifier-mnist-5k"]["sha256"] = hashlib.sha256(junk.numpy().tobytes()).hexdigest()
    (tmp_path / "manifest.json").write_text(json.dumps(m))
    _retrains(tmp_path, tiny, "not a readable checkpoint")


def test_mismatched_architecture(tmp_path, tiny):
    other = Classifier(width=3).eval()
    zoo.save(tiny, other, record={"epochs": 0}, root=tmp_path)  # same name, another architecture
    _retrains(tmp_path, tiny, "architecture")


@pytest.mark.parametrize("content", [None, "{not json", '{"models": []}'])
def test_missing_or_malformed_manifest(tmp_path, tiny, content):
    _trained(tmp_path, tiny)
    path = tmp_path / "manifest.json"
    path.unlink() if content is None else path.write_text(content)
    _retrains(tmp_path, tiny, "manifest.json")


def test_save_keeps_other_entries(tmp_path, tiny):
    (tmp_path / "manifest.json").write_text(json.dumps({"format": 1, "models": {"x-mnist-5k": {"a": 1}}}))
    _trained(tmp_path, tiny)
    assert set(zoo.read_manifest(tmp_path)["models"]) == {"x-mnist-5k", "classifier-mnist-5k"}


def test_unwritable_folder_serves_from_memory(tmp_path, tiny):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    root = blocker / "models"  # cannot be created: like a read-only models/
    model, msg = zoo.ensure(tiny, root=root)
    assert "could not save" in msg and model(torch.zeros(1, 1, 28, 28)).shape == (1, 10)
    again, msg2 = zoo.ensure(tiny, root=root)
    assert again is model and "in memory" in msg2  # not trained twice


def test_concurrent_saves_never_tear(tmp_path, tiny):
    model, record = zoo.train_model(tiny)
    threads = [threading.Thread(target=zoo.save, args=(tiny, model), kwargs={"record": record, "root": tmp_path})
               for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert zoo.verify(tiny, root=tmp_path) is None
    assert not list(tmp_path.glob(".*.tmp"))  # no temp files left behind


def test_unknown_names(tmp_path):
    with pytest.raises(ValueError, match="Unknown model"):
        zoo.load("gan", root=tmp_path)
    with pytest.raises(ValueError, match="Unknown model"):
        zoo.ensure("gan", root=tmp_path)


def test_restorers_are_served_as_callables(tmp_path, monkeypatch):
    tiny = specs.Spec(Restorer, 1, specs._restorer, specs._inpainting, {"width": 2}, "", {"task": "inpaint"})
    monkeypatch.setitem(specs.SPECS, "inpainter", tiny)
    x = digits("mnist-5k", "test")[0][:3]
    mask = corrupt.centre_hole(3)
    inpainter, _ = zoo.ensure("inpainter", root=tmp_path)
    assert isinstance(inpainter, Inpainter) and inpainter(x * mask, mask).shape == (3, 1, 28, 28)
    zoo.save("inpainter", inpainter, record={"epochs": 1}, root=tmp_path)  # a view saves its U-Net
    again = zoo.load("inpainter", root=tmp_path)
    torch.testing.assert_close(again(x * mask, mask), inpainter(x * mask, mask))


def test_metrics_use_test_digits_only(monkeypatch, tmp_path):
    seen = {}

    def fit(x, y, epochs, progress, seed, hp):
        seen["train"] = x
        return specs._classifier(x, y, epochs, progress, seed, hp)

    def evaluate(model, x, y):
        seen["test"] = x
        return specs._acc(model, x, y)

    monkeypatch.setitem(specs.SPECS, "classifier", specs.Spec(Classifier, 1, fit, evaluate, {"width": 2}))
    zoo.train_model("classifier")
    assert seen["train"] is digits("mnist-5k", "train")[0]
    assert seen["test"] is digits("mnist-5k", "test")[0]


def test_shipped_models_load_and_match_their_manifest():
    entries = zoo.read_manifest()["models"]
    for name in specs.SPECS:
        assert zoo.verify(name) is None, name
    x, y = digits("mnist-5k", "test")
    acc = metrics.accuracy(zoo.load("classifier"), x, y)["accuracy"]
    assert acc == pytest.approx(entries["classifier-mnist-5k"]["metrics"]["accuracy"], abs=1e-4)
    den, inp = zoo.load("denoiser"), zoo.load("inpainter")
    assert den(x[:2]).shape == inp(x[:2], torch.ones_like(x[:2])).shape == (2, 1, 28, 28)
    for key, entry in entries.items():  # size budget of a shipped checkpoint
        assert entry["bytes"] <= 5_000_000, key
