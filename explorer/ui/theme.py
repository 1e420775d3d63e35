"""Page frame shared by every page: title, "the idea", classroom mode, captions, digit images."""

from __future__ import annotations

import html
import re
from collections.abc import Callable

import streamlit as st

from explorer.figures.pixels import png_data_url
from explorer.figures.style import sizes
from explorer.ui.server_fixes import leave_legacy_pages_mode

CLASSROOM_KEY = "classroom"
CLASSROOM_ROOT_PX = 23  # Streamlit's paragraphs and labels are 0.875rem: 23 px puts them above 20 px

# Streamlit sizes text in rem, so one root font size scales the whole page for a projector
_CLASSROOM_CSS = f"""
<style>
html {{ font-size: {CLASSROOM_ROOT_PX}px; }}
[data-testid="stMarkdownContainer"] p, [data-testid="stMarkdownContainer"] li {{ line-height: 1.45; }}
[data-testid="stCaptionContainer"] {{ opacity: 0.95; }}
h1 {{ font-size: 1.9rem !important; padding: 0 !important; margin: 0 !important; }}
[data-testid="stHeader"] {{ background: transparent; }}
[data-testid="stMainBlockContainer"] {{ padding-top: 2.9rem !important; }}
</style>
"""
# Pictures are small PNGs the browser enlarges: unsmoothed, and shrunk to a narrow column rather than cut.
# Captions inherit the text colour (Streamlit's grey caption is 3.9:1 on white, under AA's 4.5:1);
# opacity keeps them quieter and still above 7:1 in both themes. Motion stops for prefers-reduced-motion:
# CSS transitions, and the ▶ play button of animated figures (the step slider still scrubs them).
_BASE_CSS = """
<style>
[data-testid="stMainBlockContainer"] { padding: 1.6rem 2rem 1rem 2rem !important; }
h1 { font-size: 2.3rem !important; padding: 0 0 0.6rem 0 !important; }
.explorer-idea { border-left: 0.3rem solid #0072B2; padding: 0.3rem 0.9rem; margin: 0 0 0.8rem 0;
                 font-size: 1.08rem; }
.explorer-head { display: flex; flex-wrap: wrap; align-items: center; gap: 0.4rem 2rem; }
.explorer-head details.explorer-idea { padding: 0.1rem 0.9rem; margin: 0; }
.explorer-head details.explorer-idea[open] { flex-basis: 100%; }
details.explorer-idea summary { cursor: pointer; width: fit-content; }
.explorer-caption, .explorer-describe { font-size: 0.95rem; margin-top: -0.4rem; margin-bottom: 0.9rem;
                                        opacity: 0.9; }
[data-testid="stCaptionContainer"] { color: inherit !important; opacity: 0.85; }
[data-testid="stImageContainer"] { max-width: 100%; }
[data-testid="stImage"] img, .explorer-digits img { max-width: 100%; height: auto; image-rendering: pixelated; }
.explorer-digits { display: flex; flex-wrap: wrap; gap: 0.6rem 12px; margin-bottom: 0.8rem; }
.explorer-digits figure { margin: 0; max-width: 100%; }
.explorer-digits img { display: block; }
.explorer-rows { display: grid; grid-template-columns: minmax(9rem, 1fr) 4fr; align-items: center;
                 gap: 0.6rem 1rem; margin-bottom: 0.8rem; }
.explorer-rows img { max-width: 100%; height: auto; image-rendering: pixelated; }
.explorer-digits figcaption { font-size: 0.875rem; text-align: center; opacity: 0.85; margin-top: 0.3rem; }
.explorer-numbers { display: flex; flex-wrap: wrap; gap: 0.4rem 3rem; margin: 0 0 0.9rem 0 !important; padding: 0 !important; }
.explorer-numbers dt { font-size: 0.875rem; opacity: 0.85; margin: 0; }
.explorer-numbers dd { margin: 0 !important; font-size: 1.8rem; line-height: 1.25; }
.explorer-numbers dd.explorer-change { font-size: 0.95rem; line-height: 1.3; }
.explorer-up { color: #009E73; } .explorer-down { color: #D55E00; }
@media (prefers-reduced-motion: reduce) {
  *, *::before, *::after { animation-duration: 0.01ms !important; animation-iteration-count: 1 !important;
                           transition-duration: 0.01ms !important; scroll-behavior: auto !important; }
  [data-testid="stPlotlyChart"] .updatemenu-container { display: none; }
}
</style>
"""


