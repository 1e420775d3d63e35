"""The sections (tabs) of the tensors-and-kernels page; each reads its controls, computes, and shows."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st
import torch
from streamlit.errors import StreamlitPageNotFoundError
from torch import Tensor, nn

from explorer import ROOT, zoo
from explorer import kernels as K
from explorer.data import BUNDLED, digits
from explorer.figures import kernels as figs
from explorer.ui.tensors import own_kernel, window
from explorer.ui.tensors.choices import KERNELS, OWN
from explorer.ui.theme import caption

SOFTMAX_PAGE = "pages/softmax.py"


@dataclass(frozen=True)
class Ctx:
    """What every section needs: the chosen test digit, the classifier (None if unavailable), the mode."""

    index: int
    image: Tensor  # (28, 28) in [0, 1]
    label: int
    net: nn.Module | None
    big: bool


def context(index: int, net: nn.Module | None, big: bool) -> Ctx:
    images, labels = digits(BUNDLED, "test")
    return Ctx(index, images[index, 0], int(labels[index]), net, big)


def chart(fig, key: str) -> None:
    st.plotly_chart(fig, key=key, config=figs.STATIC)


def kernel_label(choice: str) -> str:
    return "your own kernel" if choice == OWN else f"trained kernel {choice}"


def pick_kernel(note: str) -> str:
    """The kernel control, shared by the kernels and the sliding-window sections (one of them runs per rerun)."""
    pick, text = st.columns([1, 2], vertical_alignment="bottom")
    text.markdown(note)
    return pick.selectbox("Kernel", KERNELS, key="tensors.kernel", format_func=kernel_label,
                          help="One of the classifier's 16 first-layer kernels, or the one you type in 'Your own kernel'.")


def chosen_kernel(ctx: Ctx, choice: str) -> tuple[Tensor, float] | None:
    """(kernel (3, 3), bias) for the choice, or None after saying why it cannot be had."""
    if choice == OWN:
        kernel, _ = own_kernel.typed()
        if kernel is None:
            st.warning("Your own kernel has entries that are not numbers in range: fix them in 'Your own kernel'.")
        return None if kernel is None else (kernel, 0.0)
    if ctx.net is None:
        st.info("The trained kernels need the classifier, which is not available; 'your own kernel' still works.")
        return None
    weights, biases = K.first_layer(ctx.net)
    k = int(choice)
    return weights[k], float(biases[k])


def tensors(ctx: Ctx) -> None:
    """A batch of digits as a 4-D tensor, and the same number reached through 3-, 2- and 1-D slices of it."""
    pictures = st.container()  # the digit above the sliders that pick in it: in a projector's first screen
    cols = st.columns(3)
    n = cols[0].slider("Batch element n", 0, K.BATCH - 1, key="tensors.n", help="Which digit of the batch x.")
    row = cols[1].slider("Row", 0, K.SIZE - 1, key="tensors.row", help="Which row of that digit (0 is the top).")
    col = cols[2].slider("Column", 0, K.SIZE - 1, key="tensors.col", help="Which column of that row (0 is the left).")
    images, _ = digits(BUNDLED, "test")
    x = images[K.batch_indices(ctx.index)]  # (4, 1, 28, 28)
    views = K.views(x, n, row, col)
    picked = views[0]
    # side by side on a laptop; stacked in classroom mode, where the crop's numbers need the full width
    with pictures:
        left, right = (st.container(), st.container()) if ctx.big else st.columns(2, gap="medium")
    with left:
        chart(figs.digit_and_crop(x[n, 0], row, col, "digit", ctx.big), "tensors.digit_chart")
        caption(f"2-D: digit = x[{n}, 0] is 28 rows of 28 numbers (0 white, 1 black); the orange square is "
                f"digit[{row}, {col}] = {picked.value:.4f}, shown with its neighbours' numbers on the right.")
    with right:
        st.code(K.index_code(views), language=None)  # plain: the highlighter's comment grey is 3.6:1
        caption(f"One number, four ways in: each slice drops one index, so the 4-D {picked.code} and the "
                f"1-D {views[-1].code} are the same {picked.value:.4f}.")
    left, right = st.columns(2, gap="medium")
    with left:
        chart(figs.row_bars(x[n, 0, row], col, "row", ctx.big), "tensors.row_chart")
        caption(f"1-D: row = x[{n}, 0, {row}] is one array of 28 numbers; bar {col} is the picked one.")
    with right:
        chart(figs.batch_pictures(x[:, 0], n, ctx.big), "tensors.batch_chart")
        caption(f"3-D: batch = x[:, 0] holds {K.BATCH} digits (x[0] is test digit {ctx.index}); the 4-D x adds "
                f"a channel axis of size 1, the shape {tuple(x.shape)} the network takes in.")


def kernels(ctx: Ctx) -> None:
    """The trained first-layer kernels as weights, and the picked one's feature map on the digit."""
    choice = pick_kernel("A kernel is a few **weights** the network learned; sliding it over the digit gives a "
                         "**feature map**.")
    if ctx.net is not None:
        weights, _ = K.first_layer(ctx.net)
        chart(figs.kernel_grid(weights, None if choice == OWN else int(choice), ctx.big, numbers=not ctx.big),
              "tensors.kernel_grid")
        numbers = "hover for its numbers; the picked one, framed, is written out below" if ctx.big else \
            "the picked one is framed in orange"
        caption(f"The classifier's {len(weights)} first-layer kernels: each is 3×3 weights it learned in training "
                f"(blue adds, red subtracts, white is 0); {numbers}.")
    picked = chosen_kernel(ctx, choice)
    if picked is None:
        return
    kernel, bias = picked
    fmap = K.feature_map(ctx.image, kernel, bias)
    a, b, c = st.columns([1, 1, 1.25], gap="small")
    with a:
        chart(figs.digit_picture(ctx.image, f"digit {ctx.index} (a {ctx.label})", ctx.big), "tensors.kernel_digit")
    with b:
        chart(figs.kernel_numbers(kernel, kernel_label(choice), ctx.big), "tensors.kernel_big")
    with c:
        chart(figs.feature_map(fmap, "feature map", ctx.big), "tensors.kernel_map")
    bias_text = f", then add the bias ({bias:+.3f})" if bias else ""
    caption(f"Slide the kernel over the digit, multiply and add{bias_text}: the feature map is blue where the "
            "digit matches the kernel's pattern and red where it is its opposite (0 is white).")


