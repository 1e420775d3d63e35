"""Gradient tape: a formula as a graph; values forward, then the tape played backward, one gradient at a time."""

import math

import streamlit as st

from explorer.expressions import ExpressionError, parse
from explorer.figures import words
from explorer.figures.tape import fmt, graph_figure
from explorer.tape import record_formula
from explorer.ui import url_state
from explorer.ui.describe import describe
from explorer.ui.state_tables import TABLES
from explorer.ui.state_tables import TAPE_FORMULA as DEFAULT
from explorer.ui.theme import caption, page_body, plain, setup_page, text_table

PRESETS = (DEFAULT, "x^2 + y^2", "sigmoid(2*x - y)", "exp(x) * sin(y) - x/y", "log(1 + exp(x*y))")
PARAMS = TABLES["gradient_tape"]
GOOD = "tape._good"  # the last formula that parsed: shown while the text box holds a bad one

big = setup_page(
    "Gradient tape",
    "Backpropagation needs every value computed on the way forward. A gradient tape records each "
    "step like a tape recorder, then plays it back in reverse, popping one gradient at a time.",
)


def use_preset() -> None:
    """Preset pill clicked: put its formula in the box and rewind the tape."""
    st.session_state["tape.f"] = st.session_state["tape._preset"]
    st.session_state["tape.step"] = 0
    st.session_state["tape._preset"] = None


def move(delta: int, last: int) -> None:
    """The ◀ / ▶ buttons: one step along the tape, within 0..last."""
    st.session_state["tape.step"] = min(max(st.session_state["tape.step"] + delta, 0), last)


@st.cache_data(max_entries=512, show_spinner=False)
def recorded(formula: str, point: tuple[tuple[str, float], ...]):
    """The tape of ``formula`` at ``point`` and autograd's gradient, made once: moving the step reuses them."""
    return record_formula(formula, dict(point))


def body() -> None:
    """The formula and point, the graph, and the tape played back step by step."""
    url_state.restore(PARAMS)

    entry, preset, xs, ys = st.columns([5, 3, 2, 2])
    entry.text_input("Formula f(x, y)", key="tape.f", help="Numbers, x, y, + − * / ^ and sin, cos, exp, log, …")
    preset.selectbox("Presets", PRESETS, index=None, placeholder="pick one", key="tape._preset", on_change=use_preset)
    url_state.number_box(url_state.find(PARAMS, "tape.x"), "x", xs, step=0.5)
    url_state.number_box(url_state.find(PARAMS, "tape.y"), "y", ys, step=0.5)

    try:
        expr = parse(st.session_state["tape.f"])
        st.session_state[GOOD] = expr.text
    except ExpressionError as err:
        st.error(plain(f"Cannot read that formula: {err}"))
        expr = parse(st.session_state.get(GOOD, DEFAULT))
        st.caption(f"Still showing the last good formula: `{expr.text}`")
    point = {"x": st.session_state["tape.x"], "y": st.session_state["tape.y"]}
    point = {v: point[v] for v in expr.variables}
    tape, reference = recorded(expr.text, tuple(sorted(point.items())))
    playback(expr, tape, reference)


@st.fragment
def playback(expr, tape, reference) -> None:
    """The step controls and all they change (graph, tables, the link): a step reruns only this part,
    not the formula row above it."""
    last = len(tape.steps)
    st.session_state["tape.step"] = min(st.session_state["tape.step"], last)  # a shorter formula

    if last == 0:
        st.info("This formula has no x or y in it: there is nothing to play backward.")
    else:
        back, slider, fwd = st.columns([2, 9, 2], vertical_alignment="bottom")
        back.button("◀ back", on_click=move, args=(-1, last), width="stretch", help="Undo one backward step")
        slider.slider(f"Backward steps played (of {last}; 0 = forward pass only)", 0, last, key="tape.step")
        fwd.button("step ▶", on_click=move, args=(1, last), width="stretch", help="Pop the next node off the tape")
    step = st.session_state["tape.step"]
    if not all(math.isfinite(v) for v in tape.values.values()):
        st.warning("Some values are not numbers at this point (log or sqrt of a negative, or ÷ 0?): try another x, y.")

    st.plotly_chart(graph_figure(tape, step, big), key="tape.graph", config={"displayModeBar": False})
    describe("tape.graph", *words.tape_graph(tape, expr.text, step))
    caption("Data flows left to right; under each box its value from the forward pass, and in orange "
            "∂f/∂node once the backward playback has reached it.")

    left, right = st.columns(2, gap="large")
    with left:
        st.subheader("The tape")
        known = tape.revealed(step)
        current = tape.steps[step - 1].node if step else None
        shown = [n for n in tape.nodes if n.op != "const"]
        # a word, not a row colour, marks the playback
        text_table({"entry": [tape.formula(n.id) for n in shown],
                    "value": [fmt(tape.values[n.id]) for n in shown],
                    "gradient": [fmt(known[n.id]) if n.id in known else "" for n in shown],
                    "playback": ["◀ now" if n.id == current else "done" if n.id in known else "" for n in shown]})
        caption("Recorded top to bottom on the way forward, played back bottom to top: "
                "the row marked ◀ now is the orange box in the graph.")
    with right:
        st.subheader("This step")
        if step == 0:
            st.markdown(f"Forward pass done: f = **{fmt(tape.values[expr.root])}**. "
                        "Press **step ▶** to pop the last entry off the tape.")
        else:
            s, name = tape.steps[step - 1], tape.names[tape.steps[step - 1].node]
            if not s.contributions:
                st.markdown(f"**∂f/∂{name} = 1**: the output changes one-for-one with itself. This seeds the playback.")
            else:
                terms = " + ".join(f"∂f/∂{tape.names[c.user]} · {c.local_text or '∂' + tape.names[c.user]}"
                                   for c in s.contributions)
                nums = " + ".join(f"{fmt(c.user_grad)} × {fmt(c.local)}" for c in s.contributions)
                st.markdown(f"**∂f/∂{name}** = {terms}  \n= {nums} = **{fmt(s.grad)}**")
                if len(s.contributions) > 1:
                    st.markdown(f"{name} is used {len(s.contributions)} times, so its gradient adds up every use.")
        st.subheader("Tape vs torch.autograd")
        ours, torchs = tape.gradient(), reference
        text_table({"": [f"∂f/∂{v}" for v in ours], "tape": [fmt(g) for g in ours.values()],
                    "torch.autograd": [fmt(torchs[v]) for v in ours]})
        same = all(math.isclose(ours[v], torchs[v], rel_tol=1e-9, abs_tol=1e-12) for v in ours)
        caption("The hand-played tape and PyTorch agree." if same else "The two differ here (a NaN or a kink such as abs at 0).")

    url_state.publish(PARAMS)
    url_state.share_link(PARAMS)


page_body(body)
