"""AppTest by repository path (AppTest resolves relative paths against the calling file)."""

import base64
import html
import json
import re

import numpy as np
from streamlit.testing.v1 import AppTest

from explorer import ROOT


def app_test(path: str, timeout: float = 120) -> AppTest:
    """An AppTest of ``path`` (e.g. ``"pages/latent.py"``), not yet run."""
    return AppTest.from_file(str(ROOT / path), default_timeout=timeout)


def shown(markdown: str) -> str:
    """What a Markdown text escaped for display reads as: 2\\*x -> 2*x."""
    return re.sub(r"\\(.)", r"\1", markdown)


def figure(at: AppTest, i: int = 0) -> dict:
    """The i-th Plotly figure that the page drew, as JSON."""
    return json.loads(at.get("plotly_chart")[i].proto.spec)


def values(v) -> np.ndarray:
    """A data array from figure JSON: a list, or Plotly's typed array {"dtype", "bdata"}."""
    if isinstance(v, dict):
        return np.frombuffer(base64.b64decode(v["bdata"]), dtype=np.dtype(v["dtype"]))
    return np.asarray(v, dtype=float)


TEXT_KINDS = ("title", "header", "subheader", "markdown", "caption", "info", "warning", "error", "success", "latex",
              "code", "exception")


def page_text(at: AppTest) -> list[tuple[str, str]]:
    """Every sentence the page shows, as (kind, text a reader sees): Markdown unescaped, st.html without tags."""
    out = []
    for kind in TEXT_KINDS:
        for element in at.get(kind):
            out.append((kind, shown(str(getattr(element, "value", "") or ""))))
    for element in at.get("html"):
        body = re.sub(r"<style>.*?</style>", "", element.proto.body, flags=re.S)
        text = re.sub(r"<[^>]+>", "", body).strip()
        if text:
            out.append(("html", text.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")))
    return out


def said(at: AppTest, kinds=None) -> str:
    """All the page's text in one string (optionally only some kinds)."""
    return "\n".join(t for k, t in page_text(at) if kinds is None or k in kinds)


def widget(at: AppTest, i: int = 0) -> dict:
    """The data the page sent its i-th Components-v2 widget (e.g. the live descent widget), as JSON."""
    return json.loads(at.get("bidi_component")[i].proto.json)


def release(at: AppTest, prefix: str, **moved) -> AppTest:
    """What the live descent widget's release does: each moved control's value into session state, then a rerun."""
    for name, value in moved.items():
        at.session_state[f"{prefix}.{name}"] = value
    return at.run()


def tables(at: AppTest) -> list[dict[str, list[str]]]:
    """The page's Markdown tables (theme.text_table), each as column -> cells, in page order."""
    found = []
    for m in at.markdown:
        lines = [ln for ln in m.value.splitlines() if ln.startswith("|")]
        if len(lines) < 2 or not lines[1].startswith("|---"):
            continue
        cells = [[c.strip().replace("\\", "") for c in ln.strip("|").split(" | ")] for ln in lines]
        head, rows = cells[0], cells[2:]
        found.append({h: [r[i] for r in rows] for i, h in enumerate(head)})
    return found


_PICTURE = re.compile(r'<img src="([^"]+)"[^>]*alt="([^"]*)"><figcaption>([^<]*)</figcaption>')


def pictures(at: AppTest) -> dict[str, tuple[str, str]]:
    """A row of digit pictures drawn as one HTML element (``.explorer-digits``): caption -> (PNG data URL, alt)."""
    return {html.unescape(caption): (src, html.unescape(alt)) for element in at.get("html")
            if element.proto.body.startswith('<div class="explorer-digits">')
            for src, alt, caption in _PICTURE.findall(element.proto.body)}


_NUMBER = re.compile(r'<div><dt>([^<]*)</dt><dd>([^<]*)</dd>(?:<dd class="explorer-change">(?:<span[^>]*>[^<]*</span> )?'
                     r'([^<]*)</dd>)?</div>')


def numbers(at: AppTest) -> dict[str, tuple[str, str]]:
    """The numbers under a row of pictures (``.explorer-numbers``): label -> (value, the small line under it)."""
    return {html.unescape(label): (html.unescape(value), html.unescape(change)) for element in at.get("html")
            if 'class="explorer-numbers"' in element.proto.body
            for label, value, change in _NUMBER.findall(element.proto.body)}
