"""The transport claims are registered in the fast tier (verdicts: test_builtin_claims.py)."""

from sciml.validation import cases

EXPECTED = {"transport.sinkhorn.gaussian_closed_form", "transport.empirical.w1_rate"}
NAMES = [c.name for c in cases("fast", only="transport.*")]


def test_transport_claims_are_registered_in_the_fast_tier():
    assert EXPECTED <= set(NAMES)
