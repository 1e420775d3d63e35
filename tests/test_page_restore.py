"""Denoise/inpaint page (AppTest): renders, controls change the pictures, extremes, URL state, classroom."""

import base64
import io
import json

import numpy as np
import pytest
from apps import app_test, numbers, pictures
from PIL import Image

from explorer.ui.canvas import decode_upload, to_mnist

PAGE = "pages/restore.py"


def images(at) -> dict[str, str]:
    """Caption -> URL of every picture in the row: its own pixels as a PNG data URL."""
    return {caption: src for caption, (src, _) in pictures(at).items()}


def metrics(at) -> dict[str, str]:
    return {label: value for label, (value, _) in numbers(at).items()}


def figure(at) -> dict:
    return json.loads(at.get("plotly_chart")[0].proto.spec)


def png_data_url(rgba: np.ndarray) -> str:
    buf = io.BytesIO()
    Image.fromarray(rgba).save(buf, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()


def stroke(width: int = 22) -> np.ndarray:
    """A canvas (280, 280, 4) with one white vertical bar, as the browser component sends it."""
    rgba = np.zeros((280, 280, 4), np.uint8)
    rgba[60:220, 140 - width // 2:140 + width // 2] = 255
    return rgba


@pytest.fixture
def at():
    return app_test(PAGE).run()


@pytest.fixture
def inpaint(at):
    at.session_state["restore.mode"] = "Inpaint"
    return at.run()


def test_renders_the_denoise_tab(at):
    assert not at.exception
    assert at.title[0].value == "Denoise and inpaint"
    assert list(images(at)) == ["clean: test digit 5 #0", "noisy", "network's output", "error map"]
    alts = [alt for _, alt in pictures(at).values()]  # what a screen reader says for each picture
    assert len(set(alts)) == 4 and all(len(alt) > 20 for alt in alts), alts
    values = metrics(at)
    assert all(v.endswith(" dB") for v in values.values())
    # the network gains on the noisy input, and the gain is printed under its PSNR
    net = numbers(at)["PSNR of the network"][1]
    gain = float(values["PSNR of the network"][:-3]) - float(values["PSNR of the noisy input"][:-3])
    assert net.endswith(" dB") and abs(float(net[:-3]) - gain) <= 0.11  # values shown rounded
    assert len(figure(at)["data"]) == 4  # network, filter, noisy, and the current-level markers
    captions = sum(h.proto.body.count('class="explorer-caption"') for h in at.get("html"))
    assert captions >= 3  # the pictures', the numbers' and the curve's


def test_noise_slider_changes_noisy_and_denoised_images(at):
    before = images(at)
    at.slider(key="restore.noise").set_value(0.8).run()
    after = images(at)
    assert not at.exception
    assert after["clean: test digit 5 #0"] == before["clean: test digit 5 #0"]
    for name in ("noisy", "network's output", "error map"):
        assert after[name] != before[name]
    assert figure(at)["layout"]["shapes"][0]["x0"] == 0.8  # the marker line follows the slider


def test_same_seed_same_noise_and_new_noise_button(at):
    first = images(at)["noisy"]
    at.button(key="restore.new_noise").click().run()
    assert at.number_input(key="restore.seed").value == 1
    assert images(at)["noisy"] != first
    at.number_input(key="restore.seed").set_value(0).run()
    assert images(at)["noisy"] == first


def test_salt_and_pepper_and_class_change(at):
    at.radio(key="restore.kind").set_value("salt-and-pepper").run()
    assert not at.exception
    # salt and pepper: the median filter wins
    assert any("The filter is median" in h.proto.body for h in at.get("html"))
    at.slider(key="restore.digit").set_value(3).run()
    assert "clean: test digit 3 #0" in images(at)


@pytest.mark.parametrize("kind", ["gaussian", "salt-and-pepper"])
def test_zero_and_maximum_noise_raise_nothing(at, kind):
    at.radio(key="restore.kind").set_value(kind)
    at.slider(key="restore.noise").set_value(0.0).run()
    assert not at.exception
    assert numbers(at)["PSNR of the noisy input"] == ("∞", "identical")  # not a crash, not "inf dB"
    at.slider(key="restore.noise").set_value(1.0).run()
    assert not at.exception
    assert "∞" not in metrics(at)["PSNR of the noisy input"]


def test_mask_sliders_change_the_masked_image(inpaint):
    at = inpaint
    at.selectbox(key="restore.mask").set_value("rectangle").run()
    before = images(at)["with the hole (blue)"]
    at.slider(key="restore.top").set_value(2).run()
    assert images(at)["with the hole (blue)"] != before
    at.slider(key="restore.width").set_value(20).run()
    assert metrics(at)["Hidden pixels"] == "240 of 784"  # 12 rows × 20 columns


@pytest.mark.parametrize("shape", ["rectangle", "horizontal stripe", "vertical stripe", "half",
                                   "random pixels", "centre hole", "draw it"])
def test_each_mask_shape_renders(inpaint, shape):
    at = inpaint
    at.selectbox(key="restore.mask").set_value(shape).run()
    assert not at.exception
    assert len(images(at)) == 4


def test_mask_covering_everything_and_nothing(inpaint):
    at = inpaint
    at.selectbox(key="restore.mask").set_value("rectangle").run()
    for key, value in (("restore.top", 0), ("restore.left", 0), ("restore.height", 28), ("restore.width", 28)):
        at.slider(key=key).set_value(value)
    at.run()
    assert not at.exception
    assert metrics(at)["Hidden pixels"] == "784 of 784"
    at.selectbox(key="restore.mask").set_value("random pixels").run()
    at.slider(key="restore.fraction").set_value(0.0).run()
    assert not at.exception
    assert metrics(at)["Hole MSE: network"] == "no hole"


def test_centre_hole_scores_network_and_mean_fill(inpaint):
    values = metrics(inpaint)
    assert values["Hidden pixels"] == "144 of 784"
    assert float(values["Hole MSE: network"]) >= 0
    assert float(values["Hole MSE: mean-fill"]) > 0


def test_url_round_trip():
    at = app_test(PAGE)
    at.query_params.update({"restore.noise": "0.3", "restore.kind": "salt-and-pepper", "restore.digit": "7",
                            "restore.seed": "42"})
    at.run()
    assert not at.exception
    assert at.slider(key="restore.noise").value == pytest.approx(0.3)
    assert at.radio(key="restore.kind").value == "salt-and-pepper"
    assert at.slider(key="restore.digit").value == 7
    assert at.number_input(key="restore.seed").value == 42
    at.slider(key="restore.index").set_value(9).run()
    assert at.query_params["restore.index"] == ["9"] or at.query_params["restore.index"] == "9"
    at.session_state["restore.mode"] = "Inpaint"
    at.run()
    at.selectbox(key="restore.mask").set_value("half").run()
    assert "half" in str(at.query_params["restore.mask"])


def test_bad_url_values_are_ignored():
    at = app_test(PAGE)
    at.query_params.update({"restore.noise": "banana", "restore.mask": "<script>", "restore.digit": "99"})
    at.run()
    assert not at.exception
    assert at.slider(key="restore.noise").value == 0.5
    assert at.slider(key="restore.digit").value == 9  # clipped into range


def test_classroom_mode_makes_fonts_and_digits_bigger():
    normal = app_test(PAGE).run()
    big = app_test(PAGE)
    big.session_state["classroom"] = True
    big.run()
    small_fig, big_fig = figure(normal)["layout"], figure(big)["layout"]
    assert big_fig["font"]["size"] > small_fig["font"]["size"]
    assert big_fig["xaxis"]["tickfont"]["size"] > small_fig["xaxis"]["tickfont"]["size"]
    # the same pixels in both modes: the browser shows them larger (tests/e2e/test_restore_e2e.py)
    assert images(big) == images(normal)


def test_a_drawn_digit_is_restored():
    at = app_test(PAGE)
    at.session_state["restore.source"] = "draw"
    at.run()
    assert not at.exception
    assert "clean: test digit 5 #0" in images(at)  # nothing drawn yet: the test digit meanwhile
    at.session_state["restore.canvas"] = {"drawing": {"raw": {"objects": []}, "data": png_data_url(stroke())}}
    at.run()
    assert not at.exception
    assert "clean: your digit" in images(at)


def test_a_painted_mask_hides_those_pixels(inpaint):
    at = inpaint
    at.selectbox(key="restore.mask").set_value("draw it").run()
    assert metrics(at)["Hidden pixels"] == "0 of 784"
    painted = stroke(width=40)  # a 4-pixel-wide bar over rows 6..21
    at.session_state["restore.mask_canvas"] = {"drawing": {"raw": {"objects": []}, "data": png_data_url(painted)}}
    at.run()
    assert not at.exception
    assert metrics(at)["Hidden pixels"] == f"{16 * 4} of 784"


def test_upload_a_picture_and_reject_bad_files():
    at = app_test(PAGE)
    at.session_state["restore.source"] = "upload"
    at.run()
    photo = np.full((120, 90), 240, np.uint8)  # dark ink on light paper, like a photo of a page
    photo[20:100, 40:52] = 20
    buf = io.BytesIO()
    Image.fromarray(photo).save(buf, format="JPEG")
    at.file_uploader[0].set_value(("one.jpg", buf.getvalue(), "image/jpeg")).run()
    assert not at.exception
    assert "clean: your digit" in images(at)
    at.file_uploader[0].set_value(("fake.png", b"not a picture at all", "image/png")).run()
    assert not at.exception
    assert "not a picture" in at.error[0].value


def test_to_mnist_frames_a_drawing_like_mnist():
    ink = np.zeros((280, 280), np.float32)
    ink[30:250, 200:240] = 1.0  # a tall bar far to the right
    digit = to_mnist(ink)
    rows = np.nonzero(digit > 0.05)[0]
    assert rows.max() - rows.min() + 1 <= 21  # the long side scaled to 20 px (+1 for resampling)
    r = np.arange(28)
    assert abs((digit.sum(1) @ r) / digit.sum() - 14) <= 0.5  # centre of mass in the middle
    assert abs((digit.sum(0) @ r) / digit.sum() - 14) <= 0.5
    assert to_mnist(np.zeros((280, 280), np.float32)) is None


def test_decode_upload_checks_size_type_and_polarity():
    with pytest.raises(ValueError, match="1 MB"):
        decode_upload(b"\x89PNG" + bytes(1_000_001))
    buf = io.BytesIO()
    Image.new("L", (10, 10), 200).save(buf, format="GIF")
    with pytest.raises(ValueError, match="PNG or JPEG"):
        decode_upload(buf.getvalue())
    buf = io.BytesIO()
    Image.new("L", (10, 10), 255).save(buf, format="PNG")  # white paper: flipped to black
    assert decode_upload(buf.getvalue()).max() == 0


def test_the_numbers_say_a_loss_as_plainly_as_a_gain():
    """A filter worse than the noisy input shows its change with a minus sign and a down arrow; labels are text."""
    from explorer.ui.restore.view import _numbers, psnr_number

    worse, better = psnr_number("PSNR of <b>x</b>", 10.0, 12.0), psnr_number("PSNR of y", 14.0, 12.0)
    assert (worse.value, worse.change) == ("10.0 dB", "-2.0 dB") and better.change == "+2.0 dB"
    body = _numbers([worse, better])
    assert "&lt;b&gt;x&lt;/b&gt;" in body and "<b>x</b>" not in body
    assert body.index("explorer-down") < body.index("-2.0 dB") < body.index("explorer-up") < body.index("+2.0 dB")
    assert psnr_number("first", 20.0).change is None and psnr_number("same", float("inf"), 9.0).change == "identical"
