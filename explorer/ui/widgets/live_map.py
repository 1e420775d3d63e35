"""The live latent map: the VAE decoder runs in the browser, so the digit follows the hand.

Built on Streamlit's Components v2 (``st.components.v2.component``: no iframe; the JS module's
default export gets ``parentElement``, ``data``, ``setStateValue``, ``setTriggerValue``).
Three mounts share one JS module: ``explorer.live_map_weights`` carries the decoder export as JSON bytes (a
few MB: sent on the session's first run only, later runs send its id, and the browser asks
again through the ``missing`` trigger if it lacks it), ``explorer.live_map`` carries the
small per-run data (extent, z, the server's picture of z, overlays, sizes), and
``explorer.live_map_overlays`` (:func:`show_overlays`) carries what a part of the page below the map draws on
it: a fragment there reruns alone and the map redraws in the browser. The codes (1,000 points and
their labels) go the same way as the weights: once per browser page, then only their id.
Hovering, dragging, the z₁/z₂ range inputs and the arrow keys redraw in the browser and never
rerun the script; a release (click, end of a drag, a range's ``change``, Enter) sends z back as
the ``pick`` trigger, whose callback runs ``on_pick`` before the script, like a widget's ``on_change``.
If the decoder cannot be exported, the map still works: each pick shows the server's picture.
"""

from __future__ import annotations

import base64
import hashlib
import json
import weakref
from collections.abc import Callable, Sequence
from importlib import resources

import numpy as np
import streamlit as st
from torch import nn

from explorer import latent
from explorer.decoder_export import decoder_weights
from explorer.figures.style import PALETTE, sizes

STAR = "#FFFFFF"  # the point z: a white star with a dark outline


def _asset(name: str) -> str:
    return resources.files(__package__).joinpath(name).read_text(encoding="utf-8")


# three plain files joined into one ES module: no bundler, nothing fetched at install or run time
_JS = "\n".join(_asset(name) for name in ("live_decoder.js", "live_draw.js", "ask_again.js", "live_map.js"))
_MAP = st.components.v2.component("explorer.live_map", css=_asset("live_map.css"), js=_JS)
_WEIGHTS = st.components.v2.component("explorer.live_map_weights", js=_JS, isolate_styles=False)
_OVERLAYS = st.components.v2.component("explorer.live_map_overlays", js=_JS, isolate_styles=False)
_EXPORTS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # model -> its export and JSON, built once


def _export(vae: nn.Module) -> tuple[dict, bytes]:
    """The decoder export of this model object and its JSON as bytes, built once (models come from
    st.cache_resource, so it lives on). Sent as bytes, the few MB go out as they are: a dict would be
    JSON-encoded twice for every session that opens the page."""
    if vae not in _EXPORTS:
        export = decoder_weights(vae)
        _EXPORTS[vae] = export, json.dumps(export).encode()
    return _EXPORTS[vae]


def _extent(extent) -> list[float]:
    """(z1_lo, z1_hi, z2_lo, z2_hi), or a half-width R meaning the square [-R, R]²."""
    if np.ndim(extent) == 0:
        return [-float(extent), float(extent), -float(extent), float(extent)]
    lo1, hi1, lo2, hi2 = (float(v) for v in extent)
    return [lo1, hi1, lo2, hi2]


def picture(vae: nn.Module, z, img: np.ndarray | None = None) -> str | None:
    """The server's picture of z (``img``, or decoded here) as base64 bytes of 28·28 grey levels:
    shown before the browser's decoder is ready, and instead of it where the browser cannot run it."""
    if z is None:
        return None
    if img is None:
        try:
            img = latent.decode(vae, np.asarray(z, dtype=np.float32)[:2])  # (28, 28) in [0, 1]
        except RuntimeError:  # a decoder that does not take two numbers: the map has nothing to show
            return None
    return base64.b64encode(np.round(np.asarray(img) * 255).astype(np.uint8).tobytes()).decode("ascii")


def codes_id(mu, labels) -> str:
    """A short id of the codes and labels (their bytes' hash): the browser keeps codes it was sent under it."""
    mu, labels = np.ascontiguousarray(mu, dtype=np.float64)[:, :2], np.ascontiguousarray(labels, dtype=np.int64)
    return hashlib.blake2b(mu.tobytes() + labels.tobytes(), digest_size=8).hexdigest()


