"""Explorer: see machine-learning ideas, each backed by real PyTorch.

The library never imports streamlit (only ``explorer.ui``, ``pages/`` and ``explorer.bench`` do).
"""

SEED = 0  # the one seed: data order, weight init, noise and masks all start from it
