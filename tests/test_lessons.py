"""Lesson files: the built-in lesson, valid files, and invalid or hostile ones refused with a clear message."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from explorer.lessons import MAX_BYTES, MAX_STEPS, LessonError, builtin_files, dump, load
from explorer.lessons.state import step_values
from explorer.ui.state_tables import TABLES

PAGES = set(TABLES) | {"home"}
STUDY_ORDER = ["descent_1d", "descent_2d", "fit_line", "gradient_tape", "softmax", "latent", "restore", "tensors"]


def lesson_text(*steps: str, title: str = "A lesson") -> str:
    return f"title: {title}\nsteps:\n" + "".join(steps)


STEP = "  - page: descent_1d\n    title: Slope\n    say: The slope is the derivative.\n"


def refused(text, match: str, pages=None) -> str:
    with pytest.raises(LessonError, match=match) as err:
        load(text, TABLES, pages)
    return str(err.value)


def test_the_builtin_lesson_follows_the_notes_in_order():
    lesson = load(builtin_files()["slope-to-digits"], TABLES, PAGES)
    assert len(lesson.steps) >= 12
    first_seen = list(dict.fromkeys(s.page for s in lesson.steps))
    assert first_seen == STUDY_ORDER  # slope → descent → valley race → fit → tape → softmax → latent → restore
    assert all(s.title and s.say and s.question and s.answer for s in lesson.steps)
    lr = [s.state.get("gd1.lr") for s in lesson.steps if s.page == "descent_1d"]
    assert "1.5" in lr  # the divergence step
    sections = [s.state.get("latent.section") for s in lesson.steps if s.page == "latent"]
    assert sections == ["Encode", "Manifold", "Interpolate", "Sampling", "More latents"]
    assert [s.state["restore.mode"] for s in lesson.steps if s.page == "restore"] == ["Denoise", "Inpaint"]


def test_the_tensors_step_appears_only_where_its_page_exists():
    text = builtin_files()["slope-to-digits"]
    without = load(text, TABLES, PAGES - {"tensors"})
    with_page = load(text, TABLES, PAGES)
    assert len(with_page.steps) == len(without.steps) + 1
    assert with_page.steps[-1].page == "tensors" and with_page.steps[-1].optional
    assert "tensors" not in {s.page for s in without.steps}


def test_every_builtin_step_state_gives_values_of_its_controls():
    for step in load(builtin_files()["slope-to-digits"], TABLES, PAGES).steps:
        values = step_values(step.state, TABLES[step.page])
        assert set(values) == {p.key for p in TABLES[step.page]}
    desc = load(builtin_files()["slope-to-digits"], TABLES, PAGES).steps[3]
    values = step_values(desc.state, TABLES["descent_2d"])
    assert values["gd2.start"] == (-3.5, 1.0) and values["gd2.opts"] == ["sgd", "momentum", "adam"]
    assert values["gd2.steps"] == 100 and values["gd2.momentum"] == 0.7  # the valley's own run
    assert values["gd2.beta1"] == 0.9  # unlisted: the default


def test_dump_and_load_give_back_the_same_lesson():
    lesson = load(builtin_files()["slope-to-digits"], TABLES, PAGES)
    again = load(dump(lesson, TABLES), TABLES, PAGES)
    assert again == lesson
    assert "gd1.lr: 1.5" in dump(lesson, TABLES)  # numbers stay numbers for a person editing the file


def test_json_is_read_too():
    data = {"lesson": 1, "title": "J", "steps": [{"page": "softmax", "title": "T", "say": "S",
                                                     "state": {"softmax.T": 2, "softmax.true": 3}}]}
    lesson = load(json.dumps(data).encode(), TABLES, PAGES)
    assert lesson.steps[0].state == {"softmax.T": "2", "softmax.true": "3"}


def test_an_unknown_page_is_refused_naming_the_step():
    msg = refused(lesson_text(STEP, "  - page: weather\n    title: W\n    say: S\n"), "Step 2")
    assert "field 'page'" in msg and "'weather'" in msg and "descent_1d" in msg


def test_an_out_of_range_value_is_refused_not_clamped():
    msg = refused(lesson_text(STEP + "    state: {gd1.steps: 900}\n"), "Step 1")
    assert "“Slope”" in msg and "field 'state'" in msg and "'gd1.steps'" in msg and "above" in msg and "500" in msg
    assert "below" in refused(lesson_text(STEP + "    state: {gd1.steps: 0}\n"), "gd1.steps")
    assert "below" in refused(lesson_text(STEP.replace("descent_1d", "descent_2d")
                                          + "    state: {gd2.start: [-5000, 0]}\n"), "gd2.start")


@pytest.mark.parametrize("state, words", [
    ("{gd1.lr: 0.33}", ["'gd1.lr'", "not one of the", "from 0.0001 to 10", "nearest: 0.3 and 0.4"]),
    ("{gd1.fn: moon}", ["'gd1.fn'", "not one of", "bowl"]),
    ("{gd1.opt: lbfgs}", ["'gd1.opt'", "adam"]),
    ("{gd1.steps: 2.5}", ["not a whole number"]),
    ("{gd1.x0: .nan}", ["not a finite number"]),
    ("{gd1.x0: abc}", ["not a number"]),
    ("{gd1.x0: {a: 1}}", ["wrong type", "a mapping"]),
    ("{gd1.x0: [1, true]}", ["wrong type", "mixed"]),
    ("{gd1.colour: red}", ["'gd1.colour' is not a control of this page", "gd1.x0"]),
    ("[1, 2]", ["must be a mapping"]),
])
def test_bad_state_values_are_refused_with_the_reason(state, words):
    msg = refused(lesson_text(STEP + f"    state: {state}\n"), "Step 1")
    for w in words:
        assert w in msg, (w, msg)


def test_wrong_types_and_missing_fields():
    assert "field 'say' is missing" in refused(lesson_text("  - page: softmax\n    title: T\n"), "Step 1")
    assert "wrong type" in refused(lesson_text("  - page: softmax\n    title: [a, b]\n    say: S\n"), "'title'")
    assert "unknown field 'sya'" in refused(lesson_text(STEP + "    sya: typo\n"), "Step 1")
    assert "no question" in refused(lesson_text(STEP + "    answer: 42\n"), "'answer'")
    assert load(lesson_text(STEP + "    question: 6 times 7?\n    answer: 42\n"), TABLES).steps[0].answer == "42"
    assert "true or false" in refused(lesson_text(STEP.replace("descent_1d", "fit_line")
                                                  + "    state: {fit.scale: maybe}\n"), "fit.scale")
    refused("just a sentence", "must be a mapping")
    refused("title: T\nsteps: []\n", "at least one step")
    refused("title: T\nsteps: {a: 1}\n", "'steps' must be a list")
    refused(lesson_text("  - just text\n"), "Step 1: wrong type")
    refused("lesson: 7\n" + lesson_text(STEP), "format 7")
    refused("steps:\n" + STEP, "'title' is missing")


def test_a_home_step_takes_no_state():
    assert load(lesson_text(STEP.replace("descent_1d", "home")), TABLES, PAGES).steps[0].page == "home"
    refused(lesson_text(STEP.replace("descent_1d", "home") + "    state: {x: 1}\n"), "no controls")


def test_hostile_files_are_refused_quickly():
    refused("title: T\n# " + "x" * MAX_BYTES + "\n", "limit is 64 KB")
    refused(b"\xff\xfe title", "not UTF-8")
    refused("[" * 5000 + "]" * 5000, "nested too deeply")  # JSON: would overflow a recursive reader
    refused("a: " + "[" * 5000, "nested too deeply")  # YAML, and not even closed
    refused(lesson_text(STEP + "    state: {gd1.fn: [[[[[bowl]]]]]}\n"), "nested too deeply")
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: [*b, *b, *b, *b]\n"
    refused(bomb, "anchors or aliases")
    refused("title: !!python/object/apply:os.system [echo hi]\nsteps: []\n", "cannot be read")
    refused("title: T\nsteps: [\n", "not valid YAML")
    refused('{"title": "T", "steps": [}', "not valid JSON")
    refused(lesson_text(STEP * (MAX_STEPS + 1)), f"at most {MAX_STEPS}")
    refused(lesson_text(STEP.replace("Slope", "S" * 500)), "at most 120")
    refused(lesson_text(STEP + f"    state: {{gd1.expr: '{'x+' * 200}x'}}\n"), "too long")
    refused(lesson_text(STEP + '    state: {gd1.expr: "x\\u0000"}\n'), "control character")


def test_a_lesson_of_only_missing_optional_pages_is_refused():
    refused(lesson_text("  - page: tensors\n    optional: true\n    title: T\n    say: S\n"), "none of its steps",
            pages=PAGES - {"tensors"})
    refused(lesson_text(STEP + "    optional: yes please\n"), "'optional'")


def test_the_library_never_imports_streamlit():
    code = ("import sys, explorer.lessons, explorer.lessons.store, explorer.lessons.store.sqlite_store, "
            "explorer.lessons.store.redis_store; print('streamlit' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
