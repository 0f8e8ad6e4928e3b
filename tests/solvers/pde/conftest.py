"""PDE-family tests run torch single-threaded.

The pseudo-spectral solvers do thousands of small FFTs (a few thousand points each). On a
shared two-core machine, a two-thread OpenMP region waits for a descheduled thread on every
call: measured 8 ms per FFT under load against 70 us single-threaded, which would turn this
folder's 10 s into minutes. Single-threaded, the timings do not depend on the load.
"""

import pytest
import torch


@pytest.fixture(autouse=True)
def _single_threaded_torch():
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)
