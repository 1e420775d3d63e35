"""Shared test settings: run from the repository root, one torch thread per test process."""

import os

import torch

from explorer import ROOT

os.chdir(ROOT)  # AppTest.from_file("pages/…") and the models folder are relative to the root
torch.set_num_threads(1)
# the servers the tests start skip the warm-up's denoise scores (~10 s of CPU each, on shared cores)
os.environ.setdefault("EXPLORER_WARM", "models")
