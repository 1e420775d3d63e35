"""The computation graph of a recorded formula: boxes laid out by depth, values, gradients.

The figure is written as a plain spec (:mod:`explorer.figures.spec`): the same JSON that go.Scatter
and add_annotation give, without checking every property of every box on each rerun.
"""

from __future__ import annotations

from itertools import pairwise

from explorer.figures.spec import SpecFigure, axis, figure, trace
from explorer.figures.spec import layout as spec_layout
from explorer.figures.style import PALETTE, sizes
from explorer.tape import Tape

GRAD_COLOUR = "#B84700"  # a darker vermillion: readable as text on white
EDGE_COLOUR = "#9A9A9A"
FILL = {"variable": "#DCEBF7", "const": "#F0F0F0", "op": "#FFFFFF", "known": "#FBE1CF", "current": PALETTE[1]}


def fmt(v: float) -> str:
    """A value in at most four significant digits, with a real minus sign."""
    return f"{v:.4g}".replace("-", "−")


Point = tuple[float, float]


def layout(tape: Tape) -> tuple[dict[int, Point], dict[tuple[int, int], list[Point]]]:
    """Node positions (column, row) and each edge's path, inputs left of their users.

    An edge that skips columns passes through one waypoint per skipped column; waypoints take a
    row like nodes do, so a long edge bends around the boxes instead of running through them
    (the Sugiyama layering), and a few barycentre sweeps order each column to keep edges short.
    """
    nodes = tape.nodes
    users: dict[int, list[int]] = {n.id: [] for n in nodes}
    col: dict = {}
    for n in nodes:  # topological order: a node's inputs already have their column
        col[n.id] = 1 + max((col[i] for i in n.inputs), default=-1)
        for i in n.inputs:
            users[i].append(n.id)
    for n in reversed(nodes):  # a number sits just left of the node that uses it
        if n.op == "const" and users[n.id]:
            col[n.id] = min(col[u] for u in users[n.id]) - 1
    left: dict = {n.id: [] for n in nodes}  # item -> the items it connects to one column left
    right: dict = {n.id: [] for n in nodes}
    chains = {}
    for n in nodes:
        for i in dict.fromkeys(n.inputs):  # x*x is one edge
            chain = [i, *(("via", i, n.id, c) for c in range(col[i] + 1, col[n.id])), n.id]
            for a, b in pairwise(chain):
                col.setdefault(b, col[a] + 1)
                right.setdefault(a, []).append(b)
                left.setdefault(b, []).append(a)
            chains[(i, n.id)] = chain
    columns: dict[int, list] = {}
    for item, c in col.items():
        columns.setdefault(c, []).append(item)
    row = {item: float(k) for members in columns.values() for k, item in enumerate(members)}

    def place(members: list, first: dict, second: dict) -> None:
        def centre(item):
            near = [row[j] for j in first.get(item) or second.get(item) or ()]
            return sum(near) / len(near) if near else row[item]
        members.sort(key=centre)
        for k, item in enumerate(members):
            row[item] = k - (len(members) - 1) / 2  # centred on 0

    for _ in range(3):  # a few left-to-right and right-to-left sweeps
        for c in sorted(columns):
            place(columns[c], left, right)
        for c in sorted(columns, reverse=True):
            place(columns[c], right, left)
    pos = {item: (float(col[item]), -row[item]) for item in col}
    return {n.id: pos[n.id] for n in nodes}, {edge: [pos[item] for item in chain] for edge, chain in chains.items()}