def map_data(export_id: str | None, mu, labels, z, extent, classroom: bool, target: str,
             overlays: Sequence[dict] = (), image: str | None = None, codes_held: str | None = None) -> dict:
    """The JSON the map mount receives: the codes' id and, unless the browser holds them (``codes_held``,
    their id), the codes rounded to 4 decimals and their labels; palette, sizes, overlays
    (``explorer.figures.latent.path_overlay`` / ``point_overlay``) and the server's picture of z."""
    mu = np.asarray(mu, dtype=np.float64)[:, :2]  # (N, 2)
    ident = codes_id(mu, labels)
    codes = {} if ident == codes_held else {"points": np.round(mu, 4).ravel().tolist(),  # z1, z2, z1, z2, ...
                                             "labels": np.asarray(labels, dtype=np.int64).tolist()}
    return {
        "decoder_id": export_id,
        "codes_id": ident,
        **codes,
        "palette": list(PALETTE),
        "star": STAR,  # the mark at z (the captions name its colour)
        "sizes": dict(sizes(classroom)),
        "extent": _extent(extent),
        "z": None if z is None else [round(float(z[0]), 4), round(float(z[1]), 4)],
        "overlays": list(overlays),
        "image": image,
        "target": target,
    }


def show(vae: nn.Module, mu, labels, z, extent, classroom: bool, on_pick: Callable[[float, float], None],
         key: str = "latent.live", overlays: Sequence[dict] = (), image: np.ndarray | None = None
         ) -> tuple[float, float] | None:
    """Draw the live map of the codes ``mu`` (N, 2) coloured by ``labels``, the decoded digit and the
    z₁/z₂ range inputs beside it, and ``overlays`` on top.

    Hovering, dragging, the ranges and the arrow keys decode in the browser (no rerun); a release
    calls ``on_pick(z1, z2)`` before the script reruns, and this run returns that z (otherwise None).
    ``extent`` is (z1_lo, z1_hi, z2_lo, z2_hi) or a half-width R; ``z`` (or None) is the white star;
    ``image`` is the decoder's picture of z (28, 28) if the caller has it cached, else it is decoded here.
    """
    def deliver() -> None:
        picked = st.session_state[key].get("pick")
        if picked:
            on_pick(float(picked[0]), float(picked[1]))

    sent = f"{key}.decoder_sent"  # the export id this browser page already holds
    codes_sent = f"{key}.codes_sent"  # and the codes' id

    def resend() -> None:  # this page never got the weights (e.g. a run cut short): send them again
        st.session_state.pop(sent, None)

    def resend_codes() -> None:
        st.session_state.pop(codes_sent, None)

    try:
        export, export_json = _export(vae)
        if export["latent"] != 2:
            raise ValueError(f"it has {export['latent']} latent variables, the map shows 2")
    except ValueError as err:  # e.g. a decoder layer the browser cannot run: the server draws each pick
        st.info(f"Decoding in your browser is not available for this model ({err}): the digit appears "
                "when you let go of a point, drawn by the server.")
        export = None
    with st.container(gap=None):  # the weights mount is 0 px tall: no gap above the map
        if export is not None:
            fresh = st.session_state.get(sent) != export["id"]
            st.session_state[sent] = export["id"]
            _WEIGHTS(data=export_json if fresh else {"id": export["id"]}, key=f"{key}.weights",
                     on_missing_change=resend)
        data = map_data(export and export["id"], mu, labels, z, extent, classroom, key, overlays,
                        picture(vae, z, image), codes_held=st.session_state.get(codes_sent))
        st.session_state[codes_sent] = data["codes_id"]
        result = _MAP(data=data, key=key, on_pick_change=deliver, on_missing_change=resend_codes)
    picked = result.get("pick")
    return (float(picked[0]), float(picked[1])) if picked else None


def show_overlays(overlays: Sequence[dict], key: str = "latent.live") -> None:
    """Draw ``overlays`` (``explorer.figures.latent.path_overlay`` / ``point_overlay``) on the live map of ``key``
    from anywhere on the page, after the map's own: a 0-px mount, so a fragment that holds it changes what the map
    shows without rerunning the map. A view with nothing to draw sends an empty list, which clears the last one's."""
    _OVERLAYS(data={"overlays_for": key, "overlays": list(overlays)}, key=f"{key}.overlays")
