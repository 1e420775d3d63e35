"""A class's join link as a QR code: inline SVG with whole-pixel modules (segno, made here: no network)."""

import segno

BORDER = 2  # quiet-zone modules around the code


def join_qr_svg(link: str, px: int) -> str:
    """``link`` as a QR code (error correction M) about ``px`` wide, each module a whole number of pixels.
    SVG rather than PNG: segno writes PNG in pure Python, ~7× slower."""
    code = segno.make(link, error="m")
    scale = max(1, px // code.symbol_size(scale=1, border=BORDER)[0])
    return code.svg_inline(scale=scale, border=BORDER, dark="#000000", light="#ffffff")
