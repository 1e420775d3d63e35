"""Operator settings read from the environment: a value that is not a number is logged and the default used."""

from __future__ import annotations

import logging
import math
import os

_LOG = logging.getLogger(__name__)


def env_number(name: str, default: float, *, whole: bool = False, minimum: float = 0) -> float:
    """``name``'s value as a number (an int when ``whole``) of at least ``minimum``; unset or empty gives
    ``default``; anything else is logged as a warning and gives ``default`` (a typo never stops the server)."""
    text = os.environ.get(name, "").strip()
    if not text:
        return default
    try:
        value = int(text) if whole else float(text)
    except ValueError:
        value = None
    if value is None or not math.isfinite(value) or value < minimum:
        kind = "a whole number" if whole else "a number"
        _LOG.warning("%s=%r is not %s of at least %g: using %g", name, text, kind, minimum, default)
        return default
    return value
