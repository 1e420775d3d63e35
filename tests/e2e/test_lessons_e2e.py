"""Lessons in Chromium: the built-in lesson end to end, the keyboard, building a lesson, and a class of two
students following a teacher (one process here; 2 replicas behind nginx in test_lessons_replicas_e2e.py)."""

from __future__ import annotations

import base64
import re
import statistics
import time
from pathlib import Path

import pytest
from conftest import screenshot, start_streamlit, stop_streamlit, wait_for_app
from lessons_helpers import (
    LESSON,
    N,
    eventually,
    join_by_code,
    present,
    shows_state,
    slider_value,
    start_class,
    step_text,
    teacher_menu,
    wait_step,
)

from explorer.ui.lessons.session import load

pytestmark = pytest.mark.e2e
FOLLOW_STEPS = 5  # the teacher presses Next this many times


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    """One `streamlit run` with its own SQLite class store."""
    mp = pytest.MonkeyPatch()
    mp.setenv("EXPLORER_CLASS_DIR", str(tmp_path_factory.mktemp("classes")))
    mp.delenv("EXPLORER_CLASS_STORE", raising=False)
    proc, url = start_streamlit()
    mp.undo()
    yield url
    stop_streamlit(proc)


def test_presenting_the_builtin_lesson_shows_every_step_with_its_state(browser_page, base):
    page = browser_page
    present(page, base)
    assert page.locator('[data-testid="stSidebar"] input[type="checkbox"]').first.is_checked()  # classroom mode
    for k in range(1, N + 1):
        wait_step(page, k)
        eventually(lambda k=k: shows_state(page, k), timeout=30)
        # classroom mode stays on from step to step (the address bar never carries it: each viewer's choice)
        assert page.locator('[data-testid="stSidebar"] input[type="checkbox"]').first.is_checked()
        if k in (3, 11, 14):
            screenshot(page, f"lessons-step-{k:02d}")
        if k < N:
            page.get_by_role("button", name="Next").click()
    assert page.get_by_role("button", name="Next").is_disabled()


def test_keyboard_moves_through_steps_and_reset_brings_the_state_back(browser_page, base):
    page = browser_page
    present(page, base)
    page.keyboard.press("ArrowRight")
    wait_step(page, 2)
    page.keyboard.press("PageDown")  # a presentation clicker's "next"
    wait_step(page, 3)
    eventually(lambda: shows_state(page, 3))
    steps = page.locator('input[type="range"][aria-label="Steps"]')
    steps.focus()
    page.keyboard.press("ArrowLeft")  # on a focused slider the arrows move the slider, not the lesson
    eventually(lambda: slider_value(page, "Steps") == 29.0)
    wait_for_app(page)
    assert "Step 3 of" in step_text(page)
    teacher_menu(page, "Reset this step")
    eventually(lambda: slider_value(page, "Steps") == 30.0)
    page.evaluate("document.activeElement.blur()")  # focus off the slider
    page.keyboard.press("ArrowLeft")
    wait_step(page, 2)
    page.keyboard.press("PageUp")
    wait_step(page, 1)
    eventually(lambda: shows_state(page, 1))
    page.keyboard.press("PageDown")
    wait_step(page, 2)  # Streamlit merges two presses that arrive while a run is pending into one trigger: one step
    page.keyboard.press("PageDown")
    wait_step(page, 3)
    eventually(lambda: shows_state(page, 3))  # back on the page it was changed on: the step's state again


def test_a_view_added_on_a_page_becomes_a_lesson_to_present(browser_page, base):
    page = browser_page
    page.goto(base + "/softmax?softmax.T=2.5")
    wait_for_app(page)
    page.get_by_role("button", name="Add this view to a lesson").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Title").fill("A hot softmax")
    dialog.get_by_label("What to say (one or two sentences)").fill("A large temperature flattens the probabilities.")
    dialog.get_by_role("button", name="Add to my lesson").click()
    dialog.wait_for(state="hidden")
    page.get_by_role("link", name="Lessons").click()  # in the app: a fresh page load would be a new session
    page.get_by_text("1. A hot softmax").wait_for(timeout=20_000)
    page.get_by_role("button", name="Present").nth(1).click()  # the second card: yours
    page.wait_for_function("() => document.body.innerText.includes('Step 1 of 1')")
    wait_for_app(page)
    eventually(lambda: slider_value(page, "Temperature T") == 2.5)
    assert "softmax.T=2.5" in page.url


