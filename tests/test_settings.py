"""Operator settings from the environment: numbers read, typos logged and replaced by the default."""

import logging
import subprocess
import sys
from pathlib import Path

import pytest

from explorer.settings import env_number


@pytest.mark.parametrize(("text", "whole", "want"), [
    ("3", True, 3), (" 0 ", True, 0), ("", True, 7), ("2.5", False, 2.5), ("86400", False, 86400.0),
])
def test_a_number_is_read(monkeypatch, text, whole, want):
    monkeypatch.setenv("EXPLORER_TEST_SETTING", text)
    got = env_number("EXPLORER_TEST_SETTING", 7, whole=whole)
    assert got == want and type(got) is type(want)


def test_unset_gives_the_default(monkeypatch):
    monkeypatch.delenv("EXPLORER_TEST_SETTING", raising=False)
    assert env_number("EXPLORER_TEST_SETTING", 4, whole=True) == 4


@pytest.mark.parametrize(("text", "whole"), [("abc", True), ("1.5", True), ("-1", True), ("nan", False),
                                             ("inf", False), ("0.5", False)])
def test_a_bad_value_is_logged_and_the_default_used(monkeypatch, caplog, text, whole):
    monkeypatch.setenv("EXPLORER_TEST_SETTING", text)
    with caplog.at_level(logging.WARNING, logger="explorer.settings"):
        assert env_number("EXPLORER_TEST_SETTING", 9, whole=whole, minimum=0 if whole else 1) == 9
    assert f"EXPLORER_TEST_SETTING='{text}'" in caplog.text and "using 9" in caplog.text


def test_a_typo_in_the_worker_count_does_not_stop_the_server():
    run = subprocess.run([sys.executable, "-c", "from explorer.ui import reference_pool as r; print(r.WORKERS)"],
                         env={"EXPLORER_REFERENCE_WORKERS": "abc", "PATH": "/usr/bin:/bin"},
                         capture_output=True, text=True, timeout=120, cwd=Path(__file__).parents[1])
    assert run.returncode == 0 and run.stdout.strip() == "1", run.stderr
    assert "EXPLORER_REFERENCE_WORKERS='abc' is not a whole number" in run.stderr
