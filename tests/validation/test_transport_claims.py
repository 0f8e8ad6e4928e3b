"""The transport claims: each PASSes, each broken variant FAILs, the tier stays fast."""

import time

import pytest
import torch

from sciml.validation import Verdict, cases, run_cases

EXPECTED = {"transport.sinkhorn.gaussian_closed_form", "transport.empirical.w1_rate"}
NAMES = [c.name for c in cases("fast", only="transport.*")]


@pytest.fixture(scope="module")
def timed_run():
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    start = time.process_time()
    try:
        run = run_cases(cases("fast", only="transport.*"), tier="fast")
    finally:
        torch.set_num_threads(previous)
    return run, time.process_time() - start


def test_transport_claims_are_registered_in_the_fast_tier():
    assert EXPECTED <= set(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_claim_passes_and_broken_variant_fails(timed_run, name):
    result = next(r for r in timed_run[0].results if r.case.name == name)
    assert result.claim.verdict is Verdict.PASS, result.claim.assessment.reason
    assert result.broken.verdict is Verdict.FAIL, result.broken.assessment.reason


def test_transport_fast_tier_is_fast(timed_run):
    """About 4 CPU seconds (claim + broken); the bound catches gross regressions only."""
    assert timed_run[1] < 30.0
