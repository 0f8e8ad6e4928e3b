"""One run of every fast-tier claim (and its broken variant), shared by the claim tests of
all areas."""

import time

import pytest

from sciml.validation import cases, run_cases


@pytest.fixture(scope="session")
def fast_run():
    """The run of the whole fast tier and the CPU seconds it took."""
    start = time.process_time()
    run = run_cases(cases("fast"), tier="fast")
    return run, time.process_time() - start


@pytest.fixture(scope="session")
def fast_results(fast_run):
    """Claim name -> its CaseResult in :func:`fast_run`."""
    return {result.case.name: result for result in fast_run[0].results}
