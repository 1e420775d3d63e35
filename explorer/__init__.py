"""Explorer: see machine-learning ideas, each backed by real PyTorch.

The library never imports streamlit (only ``explorer.ui``, ``explorer.bench`` and ``pages/`` do;
tests/test_import_rule.py checks it). Its rooms are described in docs/ARCHITECTURE.md.
"""

from pathlib import Path

SEED = 0  # the one seed: data order, weight init, noise and masks all start from it
ROOT = Path(__file__).resolve().parents[1]  # the repository: pages/, models/, deploy/ live here
