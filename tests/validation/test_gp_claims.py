"""The GP solver's claims are registered (verdicts: test_builtin_claims.py); the slow
accuracy claim PASSes and its broken variant FAILs."""

import pytest

from sciml.validation import cases

NAMES = [c.name for c in cases("fast", only="gp.*")]


def test_the_gp_claims_are_registered():
    assert {"gp.fd_baseline.order", "gp.kronecker.dense", "gp.sylvester.dense"} <= set(NAMES)
    assert "gp.hybrid.sin100" in [c.name for c in cases("slow", only="gp.*")]


@pytest.mark.slow
def test_the_slow_gp_claim_passes_and_its_broken_variant_fails():
    (case,) = cases("slow", only="gp.hybrid.*")
    assert case.judge(case.run(None)).verdict.name == "PASS"
    assert case.judge(case.broken(None)).verdict.name == "FAIL"
