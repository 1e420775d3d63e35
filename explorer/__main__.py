"""Command line: ``python -m explorer train ...`` and ``python -m explorer bench ...``."""

from __future__ import annotations

import argparse
import sys
import time

from explorer.data import DATASETS
from explorer.specs import SPECS

BAR = 30  # characters in the text progress bar


def _bar(name: str):
    """A per-epoch text progress bar as a ``progress(epoch, epochs, metrics)`` callback."""

    def progress(epoch: int, epochs: int, metrics: dict) -> None:
        done = round(BAR * epoch / epochs)
        line = (f"\r{name:<10} [{'#' * done}{'.' * (BAR - done)}] {epoch}/{epochs} "
                f"loss {metrics['loss']:.4g}  {metrics['seconds']:.0f}s")
        print(line, end="\n" if epoch == epochs else "", flush=True)

    return progress


def train_main(argv: list[str]) -> int:
    """Train models on the train split, print held-out metrics, write checkpoints + manifest."""
    parser = argparse.ArgumentParser(prog="python -m explorer train",
                                     description="Train the digit models and write models/.")
    parser.add_argument("--model", choices=(*SPECS, "restorer", "all"), default="all",
                        help="restorer = denoiser + inpainter")
    parser.add_argument("--dataset", choices=DATASETS, default="mnist-5k")
    parser.add_argument("--epochs", type=int, default=None, help="default: each model's recipe")
    parser.add_argument("--root", default=None, help="checkpoint folder (default: models/)")
    args = parser.parse_args(argv)
    if args.epochs is not None and args.epochs < 1:
        parser.error("--epochs must be at least 1")
    from explorer import zoo  # imported here so `--help` stays instant

    groups = {"all": list(SPECS), "restorer": ["denoiser", "inpainter"]}
    names = groups.get(args.model, [args.model])
    start = time.perf_counter()
    for name in names:
        try:
            model, record = zoo.train_model(name, args.dataset, args.epochs, _bar(name))
        except ValueError as err:  # e.g. a dataset that needs a download, offline
            print(f"error: {err}", file=sys.stderr)
            return 1
        path = zoo.save(name, model, args.dataset, record=record, root=args.root)
        shown = "  ".join(f"{k} {v:.4g}" for k, v in record["metrics"].items())
        print(f"{name:<10} test: {shown}  ({record['train_seconds']:.0f} s train, "
              f"{path.stat().st_size / 1e6:.2f} MB -> {path})", flush=True)
    print(f"total {time.perf_counter() - start:.0f} s", flush=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    """Dispatch ``train`` here and ``bench`` to ``explorer.bench.cli.main`` (imported lazily)."""
    argv = sys.argv[1:] if argv is None else list(argv)
    if not argv or argv[0] not in ("train", "bench"):
        print("usage: python -m explorer {train,bench} [options]  (add --help to a command)",
              file=sys.stderr)
        return 2
    if argv[0] == "train":
        return train_main(argv[1:])
    from explorer.bench.cli import main as bench_main  # imports streamlit: only when asked for

    return bench_main(argv[1:]) or 0


if __name__ == "__main__":
    sys.exit(main())
