"""The join link's QR code: whole-pixel modules, as wide as asked or a little less, and the link's own code."""

import re

import pytest
import segno

from explorer.lessons.qr import BORDER, join_qr_svg

LINK = "http://192.168.1.20:8501/lessons?class=K7MQ2P"


@pytest.mark.parametrize("px", [240, 300])
def test_the_code_is_whole_pixels_and_about_as_wide_as_asked(px):
    svg = join_qr_svg(LINK, px)
    side = segno.make(LINK, error="m").symbol_size(scale=1, border=BORDER)[0]  # modules across, quiet zone too
    width = int(re.search(r'width="(\d+)"', svg).group(1))
    assert width % side == 0 and px - side < width <= px  # the largest whole scale that fits


def test_another_class_gets_another_code():
    assert join_qr_svg(LINK, 300) != join_qr_svg(LINK.replace("K7MQ2P", "K7MQ2Q"), 300)
