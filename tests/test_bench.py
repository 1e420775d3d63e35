"""The benchmark's pieces: the floor page, control changes, degrading figures, the manifest rows."""

import json
import time

import pytest
from apps import app_test

from explorer.bench import cli as bench
from explorer.bench.apptest import control_changer, latent_pick, rerun_median_ms
from explorer.bench.loadtest_widgets import _array
from explorer.bench.server import FLOOR_CLICK_SCRIPT as FLOOR_CLICK
from explorer.bench.server import FLOOR_SCRIPT as FLOOR


def _spec(at) -> dict:
    return json.loads(at.get("plotly_chart")[0].proto.spec)


def test_floor_page_is_one_slider_a_5000_point_scattergl_and_one_28px_image():
    at = app_test(FLOOR).run()
    assert not at.exception
    assert len(at.slider) == 1 and at.slider[0].key == "floor.level"
    data = _spec(at)["data"]
    assert [t["type"] for t in data] == ["scattergl"]
    assert _array(data[0]["x"]).size == 5000 and _array(data[0]["y"]).size == 5000
    assert len(at.get("image")) == 1


def test_floor_slider_changes_the_image_and_not_the_chart():
    at = app_test(FLOOR).run()
    spec, url = at.get("plotly_chart")[0].proto.spec, at.get("image")[0].proto.imgs[0].url
    at.slider[0].set_value(90).run()
    assert at.get("image")[0].proto.imgs[0].url != url  # a new PNG: the pixels changed
    assert at.get("plotly_chart")[0].proto.spec == spec  # the big figure is the same every rerun


def test_floor_click_page_is_the_same_chart_and_a_click_changes_its_image():
    at = app_test(FLOOR_CLICK).run()
    assert not at.exception and not at.slider
    floor = app_test(FLOOR).run()
    assert _spec(at)["data"][0]["x"] == _spec(floor)["data"][0]["x"]  # the same 5,000 points
    url = at.get("image")[0].proto.imgs[0].url
    x = float(_array(_spec(at)["data"][0]["x"])[17])
    at.session_state["floor.click"] = {"selection": {"points": [{"curve_number": 0, "point_number": 17,
                                                                 "point_index": 17, "x": x, "y": 0.0}],
                                                     "point_indices": [17], "box": [], "lasso": []}}
    at.run()
    assert not at.exception and at.get("image")[0].proto.imgs[0].url != url


def test_the_latent_pages_move_is_a_pick_on_the_live_map():
    wall, cpu, label = rerun_median_ms("pages/latent.py", repeats=2, warmup=1, act=latent_pick)
    assert wall > 0 and cpu > 0 and "pick on the live map" in label


def test_control_changer_alternates_between_two_values():
    at = app_test(FLOOR).run()
    label, change = control_changer(at)
    assert "floor.level" in label
    seen = []
    for i in range(4):
        change(i)
        at.run()
        seen.append(at.slider[0].value)
    assert seen[0] != seen[1] and seen[0] == seen[2] and seen[1] == seen[3]
    assert all(0 <= v <= 100 for v in seen)


def test_rerun_median_reports_the_control_it_moved():
    wall, cpu, label = rerun_median_ms(FLOOR, repeats=3, warmup=1)
    assert wall > 0 and cpu > 0 and "floor.level" in label


def test_a_failing_figure_reads_na_with_its_reason():
    def broken():
        raise FileNotFoundError("models/vae-mnist-5k.pt")

    fig = bench.measure("compute", "one decode", "ms", broken)
    assert fig.value is None and "FileNotFoundError" in fig.note
    assert fig.shown().startswith("n/a (FileNotFoundError: models/vae-mnist-5k.pt")
    ok = bench.measure("compute", "x", "ms", lambda: (12.345, "note"))
    assert ok.value == pytest.approx(12.345) and ok.shown() == "12.3 ms" and ok.note == "note"
    md = bench.table(bench.machine(), [fig, ok])
    assert "| compute | one decode | n/a (FileNotFoundError" in md and "| compute | x | 12.3 ms | note |" in md


def test_median_ms_runs_warmup_then_repeats():
    calls = []
    bench.median_ms(lambda: calls.append(1), repeats=5, warmup=2)
    assert len(calls) == 7


def test_training_rows_come_from_the_manifest(tmp_path, monkeypatch):
    manifest = {"format": 1, "models": {"vae-mnist-5k": {"train_seconds": 41.5, "epochs": 60,
                                                         "metrics": {"neg_elbo": 141.25}}}}
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))
    monkeypatch.setenv("EXPLORER_MODELS", str(tmp_path))
    figs = bench.training_figures(False, log=None)
    assert [(f.name, f.value) for f in figs] == [("vae-mnist-5k: training time", 41.5),
                                                 ("vae-mnist-5k: held-out neg_elbo", 141.25)]
    assert "60 epochs" in figs[0].note


def test_missing_manifest_is_one_na_row(tmp_path, monkeypatch):
    monkeypatch.setenv("EXPLORER_MODELS", str(tmp_path))
    figs = bench.training_figures(False, log=None)
    assert len(figs) == 1 and figs[0].value is None and "missing" in figs[0].note


def test_a_process_groups_cpu_counts_its_children():
    """The bench waits for a server's warm-up through its process group's CPU (replicas are children)."""
    import subprocess
    import sys

    from explorer.bench.load import group_cpu_seconds

    parent = subprocess.Popen([sys.executable, "-c", "import subprocess, sys; subprocess.run([sys.executable, '-c', "
                               "'import time; t = time.process_time()\\nwhile time.process_time() - t < 0.6: pass\\n"
                               "time.sleep(5)'])"], start_new_session=True)
    try:
        time.sleep(2.0)
        assert group_cpu_seconds(parent.pid) >= 0.5  # the child's busy loop, not the idle parent's
        assert group_cpu_seconds(parent.pid + 10**7) == 0  # no such group
    finally:
        parent.kill()
        subprocess.run(["pkill", "-g", str(parent.pid)], check=False)