def sliding_window(ctx: Ctx) -> None:
    """The window moving over the digit: the nine products, their sum and the output pixel, played in the browser."""
    choice = pick_kernel("At each position: nine pixels × nine weights, added up, make **one** output pixel.")
    picked = chosen_kernel(ctx, choice)
    if picked is None:
        return
    kernel, bias = picked
    fmap = K.feature_map(ctx.image, kernel, bias)
    window.show(ctx.image, kernel, bias, fmap, kernel_label(choice), ctx.big)
    caption("Play or move the sliders (arrow keys work): each cell is one pixel under the window times the kernel's "
            "weight there; their sum" + (" plus the bias" if bias else "") + " is the orange output pixel.")


@st.cache_data(ttl=60, show_spinner=False)
def held_out_accuracy() -> float | None:
    """The classifier's accuracy on the 1,000 test digits, as the manifest records it (re-read each minute)."""
    try:
        entry = zoo.read_manifest()["models"].get(f"classifier-{BUNDLED}", {})
    except zoo.CheckpointError:
        return None
    value = entry.get("metrics", {}).get("accuracy")
    return float(value) if isinstance(value, (int, float)) else None


def layers(ctx: Ctx, kernel_choice: str) -> None:
    """The digit's feature maps after each conv layer, and the softmax output."""
    if ctx.net is None:
        st.info("This section needs the trained classifier, which is not available right now.")
        return
    seen = K.layers(ctx.net, ctx.image)
    guess = int(torch.argmax(seen.probs))
    accuracy = held_out_accuracy()
    a, b, c = st.columns(3)
    a.metric("True label", ctx.label)
    b.metric("The net says", guess, help=f"probability {float(seen.probs[guess]):.3f}")
    c.metric("Held-out accuracy", "—" if accuracy is None else f"{accuracy:.1%}",
             help="On the 1,000 test digits it never trained on (models/manifest.json).")
    picked = None if kernel_choice == OWN else int(kernel_choice)
    chart(figs.layer_maps(seen.conv1, ctx.big, 8, picked), "tensors.conv1")
    caption(f"After conv layer 1 and ReLU: {len(seen.conv1)} maps of 28×28, one per kernel "
            "(negatives set to 0; darker blue is stronger)" + (f"; map {picked} is kernel {picked}'s." if picked is not None else "."))
    chart(figs.layer_maps(seen.conv2, ctx.big, 8 if ctx.big else 16, row_px=95 if ctx.big else 50), "tensors.conv2")
    caption(f"After pooling to 14×14, conv layer 2 and ReLU: {len(seen.conv2)} maps, each mixing all 16 maps above "
            "with 3×3 kernels of its own.")
    chart(figs.probability_bars(seen.probs, ctx.label, ctx.big), "tensors.probs")
    caption(f"A last layer turns the maps into ten logits and softmax makes them probabilities: the net says "
            f"{guess} (orange) with p = {float(seen.probs[guess]):.2f}; the true label {ctx.label} is ticked.")
    try:
        st.page_link(str(ROOT / SOFTMAX_PAGE), label="How logits become probabilities: Logits → softmax",
                     icon=":material/bar_chart:")
    except StreamlitPageNotFoundError:  # run on its own, without st.navigation
        pass
