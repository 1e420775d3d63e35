"""`python -m explorer train`: progress bar, held-out metrics, checkpoint + manifest written."""

import json
import subprocess
import sys

import pytest

from explorer import specs
from explorer.__main__ import main
from explorer.nets import Classifier

TINY = specs.Spec(Classifier, 1, specs._classifier, specs._acc, {"width": 2}, "tiny test classifier")


def test_train_writes_checkpoint_and_manifest(tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(specs.SPECS, "classifier", TINY)  # the real command, a 2-channel network
    (tmp_path / "manifest.json").write_text(json.dumps({"format": 1, "models": {"keep-me": {}}}))
    assert main(["train", "--model", "classifier", "--epochs", "2", "--root", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "[" + "#" * 15 + "." * 15 + "] 1/2" in out and "[" + "#" * 30 + "] 2/2" in out  # per-epoch bar
    assert "accuracy" in out and "classifier-mnist-5k.pt" in out
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert set(manifest["models"]) == {"keep-me", "classifier-mnist-5k"}  # other entries kept
    entry = manifest["models"]["classifier-mnist-5k"]
    acc = entry["metrics"]["accuracy"]
    assert entry["epochs"] == 2 and 0.1 < acc <= 1 and f"accuracy {acc:.4g}" in out  # printed = recorded


def test_usage_errors(capsys):
    assert main([]) == 2
    assert main(["fly"]) == 2
    with pytest.raises(SystemExit):
        main(["train", "--model", "gan"])
    with pytest.raises(SystemExit):
        main(["train", "--epochs", "0"])
    assert "usage" in capsys.readouterr().err


def test_offline_dataset_is_a_message_not_a_traceback(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("EXPLORER_DATA_CACHE", str(tmp_path))
    assert main(["train", "--model", "classifier", "--dataset", "mnist", "--root", str(tmp_path)]) == 1
    assert "mnist-5k" in capsys.readouterr().err


def test_module_entry_point():
    done = subprocess.run([sys.executable, "-m", "explorer"], check=False, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 2 and "train" in done.stderr
