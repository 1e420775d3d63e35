"""The formula tree as data: plain JSON, only whitelisted ops, and the same function as the parser's."""

import json

import pytest
import torch
from test_expressions import HOSTILE, VALID, XS, YS  # tests/test_expressions.py

from explorer.expression_json import KNOWN_OPS, tree
from explorer.expressions import OPS, ExpressionError, parse


def run_tree(data: dict, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """A tiny interpreter of the tree: constants as Python floats, each op the parser's own torch function."""
    vals = []
    for node in data["nodes"]:
        op = node["op"]
        if op == "const":
            vals.append(node["value"])
        elif op in ("x", "y"):
            vals.append(x if op == "x" else y)
        else:
            vals.append(OPS[op](*[vals[i] for i in node["in"]]))
    out = vals[-1]
    return out if isinstance(out, torch.Tensor) else torch.full_like(x, out)


@pytest.mark.parametrize("text", [t for t, _ in VALID] + ["3", "2*pi", "sin(2)*x + cos(1)^2", "x + 0*(log(2) - 7)"])
def test_tree_is_json_with_known_ops_and_computes_the_parsed_function(text):
    expr = parse(text)
    data = tree(expr)
    assert json.loads(json.dumps(data, allow_nan=False)) == data
    assert {n["op"] for n in data["nodes"]} <= KNOWN_OPS
    assert data["variables"] == list(expr.variables)
    assert all(i < k for k, n in enumerate(data["nodes"]) for i in n.get("in", []))
    torch.testing.assert_close(run_tree(data, XS, YS), expr(XS, YS).expand(XS.shape), rtol=0, atol=0)


def test_parts_without_x_or_y_arrive_as_one_number():
    data = tree(parse("x*sin(2)^2 + exp(1)"))
    assert [n["op"] for n in data["nodes"]] == ["x", "const", "mul", "const", "add"]
    assert data["nodes"][1]["value"] == pytest.approx(0.8268218104318059, abs=1e-15)
    assert data["nodes"][3]["value"] == pytest.approx(2.718281828459045, abs=1e-15)


def test_the_typed_text_never_travels():
    text = "x^2 + 3*sin(x)"
    blob = json.dumps(tree(parse(text)))
    assert "sin(x)" not in blob and "^" not in blob and "**" not in blob


@pytest.mark.parametrize("template", HOSTILE)
def test_hostile_text_never_reaches_the_tree(template):
    with pytest.raises(ExpressionError):
        tree(parse(template.replace("{s}", "/tmp/never")))
