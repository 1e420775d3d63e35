"""The bench's table: one Figure per line, each measured so that a failure reads "n/a (why)"."""

from __future__ import annotations

import os
import platform
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class Figure:
    """One line of the table: a value with its unit, or None and the reason it is missing."""

    section: str
    name: str
    value: float | None = None
    unit: str = ""
    note: str = ""

    def shown(self) -> str:
        if self.value is None:
            return f"n/a ({self.note})" if self.note else "n/a"
        digits = 2 if abs(self.value) < 10 else 1 if abs(self.value) < 100 else 0
        return f"{self.value:,.{digits}f} {self.unit}".strip()


def measure(section: str, name: str, unit: str, fn: Callable[[], float | tuple[float, str]], log=None) -> Figure:
    """Run ``fn`` (returning a value, or (value, note)); any failure becomes "n/a (reason)"."""
    t0 = time.monotonic()
    try:
        out = fn()
        value, note = out if isinstance(out, tuple) else (out, "")
        fig = Figure(section, name, float(value), unit, note)
    except Exception as err:  # noqa: BLE001 - any missing piece must not stop the other figures
        fig = Figure(section, name, None, unit, f"{type(err).__name__}: {err}"[:200])
    if log:
        log(f"  {name}: {fig.shown()}  [{time.monotonic() - t0:.0f} s]")
    return fig


def median_ms(fn: Callable[[], object], repeats: int = 21, warmup: int = 2) -> float:
    """Median wall time of ``fn()`` in milliseconds."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000.0)
    return statistics.median(times)


def machine() -> dict:
    """CPU model, cores, library versions: what the figures were measured on."""
    import plotly
    import streamlit
    import torch

    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next((ln.split(":", 1)[1].strip() for ln in f if ln.startswith("model name")), cpu)
    except OSError:
        pass
    return {"cpu": cpu, "cores": os.cpu_count(), "python": platform.python_version(),
            "torch": torch.__version__, "torch_threads": torch.get_num_threads(),
            "streamlit": streamlit.__version__, "plotly": plotly.__version__, "os": platform.platform(),
            "load_average": [round(v, 1) for v in os.getloadavg()]}  # other work on the machine skews figures


def table(info: dict, figures: list[Figure]) -> str:
    """The markdown table: the machine, then one row per figure."""
    head = (f"Machine: {info['cpu']}, {info['cores']} cores; Python {info['python']}, torch {info['torch']} "
            f"({info['torch_threads']} thread), Streamlit {info['streamlit']}, Plotly {info['plotly']}; "
            f"load average at start {info['load_average'][0]}" + (f"; servers with {' '.join(info['env'])}."
                                                                   if info.get("env") else "."))
    lines = [head, "",
             "| section | figure | median | note |", "| --- | --- | --- | --- |"]
    for f in figures:
        note = "" if f.value is None else f.note
        lines.append(f"| {f.section} | {f.name} | {f.shown()} | {note} |")
    return "\n".join(lines)
