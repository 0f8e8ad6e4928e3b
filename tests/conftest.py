"""Shared test configuration: deliberate thread counts, the slow marker and its flag."""

import os

import pytest
import torch

# Two cores here; oversubscribed BLAS/FFT threads make the suite many times slower.
torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS", "2")))


def pytest_addoption(parser):
    parser.addoption(
        "--runslow", action="store_true", default=False, help="also run tests marked slow"
    )


def pytest_collection_modifyitems(config, items):
    if config.getoption("--runslow"):
        return
    skip = pytest.mark.skip(reason="slow: run with --runslow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)
