"""The page table: one place that lists every page, used by navigation and the home cards."""

from __future__ import annotations

import base64
import copy
import functools
from dataclasses import dataclass

import streamlit as st

from explorer import ROOT


@dataclass(frozen=True)
class PageInfo:
    path: str  # relative to the repository root
    title: str
    icon: str
    blurb: str  # one sentence for the home card


PAGES = (
    PageInfo("pages/home.py", "Home", ":material/home:", "What Explorer is, and where to start."),
    PageInfo("pages/descent_1d.py", "Slope and descent", ":material/trending_down:",
             "The derivative is the slope: drag the learning rate and watch gradient descent walk downhill."),
    PageInfo("pages/descent_2d.py", "Descent on surfaces", ":material/terrain:",
             "Race torch.optim's optimizers across a 2-D landscape; drag the start and the racers follow."),
    PageInfo("pages/fit_line.py", "Fit a line", ":material/show_chart:",
             "Learn Celsius → Fahrenheit with one neuron, y = w·x + b, and watch the loss fall."),
    PageInfo("pages/gradient_tape.py", "Gradient tape", ":material/account_tree:",
             "Backpropagation step by step: each node's value forward, each gradient backward."),
    PageInfo("pages/softmax.py", "Logits → softmax", ":material/bar_chart:",
             "Turn raw scores into probabilities, and see the cross-entropy gradient."),
    PageInfo("pages/latent.py", "VAE latent map", ":material/scatter_plot:",
             "1,000 digits on a 2-D map: hover, drag or click anywhere and the decoder draws that point."),
    PageInfo("pages/restore.py", "Denoise and inpaint", ":material/healing:",
             "An autoencoder cleans noisy digits and fills holes, measured against classic filters."),
    PageInfo("pages/tensors.py", "Tensors and kernels", ":material/grid_on:",
             "A digit as a tensor, a CNN's kernels as its weights, and a 3×3 window sliding step by step."),
    PageInfo("pages/lessons.py", "Lessons", ":material/co_present:",
             "Present a guided sequence of views, or start a class that follows your steps on every laptop."),
)


@functools.cache
def icon_url() -> str:
    """The app's icon as a data URL, read once per process (given a path, Streamlit reads and stores the file
    again on every full run)."""
    png = (ROOT / "explorer/ui/static/icon.png").read_bytes()
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


@functools.cache
def _made() -> tuple:
    """The st.Page of every page, made on the first run of the process (it needs a run's context)."""
    return tuple(st.Page(ROOT / p.path, title=p.title, icon=p.icon, default=(i == 0)) for i, p in enumerate(PAGES))


def st_pages() -> list:
    """The app's st.Page objects for st.navigation. Making one resolves its file and checks it exists (ten
    pages: 0.7 ms of every full run); they are made once and each call gets its own shallow copies, since
    st.navigation marks the page it picks as callable for that run only."""
    return [copy.copy(page) for page in _made()]
