"""The palette: the same ten colours in style.py and Streamlit's config, each seen on both themes.

Colour-vision deficiency is simulated with Machado et al. (2009) at full severity; distances
are CIELAB ΔE*ab between the simulated colours, the smallest over normal and the three types.
"""

import tomllib

import numpy as np
import pytest

from explorer import ROOT
from explorer.figures.style import PALETTE

LIGHT_BG, DARK_BG = "#FFFFFF", "#171614"  # Streamlit 1.67's two backgrounds, as measured in Chromium
MACHADO = {
    "none": np.eye(3),
    "protan": np.array([[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]]),
    "deutan": np.array([[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.011820, 0.042940, 0.968881]]),
    "tritan": np.array([[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602], [0.004733, 0.691367, 0.303900]]),
}


def linear(hex_colour: str) -> np.ndarray:
    c = np.array([int(hex_colour[i:i + 2], 16) for i in (1, 3, 5)]) / 255
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two colours."""
    la, lb = sorted(float(linear(h) @ [0.2126, 0.7152, 0.0722]) for h in (a, b))
    return (lb + 0.05) / (la + 0.05)


def lab(rgb: np.ndarray) -> np.ndarray:
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]) @ np.clip(rgb, 0, 1)
    f = np.cbrt(xyz / [0.9505, 1.0, 1.089])
    f = np.where(xyz / [0.9505, 1.0, 1.089] > 0.008856, f, 7.787 * xyz / [0.9505, 1.0, 1.089] + 16 / 116)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def distance(a: str, b: str) -> float:
    """The smallest ΔE between two colours as seen with normal vision and each simulated deficiency."""
    return min(float(np.linalg.norm(lab(m @ linear(a)) - lab(m @ linear(b)))) for m in MACHADO.values())


def test_streamlit_config_uses_the_same_palette():
    config = tomllib.loads((ROOT / ".streamlit/config.toml").read_text())
    assert [c.upper() for c in config["theme"]["chartCategoricalColors"]] == [c.upper() for c in PALETTE]


def test_the_theme_follows_the_browser():
    theme = tomllib.loads((ROOT / ".streamlit/config.toml").read_text())["theme"]
    assert "base" not in theme and "light" in theme and "dark" in theme  # both defined: System / Light / Dark


@pytest.mark.parametrize("k", [7, 9])
def test_replaced_classes_show_on_both_backgrounds(k):
    # WCAG 1.4.11: graphics need 3:1 against what is next to them
    assert contrast(PALETTE[k], LIGHT_BG) >= 3.0 and contrast(PALETTE[k], DARK_BG) >= 3.0


def test_no_class_is_black_or_white():
    assert not {"#000000", "#FFFFFF"} & {c.upper() for c in PALETTE}


def test_classes_stay_apart_under_colour_vision_deficiency():
    pairs = [(PALETTE[i], PALETTE[j]) for i in range(10) for j in range(i + 1, 10)]
    nearest = min(distance(a, b) for a, b in pairs)
    # Okabe–Ito's own closest pair here (reddish purple and grey) is 7.1; black was 30 from all
    assert nearest >= 7.0, nearest
    for k in (7, 9):
        assert min(distance(PALETTE[k], c) for c in PALETTE if c != PALETTE[k]) >= 15.0


def test_distance_sees_a_deficiency():
    # red and green differ a lot to the eye and little to a deuteranope: the simulation must catch it
    assert distance("#D55E00", "#009E73") < 0.5 * float(np.linalg.norm(lab(linear("#D55E00")) - lab(linear("#009E73"))))
