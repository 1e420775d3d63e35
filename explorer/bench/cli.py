"""`python -m explorer bench [--json] [--load] [--replicas N] [--train] [--quick]`: every figure, one run.

Medians throughout; each figure that cannot be measured here (no chromium, no checkpoint, no
page yet) reads "n/a (reason)" instead of stopping the run. The table goes to stdout as markdown
(or JSON with --json); progress goes to stderr.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import asdict
from pathlib import Path

from explorer import ROOT
from explorer.bench.report import Figure, machine, measure, median_ms, table

LATENT_UP = "() => !!window.__liveMap && !!window.__liveMap.shownZ"  # the latent page's map and digit are drawn


def page_figures(repeats: int, log) -> list[Figure]:
    """AppTest rerun medians per page after a control change, and each one's ratio to the floor page.

    The ratio is of wall-time medians; the CPU-time ratio beside it is
    the steadier one when other work shares the machine.
    """
    from explorer.bench.apptest import latent_pick, live_descent_release, live_softmax_release, rerun_median_ms
    from explorer.bench.server import FLOOR_SCRIPT as FLOOR
    from explorer.ui.pages import PAGES

    # a move of z is the live map's pick, a descent page's learning rate or a logit its live widget's release
    acts = {"pages/latent.py": latent_pick, "pages/descent_1d.py": live_descent_release("gd1.live"),
            "pages/descent_2d.py": live_descent_release("gd2.live"), "pages/fit_line.py": live_descent_release("fit.live"),
            "pages/softmax.py": live_softmax_release("softmax.live")}
    runs = [(FLOOR, "floor page", None)] + [(p.path, p.title, acts.get(p.path)) for p in PAGES
                                            if (ROOT / p.path).exists()]
    figs, floor = [], None
    for path, title, act in runs:
        cpu = {}

        def run(path=path, act=act, cpu=cpu):
            wall, cpu["ms"], label = rerun_median_ms(path, repeats, act=act)
            return wall, f"cpu {cpu['ms']:.1f} ms; {label}"
        fig = measure("pages", f"{title} rerun (AppTest)", "ms", run, log)
        figs.append(fig)
        if path == FLOOR:
            floor = (fig.value, cpu.get("ms"))
        elif fig.value is not None and floor and floor[0]:
            figs.append(Figure("pages", f"{title} / floor", fig.value / floor[0], "×",
                               f"cpu ratio {cpu['ms'] / floor[1]:.1f}×"))
    missing = [p.path for p in PAGES if not (ROOT / p.path).exists()]
    if missing:
        figs.append(Figure("pages", "pages not measured", None, "", "not built yet: " + ", ".join(missing)))
    return figs


def compute_figures(log) -> list[Figure]:
    """The library's own costs: decodes, a trajectory, a surface grid."""
    import numpy as np

    def vae():
        from explorer import zoo
        return zoo.load("vae")

    def one_decode():
        from explorer import latent
        model, z = vae(), np.array([0.5, -0.5], dtype=np.float32)
        return median_ms(lambda: latent.decode(model, z), repeats=101)

    def manifold():
        from explorer import latent
        model, codes = vae(), latent.manifold_codes(20)  # (400, 2)
        return median_ms(lambda: latent.decode(model, codes))

    def trajectory():
        from explorer.descent import descend
        from explorer.surfaces import CURVES
        c = CURVES["two_minima"]
        return median_ms(lambda: descend(c.f, c.start, "adam", 0.01, 500), repeats=7)

    def surface():
        from explorer.surfaces import SURFACES, grid
        return median_ms(lambda: grid(SURFACES["rosenbrock"], n=200))

    return [measure("compute", "one decode (VAE, 1 z)", "ms", one_decode, log),
            measure("compute", "20×20 manifold decode (400 z, one batch)", "ms", manifold, log),
            measure("compute", "500-step 1-D trajectory (adam, descend)", "ms", trajectory, log),
            measure("compute", "200×200 2-D surface (grid)", "ms", surface, log)]


