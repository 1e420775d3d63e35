"""The latent page's sections below the map, in one table: name -> what it shows and adds to the map."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import streamlit as st

from explorer.ui.latent import compare, sections
from explorer.ui.latent.sections import Ctx


@dataclass(frozen=True)
class Section:
    """One tab under the map: its view, what it draws on the live map above, whether it draws z."""

    show: Callable[[Ctx], None]
    overlay: Callable[[Ctx], list[dict]] | None = None  # live-map overlays: explorer.figures.latent.*_overlay
    draws_z: bool = False  # then a move of z reruns the whole page, not only the map fragment


MENU = {
    "Manifold": Section(sections.manifold),
    "Interpolate": Section(sections.interpolate, sections.interpolate_overlay),
    "Sampling": Section(sections.sampling, sections.chosen_overlay),
    "Encode": Section(sections.encode, sections.chosen_overlay),
    "AE vs VAE": Section(compare.ae_vs_vae, draws_z=True),
    "More latents": Section(compare.more_latents),
}


def follows_z(name: str) -> bool:
    """Whether the section draws the point z (an interpolation between the last two picks does)."""
    return MENU[name].draws_z or (name == "Interpolate" and st.session_state["latent.path"] == "clicks")
