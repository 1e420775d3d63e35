"""Cached model loading for pages: ``load_model(name, dataset)``.

Pages get models only through here. A missing or broken checkpoint is never a crash and never a
wait: the model trains in the background (explorer/background.py, one training per model on the
host), ``load_model`` returns None at once so the page draws everything that does not need it, and
a panel says which model is training, why, the epoch, the loss and the time left, updated every
second in every session; when the training ends the page reruns with the real figures. A training
that fails says why and offers a retry.
"""

from __future__ import annotations

import streamlit as st
from torch import nn

from explorer import background, zoo
from explorer.data import BUNDLED


@st.cache_resource(show_spinner=False)
def _loaded(name: str, dataset: str) -> nn.Module:
    """The checkpoint's model, shared by every session; raises CheckpointError (not cached) when it cannot load."""
    return zoo.load(name, dataset)


def preload(name: str, dataset: str = BUNDLED) -> nn.Module:
    """Load a shipped model into the cache the pages read, from any thread; never trains (CheckpointError)."""
    return _loaded(name, dataset)


def load_model(name: str, dataset: str = BUNDLED) -> nn.Module | None:
    """The trained model (eval mode, shared read-only: call it under torch.inference_mode()).

    Returns None when there is none yet: the training panel (or an error saying why) stands in its place.
    """
    try:
        model = _loaded(name, dataset)
        done = background.job(name, dataset)
        if done is not None and done.state == "done":
            _note(name, done.message)  # what happened to the checkpoint, once in each session
        return model
    except zoo.CheckpointError as err:
        reason = str(err)
    except ValueError as err:  # DatasetUnavailable, unknown name
        st.error(f"Model '{name}' is not available: {err}")
        return None
    job = background.request(name, dataset, reason)
    if job.state == "done":
        _note(name, job.message)
        if job.model is not None:  # trained, but the folder would not take it: served from memory
            return job.model
        try:
            return _loaded(name, dataset)
        except zoo.CheckpointError as err:  # saved, then broken again: train once more
            st.error(f"Model '{name}' was trained but cannot be loaded: {err}")
            return None
    training_panel(name, dataset)
    return None


def _note(name: str, message: str | None) -> None:
    """Say once per session what happened to the checkpoint (not on every rerun)."""
    shown = st.session_state.setdefault("_explorer_model_notes", set())
    if message and message not in shown:
        shown.add(message)
        st.warning(f"Model '{name}': {message}")


@st.fragment(run_every=1.0)
def training_panel(name: str, dataset: str) -> None:
    """The model's training as it goes; the whole page reruns (and draws its figures) when it is done."""
    job = background.job(name, dataset)
    if job is None:
        return
    if job.state == "done":
        st.rerun()
    if job.state == "failed":
        st.error(f"Training the model '{name}' failed: {job.error}. The rest of the app keeps working.")
        st.button("Retry the training", key=f"_retry.{name}.{dataset}", on_click=background.retry, args=(name, dataset),
                  icon=":material/refresh:")
        return
    with st.container(border=True):
        st.markdown(f"**Training the model '{name}'** in the background, because {job.reason[:1].lower()}"
                    f"{job.reason[1:]}. This page shows its figures as soon as it is ready.")
        if job.state == "queued":
            ahead = background.waiting_for(job)
            st.caption(f"Waiting for {', '.join(ahead)} to finish first." if ahead else "Starting…")
            return
        left = job.seconds_left()
        said = f"epoch {job.epoch} of {job.epochs}" if job.epochs else "first epoch"
        if job.loss is not None:
            said += f" · loss {job.loss:.4g}"
        if left is not None:
            said += f" · about {left:.0f} s left"
        st.progress(job.epoch / job.epochs if job.epochs else 0.0, text=said)