def classroom() -> bool:
    """Classroom (projector) mode: the sidebar toggle, seeded once from ``?classroom=1``."""
    if CLASSROOM_KEY not in st.session_state:
        st.session_state[CLASSROOM_KEY] = st.query_params.get(CLASSROOM_KEY) == "1"
    return bool(st.session_state[CLASSROOM_KEY])


def classroom_toggle() -> None:
    """The sidebar switch; rendered by the entry script so it survives page changes. It stays out of the
    address bar, so a link copied from the projector does not switch the students' screens to it."""
    classroom()
    st.sidebar.toggle("Classroom mode", key=CLASSROOM_KEY,
                      help="Large type, thick lines and big digits for a projector. Each viewer chooses it.")


def setup_page(title: str, idea: str) -> bool:
    """Title, the two-line idea block and the classroom CSS; returns whether classroom mode is on.
    In classroom mode the idea is folded (a click opens it), so the page's figure starts in a projector's
    first screen."""
    leave_legacy_pages_mode()
    big = classroom()
    from explorer.ui.lessons import lesson_bar  # here, not at the top: the lessons package imports this module

    lesson_bar()  # before the page's controls exist: a lesson step may set them
    st.html(_BASE_CSS + (_CLASSROOM_CSS if big else ""))
    if big:  # one row: the title and the folded idea beside it
        st.html(f'<div class="explorer-head"><h1>{html.escape(title)}</h1><details class="explorer-idea">'
                f'<summary><b>The idea</b></summary>{idea}</details></div>')
    else:
        st.title(title)
        st.html(f'<div class="explorer-idea"><b>The idea.</b> {idea}</div>')
    return big


def page_body(draw: Callable[[], None]) -> None:
    """Draw the page under its frame as one fragment: a control in it reruns only the page's own work, not the
    navigation, sidebar, lesson bar and title around it (the frame's share of a class's reruns)."""
    st.fragment(_page_body)(draw)


def _page_body(draw: Callable[[], None]) -> None:
    from explorer.ui.lessons import bar_is_stale  # here: the lessons package imports this module

    if bar_is_stale():  # a callback of this page's controls started, moved or stopped a lesson
        st.rerun(scope="app")
    draw()
    if bar_is_stale():
        st.rerun(scope="app")


def opened(label: str, key: str, icon: str | None = None, expanded: bool = False):
    """An expander whose inside is made only while it is open (opening it reruns the page): a rerun does not
    redo work nobody is looking at. ``expanded`` is how a session first sees it. Returns the expander to draw
    into, or None while it is closed."""
    box = st.expander(label, expanded=expanded, key=key, icon=icon, on_change="rerun")
    return box if box.open else None


MARKDOWN = str.maketrans({c: "\\" + c for c in "\\`*_[]<>#|~$"})  # what Streamlit's Markdown would act on


def plain(text: str) -> str:
    """Text shown as typed inside Streamlit's Markdown (st.error, st.warning, st.caption): * ^ _ $ survive,
    and a colon before a letter (:red[, :smile:) starts no directive or emoji."""
    return re.sub(r":(?=[A-Za-z/])", r"\:", str(text).translate(MARKDOWN).replace("\n", " "))


def text_table(columns: dict[str, list[str]]) -> None:
    """A small table of text as Markdown (a real table for screen readers): no DataFrame or Arrow per rerun."""
    head = [plain(name) or " " for name in columns]
    rows = zip(*columns.values())
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(plain(cell) for cell in row) + " |" for row in rows]
    st.markdown("\n".join(lines))


def caption(text: str) -> None:
    """The one sentence under a figure saying what you see (plain text: it is escaped for HTML)."""
    st.html(caption_html(text))


def caption_html(text: str) -> str:
    """A caption's HTML, for an element that sends it together with what it explains."""
    return f'<div class="explorer-caption">{html.escape(text, quote=False)}</div>'


def digit_image(img, classroom: bool, caption_text: str | None = None, scale: float = 1.0,
                alt: str | None = None) -> None:
    """Show a digit large and crisp: its own 28 × 28 pixels as PNG, enlarged by the browser by a whole factor.

    ``alt`` is what a screen reader says for it, e.g. "Digit decoded from z = (0.40, −1.20)";
    without one the caption serves, else a plain "Handwritten digit".
    """
    st.image(png_data_url(img), caption=caption_text, width=whole_pixels(int(sizes(classroom)["digit_px"] * scale)),
             alt=alt or caption_text or "Handwritten digit, 28 × 28 pixels")


def whole_pixels(px: int, side: int = 28) -> int:
    """The largest width up to ``px`` that enlarges a ``side``-pixel picture by a whole factor (crisp pixels)."""
    return max(1, px // side) * side
