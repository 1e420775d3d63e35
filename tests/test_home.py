"""Home page and entry script: render without exception, one card per existing page."""

import subprocess
import sys

from apps import app_test
from streamlit.testing.v1 import AppTest

from explorer import ROOT
from explorer.ui.pages import PAGES
from explorer.ui.theme import CLASSROOM_ROOT_PX

BIG = f"font-size: {CLASSROOM_ROOT_PX}px"


def test_home_renders_a_card_per_page():
    at = app_test("pages/home.py").run()
    assert not at.exception
    assert at.title[0].value == "Explorer"
    shown = " ".join(m.value for m in at.markdown)
    for info in PAGES[1:]:  # run on its own there is no navigation: each card names its page in bold
        assert f"**{info.title}**" in shown and info.blurb in shown


def test_entry_script_runs_home_with_classroom_toggle():
    at = app_test("streamlit_app.py").run()
    assert not at.exception
    assert at.title[0].value == "Explorer"
    assert at.sidebar.toggle[0].label == "Classroom mode"
    existing = [p.title for p in PAGES[1:]]
    assert [link.proto.label for link in at.get("page_link")] == existing


def test_classroom_toggle_enlarges_type_but_stays_out_of_the_address():
    at = app_test("streamlit_app.py").run()
    assert BIG not in "".join(h.proto.body for h in at.get("html"))
    at.sidebar.toggle[0].set_value(True).run()
    assert "classroom" not in at.query_params  # a link copied from the projector must not switch the class to it
    assert BIG in "".join(h.proto.body for h in at.get("html"))


def test_classroom_from_url():
    at = app_test("streamlit_app.py")
    at.query_params["classroom"] = "1"
    at.run()
    assert at.sidebar.toggle[0].value is True


def test_the_home_page_opens_without_importing_torch():
    """A class opening the app on a fresh server must not wait for torch on the home page."""
    code = ("import sys\nfrom streamlit.testing.v1 import AppTest\n"
            "at = AppTest.from_file('streamlit_app.py', default_timeout=120).run()\n"
            "print(len(at.exception), 'torch' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["0", "False"]


def _pages_asked_twice() -> None:
    import streamlit as st

    from explorer.ui.pages import st_pages

    first, second = st_pages(), st_pages()
    picked = st.navigation(first, position="hidden")
    for said in (picked.title, [a is b for a, b in zip(first, second)], [p._can_be_called for p in second],
                 [p.url_path for p in second]):
        st.text(str(said))


def test_each_call_gets_its_own_copies_of_the_pages():
    at = AppTest.from_function(_pages_asked_twice, default_timeout=60).run()
    assert not at.exception
    title, same, callable_, paths = (t.value for t in at.text)
    assert title == PAGES[0].title
    assert same == str([False] * len(PAGES))  # st.navigation marks its pick callable in this run's copy only
    assert callable_ == str([False] * len(PAGES))
    assert paths == str([""] + [p.path.removeprefix("pages/").removesuffix(".py") for p in PAGES[1:]])