def browser_figures(log) -> list[Figure]:
    """Cold start, click -> image (live map against the floor, one run) and the live map's rate, in headless Chromium."""
    from explorer.bench import browser as bb

    runs: dict = {}

    def once(name: str, fn):  # one measurement feeds several lines (and fails them all alike)
        if name not in runs:
            try:
                runs[name] = fn()
            except Exception as err:  # noqa: BLE001 - measure() turns it into "n/a (reason)"
                runs[name] = err
        if isinstance(runs[name], Exception):
            raise runs[name]
        return runs[name]

    def click(what: str):
        c = once("click", bb.click_to_image_ms)
        if what == "ratio":
            return c["map_ms"] / c["floor_ms"], "goal ≤ 2×; both in the same run and Chromium"
        return c[f"{what}_ms"], f"median of {c[f'{what}_clicks']} clicks"

    DRAGGED = (("descent_1d", "Slope and descent"), ("descent_2d", "Descent on surfaces"), ("fit_line", "Fit a line"))

    def drag(path: str):
        d = bb.live_descent_rate(path)
        if d["sent"]:
            raise RuntimeError(f"the browser sent {d['sent']} websocket frames during the drag")
        return d["rate"], (f"{d['run_ms']:.2f} ms per run of the optimizers, {d['draw_ms']:.2f} ms per redraw; "
                           "one input event per animation frame, 0 frames to the server")

    def live(i: int):
        return once("live", bb.live_map_rate)[i], "2 s mouse sweep over the latent page's map"

    from explorer.ui.pages import PAGES

    paths = [("" if i == 0 else Path(p.path).stem, p.title) for i, p in enumerate(PAGES)]
    ready = {"latent": LATENT_UP}  # a page whose in-browser widget must be drawn too
    cold = [measure("browser", f"cold start → {title} rendered", "s",
                    lambda path=path: bb.cold_start_s(path, ready.get(path)), log) for path, title in paths]
    return cold + [
        measure("browser", "click on the live map → its digit (latent)", "ms", lambda: click("map"), log),
        measure("browser", "click on a chart → new image (floor-click page)", "ms", lambda: click("floor"), log),
        measure("browser", "click → image, live map / floor", "×", lambda: click("ratio"), log),
        measure("browser", "live map: decodes per second", "/s", lambda: live(0), log),
        measure("browser", "live map: ms per decode", "ms", lambda: live(1), log),
        *(measure("browser", f"live descent, {title}: redraws per second while η is dragged", "/s",
                  lambda path=path: drag(path), log) for path, title in DRAGGED)]


def training_figures(retrain: bool, log) -> list[Figure]:
    """Training seconds and held-out metrics per model: from the manifest, or re-measured (--train)."""
    from explorer import zoo

    figs = []
    if retrain:
        for name in zoo.SPECS:
            _, record = zoo.train_model(name)
            figs += _training_rows(name, record, "re-measured")
            log(f"  trained {name}: {record['train_seconds']} s")
        return figs
    try:
        entries = zoo.read_manifest()["models"]
    except zoo.CheckpointError as err:
        return [Figure("training", "training seconds", None, "s", str(err))]
    for key, entry in sorted(entries.items()):
        figs += _training_rows(key, entry, f"manifest, {entry.get('epochs', '?')} epochs")
    return figs


def _training_rows(name: str, record: dict, note: str) -> list[Figure]:
    rows = [Figure("training", f"{name}: training time", record.get("train_seconds"), "s", note)]
    for metric, value in sorted((record.get("metrics") or {}).items()):
        rows.append(Figure("training", f"{name}: held-out {metric}", value, "", "test split"))
    return rows


