"""`python -m explorer train`: progress bar, held-out metrics, checkpoint + manifest written."""

import json
import subprocess
import sys

import pytest

from explorer.__main__ import main


def test_train_writes_checkpoint_and_manifest(tmp_path):
    (tmp_path / "manifest.json").write_text(json.dumps({"format": 1, "models": {"keep-me": {}}}))
    out = subprocess.run([sys.executable, "-m", "explorer", "train", "--model", "classifier",
                          "--epochs", "1", "--root", str(tmp_path)],
                         capture_output=True, text=True, timeout=120, check=True).stdout
    assert "[" + "#" * 30 + "] 1/1" in out  # the per-epoch bar, full at the end
    assert "accuracy" in out and "classifier-mnist-5k.pt" in out
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert set(manifest["models"]) == {"keep-me", "classifier-mnist-5k"}
    assert manifest["models"]["classifier-mnist-5k"]["metrics"]["accuracy"] > 0.5


def test_usage_errors(capsys):
    assert main([]) == 2
    assert main(["fly"]) == 2
    with pytest.raises(SystemExit):
        main(["train", "--model", "gan"])
    with pytest.raises(SystemExit):
        main(["train", "--epochs", "0"])
    assert "usage" in capsys.readouterr().err