def test_an_uploaded_lesson_is_checked(browser_page, base, tmp_path):
    page = browser_page
    page.goto(base + "/lessons")
    wait_for_app(page)
    bad = tmp_path / "bad.yaml"
    bad.write_text("title: T\nsteps:\n  - page: fit_line\n    title: Fit\n    say: S\n    state: {fit.steps: 9000}\n")
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(bad))
    error = page.locator('[data-testid="stAlert"]').filter(has_text="was not loaded")
    error.wait_for(timeout=20_000)
    assert "Step 1 (“Fit”)" in error.inner_text() and "9000 is above the largest allowed value, 500" in error.inner_text()
    good = tmp_path / "good.yaml"
    good.write_text("title: Two fits\nsteps:\n  - page: fit_line\n    title: Fit\n    say: S\n    state: {fit.steps: 90}\n"
                    "  - page: fit_line\n    title: Fit again\n    say: S\n")
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(good))
    page.get_by_text("Loaded “Two fits” (2 steps) into your lesson.").wait_for(timeout=20_000)
    page.locator(".st-key-lesson-down0 button").first.click()
    page.get_by_text("1. Fit again").wait_for(timeout=10_000)
    with page.expect_download() as download:  # the file is written when the button is pressed
        page.get_by_role("button", name="Download the lesson file").click()
    assert download.value.suggested_filename == "lesson.yaml"
    lesson = load(Path(download.value.path()).read_text(encoding="utf-8"))
    assert lesson.title == "Two fits" and [(s.title, s.state) for s in lesson.steps] == [
        ("Fit again", {}), ("Fit", {"fit.steps": "90"})]


def test_a_wrong_code_gets_a_clear_message(browser_page, base):
    page = browser_page
    join_by_code(page, base, "12")
    page.get_by_text("A class code is six letters and digits").wait_for(timeout=20_000)
    join_by_code(page, base, "abc-def")
    page.get_by_text("There is no class with the code ABC-DEF").wait_for(timeout=20_000)


def test_the_class_panel_shows_the_join_links_qr_code(browser_page, base):
    from explorer.ui.lessons.classroom import qr_svg

    page = browser_page
    code = start_class(page, base)
    img = page.locator('img[alt^="QR code of the join link"]').first
    img.wait_for(timeout=20_000)
    link = img.get_attribute("alt").removeprefix("QR code of the join link ")
    assert link.endswith("/lessons?class=" + code.replace("-", ""))
    kind, drawn = img.get_attribute("src").split(",", 1)
    assert kind == "data:image/svg+xml;base64"  # inline: nothing more to fetch
    modules = re.compile(r'class="qrline"[^>]* d="([^"]+)"')
    assert modules.search(base64.b64decode(drawn).decode()).group(1) == modules.search(qr_svg(link, 300)).group(1)
    assert img.bounding_box()["width"] >= 250  # classroom size: readable from the back
    screenshot(page, "lessons-class-qr")


def test_two_students_follow_the_teacher(browser, base):
    contexts = [browser.new_context(viewport={"width": 1280, "height": 720}) for _ in range(3)]
    try:
        teacher, s1, s2 = (c.new_page() for c in contexts)
        follow_a_class(teacher, s1, s2, base, base)
    finally:
        for c in contexts:
            c.close()


def teacher_next(teacher, k: int) -> float:
    """Press → until the teacher's own bar shows step k (a key pressed while a heavy page is still being
    drawn can be lost, and a teacher presses again); returns when the press that counted was made."""
    for _ in range(3):
        t0 = time.monotonic()
        teacher.keyboard.press("ArrowRight")
        try:
            teacher.wait_for_function("t => document.body.innerText.includes(t)", arg=f"Step {k} of", timeout=8000)
            return t0
        except Exception:  # noqa: BLE001 - Playwright's timeout: press again
            continue
    raise AssertionError(f"the teacher's → did not reach step {k}: at {step_text(teacher)!r}")


