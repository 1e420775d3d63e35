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


class ExpressionError(ValueError):
    """The text is not a formula we accept; the message says what is wrong and where (1-based column)."""


def check_text(text: str) -> tuple[str, int]:
    """Refuse empty or long text, characters outside the whitelist, unbalanced parentheses, keywords, and 2x.

    Returns the stripped text and the number of leading blanks (to report typed columns).
    """
    stripped = text.strip()
    lead = len(text) - len(text.lstrip())
    if not stripped:
        raise ExpressionError("the formula is empty — type a function of x (and y), e.g. x^2")
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
    m = IMPLICIT.search(stripped)
    if m:
        left, right = m.group(1) or ")", stripped[m.end():m.end() + 1]
        glued = stripped[m.start():m.end() + 1]
        raise ExpressionError(f"missing '*' in '{glued}' at column {lead + m.start() + 1} — write {left}*{right}")
    return stripped, lead


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


def syntax_message(err: SyntaxError, col, source: str) -> str:
    """Python's SyntaxError in words for a formula; ``col`` maps an index of ``source`` to a typed column."""
    offset = (err.offset or len(source) + 1) - 1
    if offset >= len(source) or err.offset == 0:
        last = source.rstrip()[-1:]
        return f"the formula ends too early at column {col(len(source))} — something is missing after '{last}'"
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
        return f" — functions need parentheses: write {prefix}(...)"
    return " — use x and y" if len(name) == 1 else HINT
