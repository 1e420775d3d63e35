"""Page frame shared by every page: title, "the idea", classroom mode, captions, digit images."""

from __future__ import annotations

import contextlib
import threading
from pathlib import Path

import numpy as np
import streamlit as st
from streamlit.runtime.pages_manager import PagesManager
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

from explorer.figures.style import sizes

CLASSROOM_KEY = "classroom"

# Streamlit sizes text in rem, so one root font size scales the whole page for a projector
_CLASSROOM_CSS = """
<style>
html { font-size: 22px; }
[data-testid="stMarkdownContainer"] p, [data-testid="stMarkdownContainer"] li { line-height: 1.45; }
[data-testid="stCaptionContainer"] { color: inherit !important; opacity: 0.95; }
</style>
"""
_BASE_CSS = """
<style>
[data-testid="stMainBlockContainer"] { padding: 1.6rem 2rem 1rem 2rem !important; }
h1 { font-size: 2.3rem !important; padding: 0 0 0.6rem 0 !important; }
.explorer-idea { border-left: 0.3rem solid #0072B2; padding: 0.3rem 0.9rem; margin: 0 0 0.8rem 0;
                 font-size: 1.08rem; }
.explorer-caption { font-size: 0.95rem; margin-top: -0.4rem; margin-bottom: 0.9rem; opacity: 0.9; }
</style>
"""


def classroom() -> bool:
    """Classroom (projector) mode: the sidebar toggle, seeded once from ``?classroom=1``."""
    if CLASSROOM_KEY not in st.session_state:
        st.session_state[CLASSROOM_KEY] = st.query_params.get(CLASSROOM_KEY) == "1"
    return bool(st.session_state[CLASSROOM_KEY])


def _mirror_classroom() -> None:
    if st.session_state[CLASSROOM_KEY]:
        st.query_params[CLASSROOM_KEY] = "1"
    else:
        st.query_params.pop(CLASSROOM_KEY, None)


def classroom_toggle() -> None:
    """The sidebar switch; rendered by the entry script so it survives page changes."""
    classroom()
    st.sidebar.toggle("Classroom mode", key=CLASSROOM_KEY, on_change=_mirror_classroom,
                      help="Large type, thick lines and big digits for a projector.")


_ENTRY = threading.local()  # .running: the entry script is running this thread's page
ENTRY_SCRIPT = "streamlit_app.py"


@contextlib.contextmanager
def entry_script():
    """Mark the entry script's page.run(): a page run without it is a legacy-mode run."""
    _ENTRY.running = True
    try:
        yield
    finally:
        _ENTRY.running = False


def leave_legacy_pages_mode() -> None:
    """Run the entry script, not the bare page, when a fresh server's first requests are page links.

    Streamlit treats an app with a ``pages/`` folder as a legacy multipage app until
    ``st.navigation`` has run once in the process, and then runs the linked page without the
    entry script (no navigation table, no wide layout, no classroom toggle). Every run that
    started before that — a class opening a shared link at once — is such a run: each one leaves
    the mode and reruns. A page run on its own (``AppTest.from_file("pages/x.py")``) is not one.
    """
    ctx = get_script_run_ctx()
    bare = ctx is not None and Path(ctx.main_script_path).name == ENTRY_SCRIPT and not getattr(_ENTRY, "running", False)
    if PagesManager.uses_pages_directory or bare:
        PagesManager.uses_pages_directory = False
        st.rerun()


def setup_page(title: str, idea: str) -> bool:
    """Title, the two-line idea block and the classroom CSS; returns whether classroom mode is on."""
    leave_legacy_pages_mode()
    big = classroom()
    from explorer.ui.lessons import lesson_bar  # here, not at the top: the lessons package imports this module

    lesson_bar()  # before the page's controls exist: a lesson step may set them
    st.html(_BASE_CSS + (_CLASSROOM_CSS if big else ""))
    st.title(title)
    st.html(f'<div class="explorer-idea"><b>The idea.</b> {idea}</div>')
    return big


def caption(text: str) -> None:
    """The one sentence under a figure saying what you see."""
    st.html(f'<div class="explorer-caption">{text}</div>')


def upscale(img, px: int) -> np.ndarray:
    """A (28, 28) image in [0, 1] -> uint8 (px', px') enlarged by whole pixels (nearest neighbour)."""
    a = np.asarray(img.detach().cpu() if hasattr(img, "detach") else img, dtype=np.float32)
    a = a.reshape(a.shape[-2], a.shape[-1])
    k = max(1, px // a.shape[-1])
    a = (np.clip(a, 0.0, 1.0) * 255.0 + 0.5).astype(np.uint8)
    return a.repeat(k, axis=0).repeat(k, axis=1)  # repeat on uint8: cheaper than kron on floats


def digit_image(img, classroom: bool, caption_text: str | None = None, scale: float = 1.0) -> None:
    """Show a digit large and crisp: whole-pixel upscaling and PNG (st.image would send JPEG)."""
    px = int(sizes(classroom)["digit_px"] * scale)
    st.image(upscale(img, px), caption=caption_text, output_format="PNG", width=px)
