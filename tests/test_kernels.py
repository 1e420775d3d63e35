"""Tensors and kernels, the maths: feature maps and the step-by-step window against torch's conv2d,
presets that do what their names say, messages for bad typed weights, and the indexing text."""

import re

import pytest
import torch
import torch.nn.functional as F

from explorer import kernels as K
from explorer import zoo
from explorer.data import digits


@pytest.fixture(scope="module")
def images():
    return digits("mnist-5k", "test")[0]  # (1000, 1, 28, 28)


@pytest.fixture(scope="module")
def net():
    return zoo.load("classifier")


def conv(image, kernel, bias=0.0):
    """torch's own convolution of one (28, 28) image with one 3×3 kernel, padding 1, as the classifier does."""
    return F.conv2d(image.reshape(1, 1, 28, 28), kernel.reshape(1, 1, 3, 3), torch.tensor([float(bias)]), padding=1)[0, 0]


def test_trained_kernels_feature_maps_equal_conv2d(images, net):
    weights, biases = K.first_layer(net)
    assert weights.shape == (16, 3, 3) and biases.shape == (16,)
    layer = net.net[0]
    for index in (0, 123, 700, 999):
        whole = F.conv2d(images[index:index + 1], layer.weight, layer.bias, padding=1)[0]  # the net's own layer
        for k in range(16):
            mine = K.feature_map(images[index, 0], weights[k], float(biases[k]))
            assert mine.shape == (28, 28)
            assert torch.allclose(mine, whole[k], atol=1e-6, rtol=0)


def test_any_kernel_on_any_image_equals_conv2d():
    g = torch.Generator().manual_seed(0)
    for _ in range(20):
        image, kernel = torch.rand(28, 28, generator=g), (torch.rand(3, 3, generator=g) - 0.5) * 20
        bias = float(torch.randn(1, generator=g))
        assert torch.allclose(K.feature_map(image, kernel, bias), conv(image, kernel, bias), atol=1e-5, rtol=1e-6)


def test_the_window_sum_is_the_feature_map_pixel_at_every_position(images, net):
    weights, biases = K.first_layer(net)
    image = images[700, 0]
    for kernel, bias in ((weights[11], float(biases[11])), (K.parse_kernel(K.PRESETS["sharpen"]), 0.0)):
        fmap = conv(image, kernel, bias)
        for r in range(28):
            for c in range(28):
                w = K.window(image, kernel, r, c, bias)
                assert torch.equal(w.products, w.pixels * w.weights)
                assert w.total == pytest.approx(float(w.products.sum()), abs=1e-12)
                assert w.output == pytest.approx(float(fmap[r, c]), abs=1e-6)


def test_the_window_sees_zero_padding_at_the_edges_and_the_image_inside():
    image = torch.arange(784, dtype=torch.float32).reshape(28, 28) / 784
    corner = K.window(image, torch.ones(3, 3), 0, 0)
    assert corner.pixels[0].tolist() == [0, 0, 0] and corner.pixels[:, 0].tolist() == [0, 0, 0]
    assert torch.allclose(corner.pixels[1:, 1:], image[:2, :2].double())
    inside = K.window(image, torch.ones(3, 3), 14, 9)
    assert torch.allclose(inside.pixels, image[13:16, 8:11].double())
    with pytest.raises(IndexError):
        K.window(image, torch.ones(3, 3), 28, 0)


def test_presets_do_what_their_names_say(images):
    kernels = {name: K.parse_kernel(cells) for name, cells in K.PRESETS.items()}
    digit = images[700, 0]
    assert torch.allclose(K.feature_map(digit, kernels["identity"]), digit)
    flat = torch.full((28, 28), 0.5)
    inner = (slice(1, -1), slice(1, -1))  # away from the zero padding
    for name in ("identity", "blur", "sharpen"):  # weights adding up to 1 keep a flat image flat
        assert float(kernels[name].sum()) == pytest.approx(1.0)
        assert torch.allclose(K.feature_map(flat, kernels[name])[inner], flat[inner])
    blurred = K.feature_map(digit, kernels["blur"])
    assert blurred.max() < digit.max() and (blurred > 0).sum() > (digit > 0).sum()  # softer and wider
    step_right = torch.zeros(28, 28)
    step_right[:, 14:] = 1.0  # dark on the left, bright on the right: one vertical edge
    step_down = step_right.T.contiguous()  # dark above, bright below: one horizontal edge
    vertical = K.feature_map(step_right, kernels["vertical edge"])
    horizontal = K.feature_map(step_down, kernels["horizontal edge"])
    assert vertical[inner].abs().sum(dim=0).nonzero().flatten().tolist() == [12, 13]  # only the columns at the step
    assert horizontal[inner].abs().sum(dim=1).nonzero().flatten().tolist() == [12, 13]  # only the rows at the step
    assert float(vertical[10, 13]) == 4.0 and float(horizontal[13, 10]) == 4.0
    assert torch.all(K.feature_map(step_down, kernels["vertical edge"])[inner] == 0)  # blind to the other direction
    assert torch.all(K.feature_map(step_right, kernels["horizontal edge"])[inner] == 0)


