"""A lesson: an ordered list of steps, each a page with its URL state, a title, what to say, a question.

Stored as a small YAML (or JSON) file that a person can edit. Loading never executes anything
(YAML is read with ``safe_load`` after a scan that refuses aliases and deep nesting), caps the
size, the number of steps and every text, and refuses an unknown page, an unknown control or a
value out of range with a message that names the step and the field.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import yaml

from explorer.lessons.state import check_state, natural

MAX_BYTES = 64 * 1024  # a 60-step lesson with long sentences is ~20 KB
MAX_STEPS = 60
MAX_DEPTH = 5  # root → steps → step → state → a list of numbers
MAX_CHARS = {"title": 120, "about": 600, "say": 600, "question": 300, "answer": 600}
STEP_FIELDS = ("page", "title", "say", "question", "answer", "state", "optional")
LESSON_FIELDS = ("lesson", "title", "about", "steps")
FORMAT = 1  # the ``lesson:`` version number a file may carry
PAGELESS = ("home",)  # pages without a state table


class LessonError(ValueError):
    """A lesson file that cannot be used; the message says where and why."""


@dataclass(frozen=True)
class Step:
    """One view of a lesson: ``page`` is the page's URL path, ``state`` its URL query (key -> text)."""

    page: str
    title: str
    say: str
    state: dict[str, str] = field(default_factory=dict)
    question: str = ""
    answer: str = ""
    optional: bool = False  # a step whose page may not exist here: dropped instead of refused


@dataclass(frozen=True)
class Lesson:
    title: str
    steps: tuple[Step, ...]
    about: str = ""


def _scan(text: str) -> None:
    """Refuse aliases (a few lines can expand to gigabytes) and nesting deeper than MAX_DEPTH."""
    depth = 0
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                raise LessonError("The lesson file uses YAML anchors or aliases (&, *); write each value out.")
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    raise LessonError(f"The lesson file is nested too deeply (more than {MAX_DEPTH} levels).")
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
    except yaml.YAMLError as err:
        raise LessonError(f"The lesson file is not valid YAML or JSON: {_where(err)}") from None


def _where(err: yaml.YAMLError) -> str:
    mark = getattr(err, "problem_mark", None)
    problem = getattr(err, "problem", None) or str(err).splitlines()[0]
    return f"line {mark.line + 1}, column {mark.column + 1}: {problem}" if mark else problem


def _depth(obj, limit: int) -> int:
    """Nesting depth of lists and mappings, iteratively (a hostile file must not exhaust the stack)."""
    deepest, todo = 0, [(obj, 0)]
    while todo:
        node, d = todo.pop()
        if isinstance(node, (list, dict)):
            d += 1
            deepest = max(deepest, d)
            if deepest > limit:
                return deepest
            todo.extend((v, d) for v in (node.values() if isinstance(node, dict) else node))
    return deepest


def parse(data: str | bytes) -> object:
    """File contents -> plain Python data (dicts, lists, scalars), with the size and shape caps."""
    if len(data) > MAX_BYTES:
        raise LessonError(f"The lesson file is {len(data) / 1024:.0f} KB; the limit is {MAX_BYTES // 1024} KB.")
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise LessonError("The lesson file is not UTF-8 text.") from None
    if len(data.encode("utf-8")) > MAX_BYTES:
        raise LessonError(f"The lesson file is over the limit of {MAX_BYTES // 1024} KB.")
    if data.lstrip().startswith(("{", "[")):
        try:
            obj = json.loads(data)
        except RecursionError:
            raise LessonError(f"The lesson file is nested too deeply (more than {MAX_DEPTH} levels).") from None
        except ValueError as err:
            raise LessonError(f"The lesson file is not valid JSON: {err}") from None
        if _depth(obj, MAX_DEPTH) > MAX_DEPTH:
            raise LessonError(f"The lesson file is nested too deeply (more than {MAX_DEPTH} levels).")
        return obj
    _scan(data)
    try:
        return yaml.safe_load(data)
    except yaml.YAMLError as err:  # e.g. a !!python tag, which safe_load refuses to build
        raise LessonError(f"The lesson file cannot be read: {_where(err)}") from None


def _text(where: str, name: str, value, required: bool) -> str:
    if value is None or value == "":
        if required:
            raise LessonError(f"{where}: the field '{name}' is missing.")
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)  # "answer: 42" is text to a person
    if not isinstance(value, str):
        raise LessonError(f"{where}, field '{name}': wrong type, text is expected.")
    value = value.strip()
    if len(value) > MAX_CHARS[name]:
        raise LessonError(f"{where}, field '{name}': {len(value)} characters; at most {MAX_CHARS[name]}.")
    return value


