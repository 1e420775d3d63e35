"""The "About this model" card beside a picture a model draws: a closed expander read from the manifest."""

from __future__ import annotations

import os

import streamlit as st

from explorer import model_card, zoo
from explorer.data import BUNDLED


def manifest_stamp() -> tuple:
    """The manifest file's mtime and size (empty if missing): a retrained model rewrites it."""
    try:
        info = os.stat(zoo.models_dir() / zoo.MANIFEST)
    except OSError:
        return ()
    return (info.st_mtime_ns, info.st_size)


@st.cache_data(show_spinner=False, max_entries=64)
def card(name: str, dataset: str, stamp: tuple) -> model_card.Card:
    """The card of ``name`` as the manifest says now; ``stamp`` keys the cache to the file's version."""
    try:
        manifest = zoo.read_manifest()
    except zoo.CheckpointError as err:
        return model_card.Card(f"About this model: {name}", (f"No manifest to read: {err}.",))
    return model_card.card(name, manifest, dataset)


def show(name: str, dataset: str = BUNDLED) -> None:
    """A closed expander naming the model, its data and split, its training and its held-out scores."""
    about = card(name, dataset, manifest_stamp())
    with st.expander(about.title, expanded=False, icon=":material/info:"):
        st.markdown("\n".join(f"- {line}" for line in about.lines))
