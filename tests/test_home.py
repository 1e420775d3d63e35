"""Home page and entry script: render without exception, one card per existing page."""

from apps import app_test


def test_home_renders_cards():
    at = app_test("pages/home.py").run()
    assert not at.exception
    assert at.title[0].value == "Explorer"


def test_entry_script_runs_home_with_classroom_toggle():
    at = app_test("streamlit_app.py").run()
    assert not at.exception
    assert at.title[0].value == "Explorer"
    assert at.sidebar.toggle[0].label == "Classroom mode"
