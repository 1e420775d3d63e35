"""The typed text before and around parsing: whitelist of characters, and messages a student can act on.

Used by :mod:`explorer.expressions`; every problem is an :class:`ExpressionError` that says what
is wrong and at which (1-based) column of the typed text.
"""

from __future__ import annotations

import keyword
import re
import unicodedata

MAX_LENGTH = 200  # characters
ALLOWED = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_ \t.+-*/^(),")
HINT = " — use numbers, x, y, pi, e, + - * / ^, parentheses and functions like sin(x)"
LOOKALIKES = {"−": "-", "–": "-", "×": "*", "·": "*", "÷": "/", "²": "^2", "³": "^3", "π": "pi"}
# a number glued to a name or '(' (2x, 3(x+1)), or ')' glued to a name, number or '('
IMPLICIT = re.compile(r"(?<![\w.])((?>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?))\s*(?=[A-Za-z_(])|\)\s*(?=[\w(.])")
# two names or numbers with only blanks between them (x y, sin x, pi x)
SPACED = re.compile(r"(?<![\w.])([A-Za-z_]\w*|\d+\.?\d*|\.\d+)\s+([A-Za-z_]\w*|\d+\.?\d*|\.\d+)")
DOUBLED = re.compile(r"([-+*/^])\s*([*/^])")  # a second operator that cannot start a term
FUNCTION_NAMES = ("sin", "cos", "tan", "exp", "log", "sqrt", "abs", "tanh", "sigmoid", "relu", "softplus")


class ExpressionError(ValueError):
    """The text is not a formula we accept; the message says what is wrong and where (1-based column)."""


def check_text(text: str) -> tuple[str, int]:
    """Refuse empty or long text, characters outside the whitelist, unbalanced parentheses, keywords, and 2x.

    Returns the stripped text and the number of leading blanks (to report typed columns).
    """
    stripped = text.strip()
    lead = len(text) - len(text.lstrip())
    if not stripped:
        raise ExpressionError("the formula is empty — type one, e.g. x^2")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"formula too long: {len(text)} characters (limit {MAX_LENGTH})")
    for i, ch in enumerate(stripped):
        if ch not in ALLOWED:
            raise ExpressionError(_character_message(ch, lead + i + 1))
    opened: list[int] = []  # columns of the '(' not yet closed
    for i, ch in enumerate(stripped):
        if ch == "(":
            opened.append(lead + i + 1)
        elif ch == ")" and not opened:
            raise ExpressionError(f"')' at column {lead + i + 1} has no matching '('")
        elif ch == ")":
            opened.pop()
    if opened:
        raise ExpressionError(f"'(' at column {opened[-1]} is never closed — add ')'")
    for m in re.finditer(r"(?<![\w.])[A-Za-z_]\w*", stripped):  # Python words never reach the parser
        if keyword.iskeyword(m.group()):
            raise ExpressionError(f"'{m.group()}' at column {lead + m.start() + 1} is a Python keyword, not part of a formula{HINT}")
    _check_operators(stripped, lead)
    m = IMPLICIT.search(stripped)
    if m:
        start, end, fixed = _glue_fix(stripped, m)
        raise ExpressionError(f"missing '*' in '{stripped[start:end]}' at column {lead + start + 1} — write {fixed}")
    m = SPACED.search(stripped)
    if m:
        a, b = m.group(1), m.group(2)
        where = f"at column {lead + m.start() + 1}"
        if a in FUNCTION_NAMES:
            raise ExpressionError(f"'{a} {b}' {where}: functions need parentheses — write {a}({b})")
        raise ExpressionError(f"missing '*' between '{a}' and '{b}' {where} — write {a}*{b}")
    return stripped, lead


def _check_operators(stripped: str, lead: int) -> None:
    """Two operators in a row (x +* 2, x^^2) or a formula that starts with * / ^: say so in the typed symbols."""
    if stripped[0] in "*/^":
        raise ExpressionError(f"the formula starts with '{stripped[0]}' at column {lead + 1} — something is missing before it")
    for m in DOUBLED.finditer(stripped):
        pair = m.group(1) + m.group(2)
        if pair != "**":  # Python's power, which the parser accepts like ^
            raise ExpressionError(f"two operators in a row, '{pair}', at column {lead + m.start() + 1} — remove one, "
                                  "or put a number or x between them")


def _glue_fix(stripped: str, m: re.Match) -> tuple[int, int, str]:
    """Where the glued spot starts and ends, and the fix in the typed notation: 2x -> 2*x, 3(x+1) -> 3*(x+1)."""
    left, start = m.group(1), m.start()
    if left is None:  # ')' glued to what follows: take the whole bracket before it
        start = _bracket_start(stripped, m.start())
        left = stripped[start:m.start() + 1]
    rest = stripped[m.end():]
    word = re.match(r"[A-Za-z_]\w*|\d+\.?\d*|\.\d+", rest)
    right = word.group() if word else ""
    after = rest[len(right):]
    if after.startswith("(") or (not right and rest.startswith("(")):
        close = _bracket_end(after if right else rest)
        right += (after if right else rest)[:close + 1]
    fixed = f"{left}*{right}"
    return start, m.end() + len(right), fixed if len(fixed) <= 40 else f"{left}*{right[:1]}…"


