"""Shared test configuration: one torch thread, the slow marker and its flag.

The suite runs thousands of small FFTs and tensor operations. On this project's two-core
machines a two-thread OpenMP region waits for a descheduled thread on every call when the
other core is busy: measured 8 ms per small FFT against 70 us single-threaded, 5-13x slower
validation claims, 10-30x slower BLAS calls. One thread makes the timings independent of load.
"""

import pytest
import torch

torch.set_num_threads(1)


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