def graph_figure(tape: Tape, step: int = 0, classroom: bool = False, height: int | None = None) -> SpecFigure:
    """Boxes and edges of the formula; values below each box; the first ``step`` gradients of the backward pass.

    ``step`` = 0 shows the forward pass only; step k has popped k nodes off the tape, the k-th
    (the current one, filled orange) with its incoming gradient edges drawn thick.
    """
    s = sizes(classroom)
    pos, paths = layout(tape)
    known = tape.revealed(step)
    current = tape.steps[step - 1] if step > 0 else None
    hot = {(c.user, current.node): c for c in current.contributions} if current else {}
    box_half = 0.85 * (s["font"] + 4) + s["line"] + 2  # px from a box's centre to just past its border
    data, notes, labels = [], [], []
    for (i, user), path in paths.items():
        c = hot.get((user, i))
        (x0, y0), (x1, y1) = path[0], path[1]
        data.append(trace(
            "scatter", x=[p[0] for p in path], y=[p[1] for p in path], mode="lines", hoverinfo="skip", showlegend=False,
            line={"color": GRAD_COLOUR if c else EDGE_COLOUR, "width": s["line"] * (1.8 if c else 0.8)},
        ))
        if c:  # the gradient arriving along this edge, labelled after the boxes so it sits on top
            labels.append(({"x": x0 + 0.45 * (x1 - x0), "y": y0 + 0.45 * (y1 - y0)}, c))
    for n in tape.nodes:
        x, y = pos[n.id]
        kind = "variable" if n.op in ("x", "y") else "const" if n.op == "const" else "op"
        fill = FILL["current"] if current and n.id == current.node else FILL["known"] if n.id in known else FILL[kind]
        border = GRAD_COLOUR if current and n.id == current.node else PALETTE[0] if kind == "variable" else "#555"
        size = s["font"] + 4
        notes.append(dict(
            x=x, y=y, text=f"<b>{n.label}</b>", showarrow=False, bgcolor=fill, bordercolor=border,
            borderwidth=s["line"] * (1.2 if current and n.id == current.node else 0.6),
            width=max(2.2 * size, 0.62 * size * len(n.label) + 16), height=1.7 * size,
            font={"size": size, "color": "#555" if kind == "const" else "#111"},
        ))
        if n.inputs:
            notes.append(dict(x=x, y=y, yshift=box_half, yanchor="bottom", showarrow=False,
                              text=tape.names[n.id], font={"size": s["tick"] - 2, "color": "#666"}))
        lines = [] if kind == "const" else [f"= {fmt(tape.values[n.id])}"]
        if n.id in known:
            lines.append(f"<span style='color:{GRAD_COLOUR}'><b>∂f/∂{tape.names[n.id]} = {fmt(known[n.id])}</b></span>")
        if lines:
            notes.append(dict(x=x, y=y, yshift=-box_half, yanchor="top", showarrow=False,
                              text="<br>".join(lines), font={"size": s["tick"], "color": "#222"},
                              bgcolor="rgba(255,255,255,0.85)"))  # edges pass behind the numbers
    for where, c in labels:  # ∂f/∂user × local derivative
        notes.append(dict(
            **where, showarrow=False, bgcolor="rgba(255,255,255,0.92)", borderpad=1,
            text=f"× {c.local_text} = {fmt(c.value)}" if c.local_text else fmt(c.value),
            font={"size": s["tick"] - 1, "color": GRAD_COLOUR},
        ))
    xs, ys = zip(*(pos[n.id] for n in tape.nodes))
    data.append(trace(  # invisible markers carry the hover text
        "scatter", x=list(xs), y=list(ys), mode="markers", marker={"size": s["font"] * 2, "opacity": 0}, showlegend=False,
        hovertext=[tape.formula(n.id) + f" = {fmt(tape.values[n.id])}" for n in tape.nodes], hoverinfo="text",
    ))
    every = {p for path in paths.values() for p in path} | set(pos.values())  # waypoints take rows too
    rows = max(sum(1 for p in every if p[0] == c) for c in set(xs))
    low, high = min(p[1] for p in every), max(p[1] for p in every)
    unit = 150 if classroom else 115  # px per row: a box, its name and two text lines
    return figure(data, spec_layout(
        classroom, height or 60 + unit * max(rows, 2), annotations=notes, plot_bgcolor="white", dragmode=False,
        xaxis=axis(classroom, visible=False, range=[min(xs) - 0.5, max(xs) + 0.5]),
        yaxis=axis(classroom, visible=False, range=[low - 0.75, high + 0.45]),
    ))
