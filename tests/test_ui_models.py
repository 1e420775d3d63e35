"""The page-side loader: a broken checkpoint shows a warning and retrains; the page still runs."""

import pytest
from streamlit.testing.v1 import AppTest

from explorer import specs, zoo
from explorer.nets import Classifier

TINY = specs.Spec(Classifier, 1, specs._classifier, specs._acc, {"width": 2}, "tiny test classifier")


def _page():
    import streamlit as st

    from explorer.ui.models import load_model

    model = load_model("classifier")
    st.write(f"loaded {type(model).__name__}")
    st.write(f"missing {load_model('classifier', 'fashion-mnist') is None}")


@pytest.fixture
def tiny_models(tmp_path, monkeypatch):
    monkeypatch.setitem(specs.SPECS, "classifier", TINY)
    monkeypatch.setenv("EXPLORER_MODELS", str(tmp_path))
    monkeypatch.setenv("EXPLORER_DATA_CACHE", str(tmp_path / "data"))  # empty: fashion-mnist is offline
    from explorer.ui import models

    models._cached.clear()
    zoo._in_memory.clear()
    yield tmp_path
    models._cached.clear()


def test_broken_checkpoint_warns_retrains_and_page_keeps_running(tiny_models):
    (tiny_models / "manifest.json").write_text("{broken")
    at = AppTest.from_function(_page, default_timeout=120).run()
    assert not at.exception
    assert "loaded Classifier" in at.markdown[0].value
    assert any("manifest.json" in w.value for w in at.warning)  # says what happened
    assert "missing True" in at.markdown[1].value and at.error  # an offline dataset is an error, not a crash
    assert zoo.verify("classifier", root=tiny_models) is None  # the fresh model was saved
    at.run()  # a rerun: served from the cache, nothing retrained
    assert not at.exception and "loaded Classifier" in at.markdown[0].value