@pytest.mark.parametrize("text, value", [
    ("0", 0.0), ("1", 1.0), ("-1", -1.0), (" 2 ", 2.0), ("0.25", 0.25), (".5", 0.5), ("-.5", -0.5), ("5.", 5.0),
    ("1/16", 0.0625), ("-2/8", -0.25), ("2e-1", 0.2), ("\u22121", -1.0), ("0,5", 0.5), ("10", 10.0), ("-10", -10.0),
])
def test_good_entries_parse(text, value):
    assert K.parse_weight(text) == pytest.approx(value)


@pytest.mark.parametrize("text, says", [
    ("abc", "'abc' is not a number"), ("1.2.3", "is not a number"), ("nan", "is not a number"),
    ("inf", "is not a number"), ("0x10", "is not a number"), ("1/2/3", "is not a number"), ("2*3", "is not a number"),
    ("exec('1')", "is not a number"), ("", "is empty"), ("   ", "is empty"), ("11", "outside the range -10 to 10"),
    ("-10.5", "outside the range -10 to 10"), ("1e999", "outside the range"), ("50/2", "outside the range"),
    ("1/0", "divides by zero"), ("1" * 13, "longer than 12 characters"),
])
def test_bad_entries_get_a_message_saying_why(text, says):
    with pytest.raises(ValueError, match=re.escape(says)):
        K.parse_weight(text)


def test_every_bad_cell_is_named():
    cells = list(K.PRESETS["identity"])
    cells[1], cells[5], cells[8] = "x", "99", ""
    with pytest.raises(K.KernelError) as err:
        K.parse_kernel(cells)
    assert err.value.problems == [
        "Kernel row 1, column 2: 'x' is not a number (write e.g. 0.25, -1 or 1/16).",
        "Kernel row 2, column 3: 99 is outside the range -10 to 10.",
        "Kernel row 3, column 3: is empty: type a number such as 0, 1 or -0.5.",
    ]
    with pytest.raises(K.KernelError, match="needs 9 entries"):
        K.parse_kernel(["1"] * 8)
    assert K.parse_kernel(K.PRESETS["sharpen"]).tolist() == [[0, -1, 0], [-1, 5, -1], [0, -1, 0]]


def test_views_pick_the_same_number_through_4_3_2_and_1_d(images):
    x = images[K.batch_indices(700)]  # (4, 1, 28, 28)
    vs = K.views(x, 2, 14, 9)
    assert [v.dims for v in vs] == [4, 3, 2, 1]
    assert [v.shape for v in vs] == [(4, 1, 28, 28), (4, 28, 28), (28, 28), (28,)]
    assert [v.code for v in vs] == ["x[2, 0, 14, 9]", "batch[2, 14, 9]", "digit[14, 9]", "row[9]"]
    assert [v.made for v in vs[1:]] == ["x[:, 0]", "x[2, 0]", "x[2, 0, 14]"]
    for n, r, c in ((2, 14, 16), (0, 0, 0), (3, 27, 27), (1, 10, 12)):
        vs = K.views(x, n, r, c)
        assert all(v.value == float(x[n, 0, r, c]) for v in vs)
        # the code's indices, read back from the text, pick that number out of the real tensors
        sliced = {"x": x, "batch": x[:, 0], "digit": x[n, 0], "row": x[n, 0, r]}
        for v in vs:
            name, idx = re.fullmatch(r"(\w+)\[([\d, ]+)\]", v.code).groups()
            assert float(sliced[name][tuple(int(i) for i in idx.split(","))]) == v.value
    with pytest.raises(IndexError):
        K.views(x, 4, 0, 0)


def test_index_code_lists_shapes_and_the_picked_number(images):
    x = images[K.batch_indices(700)]
    text = K.index_code(K.views(x, 2, 14, 16))
    lines = text.splitlines()
    assert lines[0].startswith("x.shape") and "(4, 1, 28, 28)  4-D" in lines[0]
    assert "row = x[2, 0, 14]" in text and "(28,)  1-D" in text
    value = f"{float(x[2, 0, 14, 16]):.4f}"
    assert value != "0.0000"
    assert [line.split("#")[1].strip() for line in lines[4:]] == [value] * 4
    assert len({line.index("#") for line in lines}) == 1  # the comments line up


def test_batch_holds_one_digit_of_four_classes():
    _, labels = digits("mnist-5k", "test")
    idx = K.batch_indices(700)
    assert idx[0] == 700 and len(set(labels[idx].tolist())) == 4
    assert K.batch_indices(950) == [950, 50, 150, 250]  # wraps round the 1,000 test digits


def test_layers_are_the_classifiers_own_steps(images, net):
    x = images[250:251]
    seen = K.layers(net, x[0])
    layer1 = net.net[0]
    assert torch.allclose(seen.conv1, torch.relu(F.conv2d(x, layer1.weight, layer1.bias, padding=1))[0], atol=1e-6)
    assert seen.conv1.shape == (16, 28, 28) and seen.conv2.shape == (32, 14, 14)
    assert float(seen.conv2.min()) >= 0  # after ReLU
    with torch.inference_mode():
        logits = net(x)[0]
    assert torch.allclose(seen.logits, logits, atol=1e-6)
    assert torch.allclose(seen.probs, torch.softmax(logits, 0), atol=1e-7)
    assert float(seen.probs.sum()) == pytest.approx(1.0)


def test_first_layer_hands_out_copies(net):
    weights, biases = K.first_layer(net)
    weights += 1.0
    biases += 1.0
    assert not torch.allclose(K.first_layer(net)[0], weights)
