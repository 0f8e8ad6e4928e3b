"""The multigrid claim: the V(2,2) factor is below 0.2 and flat in h; the smoother without
coarse-grid correction FAILs (its factor tends to 1)."""

import time

import numpy as np
import pytest

from sciml.validation import Verdict, cases, run_cases

NAME = "multigrid.vcycle.h_independent"


@pytest.fixture(scope="module")
def result():
    t0 = time.perf_counter()
    (case,) = cases("fast", only=NAME)
    out = run_cases([case], tier="fast").results[0]
    return out, time.perf_counter() - t0


def test_multigrid_claim_is_registered_fast():
    (case,) = cases("fast", only=NAME)
    assert case.tier == "fast" and case.variable == "h" and case.expected == 0.0
    assert "Briggs" in case.source


def test_multigrid_claim_passes_and_broken_variant_fails(result):
    out, seconds = result
    assert out.claim.verdict is Verdict.PASS, out.claim.assessment.reason
    assert out.broken.verdict is Verdict.FAIL, out.broken.assessment.reason
    assert seconds < 3.0


def test_multigrid_claim_measurements():
    (case,) = cases("fast", only=NAME)
    seed = np.random.SeedSequence(0)
    good, bad = case.run(seed), case.broken(seed)
    assert good.levels == 5 and np.all(good.y < 0.2)
    assert np.all(np.diff(bad.y) > 0) and bad.y[-1] > 0.99  # factor -> 1 as h -> 0
