"""Shared test settings: run from the repository root, one torch thread per test process."""

import os

import torch

from explorer import ROOT

os.chdir(ROOT)  # AppTest.from_file("pages/…") and the models folder are relative to the root
torch.set_num_threads(1)
