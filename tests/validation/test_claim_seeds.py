"""Stochastic claims must not pass by the luck of one seed: every fast claim PASSes and
every broken variant FAILs for several root seeds (slow: run with --runslow)."""

import pytest

from sciml.validation import Verdict, cases, run_cases

SEEDS = range(1, 9)


@pytest.mark.slow
@pytest.mark.parametrize("seed", SEEDS)
def test_fast_tier_verdicts_do_not_depend_on_the_seed(seed):
    run = run_cases(cases("fast"), seed=seed, tier="fast")
    for result in run.results:
        name = result.case.name
        assert result.claim.verdict is Verdict.PASS, f"{name}, seed {seed}"
        assert result.broken.verdict is Verdict.FAIL, f"{name} broken variant, seed {seed}"