def _unknown(where: str, raw: Mapping, allowed: Sequence[str]) -> None:
    extra = [k for k in raw if k not in allowed]
    if extra:
        raise LessonError(f"{where}: unknown field {extra[0]!r} (the fields are {', '.join(allowed)}).")


def check_step(raw, n: int, tables: Mapping[str, Sequence], pages: Iterable[str]) -> Step | None:
    """Step ``n`` (1-based) as read from a file -> a Step, or None for an optional step whose page is absent."""
    where = f"Step {n}"
    if not isinstance(raw, Mapping):
        raise LessonError(f"{where}: wrong type, a mapping with page, title and say is expected.")
    _unknown(where, raw, STEP_FIELDS)
    page = raw.get("page")
    if not isinstance(page, str) or not page:
        raise LessonError(f"{where}: the field 'page' is missing or not text.")
    optional = raw.get("optional", False)
    if not isinstance(optional, bool):
        raise LessonError(f"{where}, field 'optional': wrong type, true or false is expected.")
    pages = set(pages)
    if page not in pages:
        if optional:
            return None
        raise LessonError(f"{where}, field 'page': unknown page {page!r} (the pages: {', '.join(sorted(pages))}).")
    title = _text(where, "title", raw.get("title"), True)
    where = f"Step {n} (“{title}”)"
    try:
        state = check_state(raw.get("state"), tables.get(page))
    except ValueError as err:
        raise LessonError(f"{where}, field 'state': {err}.") from None
    question = _text(where, "question", raw.get("question"), False)
    answer = _text(where, "answer", raw.get("answer"), False)
    if answer and not question:
        raise LessonError(f"{where}, field 'answer': there is an answer but no question.")
    return Step(page, title, _text(where, "say", raw.get("say"), True), state, question, answer, optional)


def load(data: str | bytes, tables: Mapping[str, Sequence], pages: Iterable[str] | None = None) -> Lesson:
    """A lesson file's contents -> a checked Lesson; LessonError (a ValueError) says what is wrong.

    ``tables`` maps each page's URL path to its URL-state table; ``pages`` are the pages that
    exist (default: those with a table, and the home page).
    """
    pages = set(tables) | set(PAGELESS) if pages is None else set(pages)
    raw = parse(data)
    if not isinstance(raw, Mapping):
        raise LessonError("The lesson file must be a mapping with a title and a list of steps.")
    _unknown("The lesson", raw, LESSON_FIELDS)
    if raw.get("lesson", FORMAT) != FORMAT:
        raise LessonError(f"The lesson file is format {raw.get('lesson')!r}; this app reads format {FORMAT}.")
    title = _text("The lesson", "title", raw.get("title"), True)
    steps = raw.get("steps")
    if not isinstance(steps, list) or not steps:
        raise LessonError("The lesson: the field 'steps' must be a list with at least one step.")
    if len(steps) > MAX_STEPS:
        raise LessonError(f"The lesson has {len(steps)} steps; at most {MAX_STEPS}.")
    checked = [check_step(s, i, tables, pages) for i, s in enumerate(steps, 1)]
    kept = tuple(s for s in checked if s is not None)
    if not kept:
        raise LessonError("The lesson: none of its steps' pages exist in this app.")
    return Lesson(title, kept, _text("The lesson", "about", raw.get("about"), False))


def to_data(lesson: Lesson, tables: Mapping[str, Sequence]) -> dict:
    """A Lesson as plain data, state values written as numbers and lists where the control takes them."""
    def step(s: Step) -> dict:
        params = {p.key: p for p in tables.get(s.page, ())}
        out = {"page": s.page, "title": s.title, "say": s.say}
        out |= {k: v for k, v in (("question", s.question), ("answer", s.answer)) if v}
        if s.state:
            out["state"] = {k: natural(params[k], v) if k in params else v for k, v in s.state.items()}
        return out | ({"optional": True} if s.optional else {})
    return {"lesson": FORMAT, "title": lesson.title, **({"about": lesson.about} if lesson.about else {}),
            "steps": [step(s) for s in lesson.steps]}


def dump(lesson: Lesson, tables: Mapping[str, Sequence]) -> str:
    """A Lesson as the YAML text that :func:`load` reads back to the same Lesson."""
    return yaml.safe_dump(to_data(lesson, tables), sort_keys=False, allow_unicode=True, width=100)
