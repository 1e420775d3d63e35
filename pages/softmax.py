"""Logits → softmax: ten raw scores become probabilities; cross-entropy and its gradient."""

import streamlit as st
import torch

from explorer import softmax as sm
from explorer.data import digits
from explorer.figures import words
from explorer.ui import model_card, url_state
from explorer.ui.describe import describe
from explorer.ui.models import load_model
from explorer.ui.state_tables import LOGIT_LIMIT as LIMIT
from explorer.ui.state_tables import TABLES
from explorer.ui.theme import caption, digit_image, opened, page_body, setup_page
from explorer.ui.widgets import live_softmax

PARAMS = TABLES["softmax"]
WIDGET = "softmax.live"  # the live bars and sliders (explorer/ui/widgets/live_softmax.py)

big = setup_page(
    "Logits → softmax",
    "Logit values are what softmax takes as inputs; it then outputs probabilities. "
    "Softmax turns any ten scores into ten positive numbers that add up to 1.",
)


def load_digit_logits(logits: list[float], label: int) -> None:
    """Button callback: copy the classifier's logits into the sliders (before they are drawn)."""
    for k, z in enumerate(logits):
        st.session_state[f"softmax.z{k}"] = round(min(max(z, -LIMIT), LIMIT), 1)
    st.session_state["softmax.true"] = label


@st.cache_data(show_spinner=False, max_entries=1000)
def classifier_logits(_net: torch.nn.Module, net_id: int, index: int) -> list[float]:
    """The classifier's ten logits for test digit ``index`` (one forward pass per digit and model, then cached)."""
    images, _ = digits("mnist-5k", "test")
    with torch.inference_mode():
        return _net(images[index][None])[0].tolist()  # 10 floats


def digit_section() -> None:
    """A test digit, the classifier's verdict and a button that loads its logits into the sliders."""
    net = load_model("classifier")
    if net is None:  # load_model has said why; the card says which model it waits for
        model_card.show("classifier")
        return
    images, labels = digits("mnist-5k", "test")
    image, pick = st.columns([1, 3], gap="medium", vertical_alignment="center")
    url_state.number_box(url_state.find(PARAMS, "softmax.digit"), "Test digit (0–999)", pick, step=1,
                         help="The 1,000 held-out test digits, 100 of each class in order.")
    index = st.session_state["softmax.digit"]
    digit, label = images[index], int(labels[index])  # (1, 28, 28)
    digit_logits = classifier_logits(net, id(net), index)  # id: a freshly trained model is a new cache key
    with image:
        digit_image(digit, big, scale=0.5, alt=f"Test digit #{index}, a handwritten {label}")
    guess = max(range(10), key=lambda k: digit_logits[k])
    pick.markdown(f"True label **{label}**; the classifier's biggest logit is class **{guess}**.")
    # a plain button: a primary one is white on the dark theme's sky blue (2.3:1, under AA)
    pick.button("Use this digit's logits", on_click=load_digit_logits, args=(digit_logits, label))
    caption("A small conv net trained on the other 4,000 digits scores this held-out digit; "
            "the button puts its ten logits on the sliders and its label as the true class.")
    model_card.show("classifier")


def body() -> None:
    """The live bars and sliders (temperature, true class, ten logits), then torch's loss in numbers and words."""
    url_state.restore(PARAMS)
    logits = torch.tensor([st.session_state[f"softmax.z{k}"] for k in range(10)], dtype=torch.float64)  # (10,)
    T, true = st.session_state["softmax.T"], st.session_state["softmax.true"]
    probs = sm.softmax(logits, T)  # (10,)
    loss = float(sm.cross_entropy(logits, true, T))
    grad = sm.cross_entropy_grad(logits, true, T)  # (10,)
    said = {"probs": words.softmax_bars(logits.tolist(), probs.tolist(), T, true),
            "grad": words.gradient_bars(grad.tolist(), true, loss)}

    # the bars first, right above the sliders that move them: in a projector's first screen
    live_softmax.show(live_softmax.state_values(), said, key=WIDGET, classroom=big)
    describe(WIDGET, None, said["probs"][1])
    caption(f"Top: the same ten classes before and after softmax — any logits in, probabilities out (positive, "
            f"adding up to 1); the outlined bar is the true class {true}. Drag a slider: the bars follow your hand.")
    describe(f"{WIDGET}.gradient", None, said["grad"][1])
    caption("Bottom: the cross-entropy gradient per logit — gradient descent lowers the positive bars and raises "
            "the negative one, the true class. The numbers below follow when you let go of a slider.")

    # a link to a digit of its own opens the box that shows it
    box = opened("Load the logits of a real digit classifier", key="_softmax.real",
                 expanded=st.session_state["softmax.digit"] != url_state.find(PARAMS, "softmax.digit").default)
    if box is not None:
        with box:
            digit_section()

    loss_col, p_col, text = st.columns([1, 1, 3], gap="medium")
    loss_col.metric("CE loss", f"{loss:.3f}", help="Cross-entropy: −log p(true class)")
    p_col.metric(f"p({true})", f"{float(probs[true]):.3f}", help="The probability of the true class")
    text.markdown(
        f"The loss is −log p({true}): near 0 when the true class gets almost all the probability. Its "
        f"gradient per logit is **(softmax − one_hot) / T**: each wrong class is pushed down by its "
        f"probability, the true class is pulled up by 1 − p."
    )

    url_state.publish(PARAMS)
    url_state.share_link(PARAMS)


page_body(body)
