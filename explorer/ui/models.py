"""Cached model loading for pages: ``load_model(name, dataset)``.

Pages get models only through here. A missing or broken checkpoint is never a crash: the page
shows why, a progress bar while a fresh model trains, and the rest of the app keeps serving.
"""

from __future__ import annotations

import streamlit as st
from torch import nn

from explorer import zoo
from explorer.data import BUNDLED


@st.cache_resource(show_spinner=False)
def _shipped(name: str, dataset: str) -> nn.Module:
    """The checkpoint's model; CheckpointError (not cached) when there is none to use."""
    return zoo.load(name, dataset)


def preload(name: str, dataset: str = BUNDLED) -> nn.Module:
    """Load a shipped model into the cache the pages read, from any thread; never trains (CheckpointError)."""
    return _shipped(name, dataset)


@st.cache_resource(show_spinner=False)
def _cached(name: str, dataset: str) -> tuple[nn.Module, str | None]:
    try:
        return _shipped(name, dataset), None
    except zoo.CheckpointError as err:
        reason = str(err)
    slot = st.empty()  # emptied at the end, so a cache hit replays nothing visible
    try:
        with slot.container():
            st.warning(f"Model '{name}' ({dataset}): {reason}. Training a fresh one now…")
            bar = st.progress(0.0)

            def progress(epoch: int, epochs: int, metrics: dict) -> None:
                bar.progress(epoch / epochs, text=f"epoch {epoch}/{epochs} · loss {metrics['loss']:.3g}")

            model, message = zoo.ensure(name, dataset, progress=progress)
    finally:
        slot.empty()
    return model, message


def load_model(name: str, dataset: str = BUNDLED) -> nn.Module | None:
    """The trained model (eval mode, shared read-only: call it under torch.inference_mode()).

    Returns None, with an st.error saying why, when no model can be had (e.g. a dataset that
    needs a download while offline).
    """
    try:
        model, message = _cached(name, dataset)
    except ValueError as err:  # DatasetUnavailable, unknown name
        st.error(f"Model '{name}' is not available: {err}")
        return None
    shown = st.session_state.setdefault("_explorer_model_notes", set())
    if message and message not in shown:  # say it once per session, not on every rerun
        shown.add(message)
        st.warning(f"Model '{name}': {message}")
    return model
