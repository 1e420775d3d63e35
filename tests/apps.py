"""AppTest by repository path (AppTest resolves relative paths against the calling file)."""

from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]


def app_test(path: str, timeout: float = 120) -> AppTest:
    """An AppTest of ``path`` (e.g. ``"pages/latent.py"``), not yet run."""
    return AppTest.from_file(str(ROOT / path), default_timeout=timeout)
