"""A parsed formula as plain data, for the in-browser descent engine (explorer/ui/widgets/descent_engine.js).

``tree(parse("x^2 + 3*sin(x)"))`` is the parser's own node list with everything that is not
needed for evaluation left out: each node is ``{"op": ..., "in": [input indices]}`` and constants
are ``{"op": "const", "value": number}``. Parts without x or y were already computed by the parser
and arrive as one number. Op names come from the parser's whitelist only; the typed text never
travels, so nothing in the browser ever reads the student's formula as code.
"""

from __future__ import annotations

import math

from explorer.expressions import OPS, VARIABLES, Expression

KNOWN_OPS = frozenset(OPS) | set(VARIABLES) | {"const"}  # what the browser's evaluator accepts


def tree(expr: Expression) -> dict:
    """The nodes needed to compute ``expr`` in topological order; the last one is the output.

    ``{"variables": ["x"] or ["x", "y"], "nodes": [{"op", "in"} | {"op": "const", "value"}]}``;
    a node's inputs are indices of earlier nodes.
    """
    constants = expr._constants  # node id -> value, for every part without x or y (the parser folded them)
    needed, stack = set(), [expr.root]
    while stack:  # walk back from the output; a folded part's own inputs are not needed
        i = stack.pop()
        if i not in needed:
            needed.add(i)
            if i not in constants:
                stack.extend(expr.nodes[i].inputs)
    index, nodes = {}, []
    for node in expr.nodes:
        if node.id not in needed:
            continue
        if node.id in constants:
            value = float(constants[node.id])
            if not math.isfinite(value):  # the parser refuses these; JSON could not carry them
                raise ValueError(f"constant {value} at column {node.col} is not finite")
            nodes.append({"op": "const", "value": value})
        elif node.op in VARIABLES:
            nodes.append({"op": node.op, "in": []})
        else:
            if node.op not in KNOWN_OPS:
                raise ValueError(f"operation '{node.op}' is not known to the browser evaluator")
            nodes.append({"op": node.op, "in": [index[i] for i in node.inputs]})
        index[node.id] = len(nodes) - 1
    return {"variables": list(expr.variables), "nodes": nodes}
