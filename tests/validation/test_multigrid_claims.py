"""The multigrid claim: the V(2,2) factor is below 0.2 and flat in h; the smoother without
coarse-grid correction FAILs (its factor tends to 1)."""

import numpy as np

from sciml.validation import cases

NAME = "multigrid.vcycle.h_independent"


def test_multigrid_claim_is_registered_fast():
    (case,) = cases("fast", only=NAME)
    assert case.tier == "fast" and case.variable == "h" and case.expected == 0.0
    assert "Briggs" in case.source


def test_multigrid_claim_is_cheap(fast_results):
    assert fast_results[NAME].seconds < 3.0


def test_multigrid_claim_measurements():
    (case,) = cases("fast", only=NAME)
    seed = np.random.SeedSequence(0)
    good, bad = case.run(seed), case.broken(seed)
    assert good.levels == 5 and np.all(good.y < 0.2)
    assert np.all(np.diff(bad.y) > 0) and bad.y[-1] > 0.99  # factor -> 1 as h -> 0
