"""The "About this model" card beside a picture a model draws: a closed expander read from the manifest."""

from __future__ import annotations

from functools import lru_cache

import streamlit as st

from explorer import background, model_card, zoo
from explorer.data import BUNDLED
from explorer.ui.theme import opened


@lru_cache(maxsize=64)  # a Card is frozen: every session may share one
def card(name: str, dataset: str, folder: str, stamps: tuple) -> model_card.Card:
    """The card of ``name`` as the folder's manifest and checkpoint say now; ``stamps`` key the cache to their versions."""
    try:
        manifest = zoo.read_manifest(folder)
    except zoo.CheckpointError as err:
        return model_card.Card(f"About this model: {name}",
                               (f"No manifest to read: {err}, so nothing says which model this is "
                                "or how good it is.",))
    return model_card.card(name, manifest, dataset, zoo.verify(name, dataset, folder))


def status(name: str, dataset: str) -> str | None:
    """What this server is doing about a checkpoint it could not use (None if nothing)."""
    job = background.job(name, dataset)
    if job is None:
        return None
    if job.state in ("queued", "training"):
        return "A fresh model is training in the background (the panel above); this card follows it once it is saved."
    if job.state == "failed":
        return f"Training a fresh model failed ({job.error}): the page has no model to show."
    if job.model is not None:
        return "A fresh model was trained in this server's memory (the folder would not take it): it has no record."
    return None


@st.fragment
def show(name: str, dataset: str = BUNDLED) -> None:
    """A closed expander naming the model, its data and split, its training and its held-out scores; a fragment
    of its own, so opening it redraws only the card."""
    folder = zoo.models_dir()
    about = card(name, dataset, str(folder), (zoo.file_stamp(folder / zoo.MANIFEST), zoo.file_stamp(folder / f"{name}-{dataset}.pt")))
    box = opened(about.title, key=f"_card.{name}.{dataset}", icon=":material/info:")
    if box is None:
        return
    said = status(name, dataset)
    lines = about.lines if said is None else (about.lines[0], said, *about.lines[1:])  # after why, what now
    box.markdown("\n".join(f"- {line}" for line in lines))
