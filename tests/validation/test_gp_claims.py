"""The GP solver's claims are registered (verdicts: test_builtin_claims.py)."""

from sciml.validation import cases

NAMES = [c.name for c in cases("fast", only="gp.*")]


def test_the_gp_claims_are_registered():
    assert {"gp.fd_baseline.order", "gp.kronecker.dense", "gp.sylvester.dense"} <= set(NAMES)