def load_figures(replicas: int, duration: float, log, pages: list[str] | None = None) -> tuple[list[Figure], list[dict]]:
    """p50/p95 at N = 1, 10, 30 for the floor page and every page; each page's N=30 ratio to the floor (goal ≤ 1.5×,
    0 errors) as the median of its floor-then-page pairs (:func:`explorer.bench.load.paired_ratios`)."""
    from explorer.bench.load import FLOOR, load_matrix, pages_with_controls, paired_ratios

    try:
        rows = load_matrix(duration=duration, n_replicas=replicas, log=log, pages=pages)
        pairs = {r["target"]: r for r in paired_ratios(pages or pages_with_controls(), duration=duration,
                                                      n_replicas=replicas, log=log)}
    except Exception as err:  # noqa: BLE001 - no nginx, a server that never came up: say so, go on
        return [Figure("load", "load test", None, "", f"{type(err).__name__}: {err}"[:200])], []
    where = "1 process" if replicas == 1 else f"{replicas} replicas + nginx"
    figs, cpu = [], {}
    for r in rows:
        if r["n"] == 0:  # one session back to back: what a rerun costs the server, without queueing
            cpu[r["target"]] = r["server_cpu_ms"]
            figs.append(Figure("load", f"{r['target']}: server CPU per rerun", r["server_cpu_ms"], "ms",
                               f"{r['wall_ms']:.0f} ms wall, one session"))
            continue
        label = f"{r['target']} N={r['n']} ({where})"
        errs = (f"{r['errors']} errors" + (f" {r['error_kinds']}" if r["errors"] else "")
                + f", {r['actions']} reruns: {_controls(r['controls'])}")
        figs.append(Figure("load", f"{label} p50", r["p50_ms"], "ms", errs))
        figs.append(Figure("load", f"{label} p95", r["p95_ms"], "ms", errs))
    for target in dict.fromkeys(r["target"] for r in rows if r["target"] != FLOOR):
        if cpu.get(target) and cpu.get(FLOOR):
            figs.append(Figure("load", f"server CPU per rerun {target} / floor", cpu[target] / cpu[FLOOR], "×", ""))
        errors = sum(r["errors"] for r in rows if r["target"] == target and r["n"])
        pair = pairs.get(target, {})
        each = ", ".join(f"{r:.2f}" if r else "?" for r in pair.get("ratios", []))
        figs.append(Figure("load", f"p95 {target} / floor at N=30 ({where})", pair.get("ratio"), "×",
                           f"goal ≤ 1.5×; median of {len(pair.get('ratios', []))} floor-then-page pairs ({each}); "
                           f"{errors + pair.get('errors', 0)} errors at N = 1, 10, 30 and in the pairs"))
    return figs, rows + list(pairs.values())


def _controls(counts: dict) -> str:
    return ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "none"


def main(argv: list[str] | None = None) -> int:
    """Entry point of `python -m explorer bench`."""
    ap = argparse.ArgumentParser(prog="python -m explorer bench", description=__doc__.splitlines()[0])
    ap.add_argument("--json", action="store_true", help="print JSON instead of the markdown table")
    ap.add_argument("--load", action="store_true", help="also run the load test (N = 1, 10, 30)")
    ap.add_argument("--replicas", type=int, nargs="+", default=[1],
                    help="replica counts to load (1 = one process; more = behind nginx), e.g. --replicas 1 2")
    ap.add_argument("--duration", type=float, default=10.0, help="seconds of load per N and page")
    ap.add_argument("--pages", nargs="+", default=None, help="load only these pages (URL paths, e.g. latent softmax)")
    ap.add_argument("--train", action="store_true", help="re-measure training instead of reading the manifest")
    ap.add_argument("--quick", action="store_true", help="skip the browser figures (no chromium needed)")
    ap.add_argument("--only-load", action="store_true", help="only the load figures (implies --load)")
    ap.add_argument("--repeats", type=int, default=9, help="AppTest reruns per page")
    ap.add_argument("--env", action="append", default=[], metavar="NAME=VALUE",
                    help="environment for the servers, e.g. STREAMLIT_RUNNER_POST_SCRIPT_GC=false")
    args = ap.parse_args(argv)
    os.environ.update(kv.split("=", 1) for kv in args.env)  # the servers started below inherit it

    os.environ.setdefault("STREAMLIT_LOGGER_LEVEL", "error")  # before streamlit loads: AppTest's warnings
    import torch

    torch.set_num_threads(1)  # as each server replica runs: one thread, two cores shared
    os.chdir(ROOT)

    def log(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    info = machine() | {"env": args.env}
    figures, rows = [], []
    if not args.only_load:
        log("pages (AppTest)…")
        figures += page_figures(args.repeats, log)
        log("compute…")
        figures += compute_figures(log)
        if not args.quick:
            log("browser (headless Chromium)…")
            figures += browser_figures(log)
        log("training…")
        figures += training_figures(args.train, log)
    if args.load or args.only_load:
        log("load…")
        for n_replicas in args.replicas:
            more, more_rows = load_figures(n_replicas, args.duration, log, args.pages)
            figures += more
            rows += more_rows
    if args.json:
        print(json.dumps({"machine": info, "figures": [asdict(f) for f in figures], "load": rows}, indent=2))
    else:
        print(table(info, figures))
    return 0