def followed(teacher, students, k: int, t0: float, timeout: float = 15.0) -> list[float]:
    """Seconds from the teacher's key press until each student's bar shows step k (polled side by side)."""
    took = {}
    while len(took) < len(students) and time.monotonic() - t0 < timeout:
        for i, s in enumerate(students):
            if i not in took and f"Step {k} of" in step_text(s):
                took[i] = time.monotonic() - t0
        time.sleep(0.05)
    if len(took) < len(students):
        for i, s in enumerate(students):
            screenshot(s, f"lessons-debug-student{i}-step{k}")
            print(f"student {i}: {s.url} · {s.evaluate('document.body.innerText.length')} characters shown")
        raise AssertionError(f"after {timeout:.0f} s: students at {[step_text(s) for s in students]}, "
                             f"teacher at {step_text(teacher)!r}")
    return [took[i] for i in range(len(students))]


def follow_a_class(teacher, s1, s2, teacher_base: str, student_base: str) -> list[float]:
    """The whole class scenario; returns the seconds each student took to follow each Next."""
    errors = []  # a script error in a student's browser is part of the story if the class is lost
    for who, page in (("student 0", s1), ("student 1", s2)):
        page.on("pageerror", lambda err, who=who: errors.append(f"{who}: {err}"))
    try:
        waits = _follow(teacher, s1, s2, teacher_base, student_base)
    except AssertionError as err:
        raise AssertionError(f"{err}\nbrowser errors: {errors}") from None
    assert not errors, errors
    return waits


def _follow(teacher, s1, s2, teacher_base: str, student_base: str) -> list[float]:
    code = start_class(teacher, teacher_base)
    join_by_code(s1, student_base, code)
    s2.goto(f"{student_base}/lessons?class={code.replace('-', '')}")  # the link (or the QR code)
    for s in (s1, s2):
        wait_step(s, 1)
        assert f"Class {code} · Step 1 of {N}" in step_text(s)
        assert s.get_by_role("button", name="Next").count() == 0  # a student cannot move the class
    teacher.get_by_text("2 following").wait_for(timeout=15_000)
    teacher.get_by_role("button", name="Go to step 1").click()
    wait_step(teacher, 1)

    waits = []
    for k in range(2, FOLLOW_STEPS + 2):
        t0 = teacher_next(teacher, k)
        waits += followed(teacher, (s1, s2), k, t0)
        for s in (s1, s2):
            wait_for_app(s)
            eventually(lambda s=s, k=k: shows_state(s, k))
    print(f"\nfollow times (s): {[round(w, 2) for w in waits]}; median {statistics.median(waits):.2f}")

    s1.keyboard.press("ArrowRight")  # the student's keys move nothing
    time.sleep(1.5)
    assert f"Step {FOLLOW_STEPS + 1} of" in step_text(s1)

    k = FOLLOW_STEPS + 1
    if LESSON.steps[k - 1].question:
        teacher.get_by_role("button", name="Reveal the answer").click()
        for s in (s1, s2):
            s.get_by_text("Answer:").wait_for(timeout=10_000)

    teacher_menu(teacher, "Pause the class (eyes on the teacher)")
    for s in (s1, s2):
        s.locator(".explorer-eyes").wait_for(timeout=10_000)
        assert "Eyes on the teacher" in s.locator(".explorer-eyes").inner_text()
    screenshot(s1, "lessons-student-paused")
    teacher_menu(teacher, "Resume the class")
    for s in (s1, s2):
        s.locator(".explorer-eyes").wait_for(state="detached", timeout=10_000)

    teacher_menu(teacher, "End the class")
    for s in (s1, s2):
        s.get_by_text(f"The class {code} has ended").wait_for(timeout=15_000)
    return waits
