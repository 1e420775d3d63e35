"""The library never imports streamlit: only explorer.ui, explorer.bench and pages/ may."""

import pkgutil
import subprocess
import sys

import explorer
from explorer import ROOT

ALLOWED = ("explorer.ui", "explorer.bench")


def library_modules() -> list[str]:
    """Every module of the explorer package outside the rooms that may import streamlit."""
    found = pkgutil.walk_packages(explorer.__path__, "explorer.")
    return sorted(m.name for m in found if not m.name.startswith(ALLOWED))


def test_importing_every_library_module_leaves_streamlit_out():
    modules = library_modules()
    assert {"explorer.descent", "explorer.zoo", "explorer.figures.descent"} <= set(modules)  # the walk found them
    code = ("import sys\n" + "".join(f"import {m}\n" for m in modules)
            + "print(sorted(m for m in sys.modules if m == 'streamlit' or m.startswith('streamlit.')))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", f"a library module imported streamlit: {out.stdout[:300]}"


def test_the_check_sees_a_streamlit_import(tmp_path):
    """The same check on a module that imports streamlit does report it (the test can fail)."""
    (tmp_path / "leaky.py").write_text("import streamlit\n")
    code = "import sys, leaky\nprint(sorted(m for m in sys.modules if m == 'streamlit'))"
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "['streamlit']"
