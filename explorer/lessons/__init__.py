"""Lessons: a teacher's guided sequence of views, and the class store that lets a class follow it.

The library part (no Streamlit): the lesson file format and its checks (:mod:`.lesson`, with the
page-state checks in :mod:`.state`), the lessons that ship with the app, and :mod:`.store`.
"""

from __future__ import annotations

from pathlib import Path

from explorer.lessons.lesson import MAX_BYTES, MAX_STEPS, Lesson, LessonError, Step, dump, load

BUILTIN = Path(__file__).resolve().parent / "builtin"

__all__ = ["BUILTIN", "MAX_BYTES", "MAX_STEPS", "Lesson", "LessonError", "Step", "builtin_files", "dump", "load"]


def builtin_files() -> dict[str, str]:
    """The lessons that ship with the app: file stem -> YAML text, in name order."""
    return {p.stem: p.read_text(encoding="utf-8") for p in sorted(BUILTIN.glob("*.yaml"))}