def _bracket_start(text: str, close: int) -> int:
    depth = 0
    for i in range(close, -1, -1):
        depth += {")": 1, "(": -1}.get(text[i], 0)
        if depth == 0:
            return i
    return 0


def _bracket_end(text: str) -> int:
    depth = 0
    for i, ch in enumerate(text):
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if depth == 0:
            return i
    return len(text) - 1


def _character_message(ch: str, column: int) -> str:
    where = f"at column {column}"
    if ch == "=":
        return f"'=' {where}: type only the formula, e.g. x^2 (not y = x^2)"
    if ch in LOOKALIKES:
        return f"character '{ch}' {where} is not allowed — type {LOOKALIKES[ch]} instead"
    if ch.isprintable() and ord(ch) < 128:
        return f"character '{ch}' {where} is not allowed{HINT}"
    shown = f"'{ch}' ({unicodedata.name(ch, '?')})" if ch.isprintable() else f"U+{ord(ch):04X} (invisible)"
    return f"character {shown} {where} is not allowed — type plain ASCII letters, digits and + - * / ^ ( )"


def to_python(stripped: str) -> tuple[str, list[int]]:
    """Replace ^ by ** and remember, for each character of the result, its index in the typed text."""
    source, cols = [], []
    for i, ch in enumerate(stripped):
        source.append("**" if ch == "^" else ch)
        cols.extend([i, i] if ch == "^" else [i])
    cols.append(len(stripped))  # the end, for errors after the last character
    return "".join(source), cols


def syntax_message(err: SyntaxError, col, source: str, typed: str = "", lead: int = 0) -> str:
    """Python's SyntaxError in words for a formula, in the typed symbols (^, not **); ``col`` maps an index
    of ``source`` to a typed column, ``typed`` is the stripped typed text and ``lead`` its leading blanks."""
    offset = (err.offset or len(source) + 1) - 1
    if offset >= len(source) or err.offset == 0:
        last = (typed or source).rstrip()
        return (f"the formula ends too early: something is missing after '{last[-1:]}' "
                f"at column {lead + len(last)}")
    if "forgot a comma" in (err.msg or "") or err.msg == "invalid syntax":
        return f"cannot read the formula at column {col(offset)} — is an operator like * missing, or one too many?"
    return f"cannot read the formula at column {col(offset)}: {err.msg}"


def suggest(name: str, known: dict, functions: dict) -> str:
    """A hint for a name we do not know: its lowercase form, log for ln, x*y for xy, sin(...) for sinx."""
    low = name.lower()
    if name in functions:
        return f" — write {name}(x)"
    if low in known or low in functions:
        return f" — names are lowercase: write {low}"
    if low == "ln":
        return " — write log for the natural logarithm"
    if re.fullmatch(r"[xy0-9]+", name):
        return " — multiplication needs '*': write " + "*".join(re.findall(r"[xy]|\d+", name))
    prefix = next((f for f in functions if name.startswith(f)), None)
    if prefix:
        inside = name[len(prefix):]
        return f" — functions need parentheses: write {prefix}({inside if re.fullmatch(r'[xy]|[0-9.]+', inside) else '...'})"
    return " — use x and y" if len(name) == 1 else HINT


LEVEL = {"add": 1, "sub": 1, "mul": 2, "div": 2, "neg": 3, "pow": 4}  # how tightly each part binds; 5 = a single term


def spell(nodes) -> str:
    """A parsed formula written back in the typed notation with the parentheses that say how it is read:
    -x^2 -> -(x^2), x^y^2 -> x^(y^2), x/2*y -> (x/2)*y. ``nodes`` is an Expression's node list."""
    by_id = {n.id: n for n in nodes}

    def level(n) -> int:
        if n.op == "const" and n.value is not None and n.value < 0:
            return 3
        return LEVEL.get(n.op, 5)

    def text(n) -> str:
        if n.op == "const":
            return "pi" if n.label == "π" else n.label
        if n.op in ("x", "y"):
            return n.op
        args = [by_id[i] for i in n.inputs]
        if n.op == "neg":
            return "-" + wrap(args[0], level(args[0]) < 5)
        if n.op not in LEVEL:
            return f"{n.op}({text(args[0])})"
        a, b = args
        if n.op == "pow":
            return wrap(a, level(a) <= 4) + "^" + wrap(b, level(b) < 5)
        if n.op in ("mul", "div"):
            left = wrap(a, level(a) < 2 or a.op == "div")
            return left + ("*" if n.op == "mul" else "/") + wrap(b, level(b) <= 2 if n.op == "div" else level(b) < 2)
        sign = " + " if n.op == "add" else " - "
        return text(a) + sign + wrap(b, level(b) == 3 or (n.op == "sub" and level(b) <= 1))

    def wrap(n, needed: bool) -> str:
        return f"({text(n)})" if needed else text(n)

    return text(nodes[-1])
