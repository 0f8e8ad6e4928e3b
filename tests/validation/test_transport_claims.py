"""The transport claims are registered in their tiers (fast verdicts: test_builtin_claims.py;
the slow plug-in claim runs with ``--runslow``)."""

import pytest

from sciml.validation import Verdict, cases, run_case

FAST = {
    "transport.sinkhorn.gaussian_closed_form",
    "transport.empirical.w1_rate",
    "transport.empirical.w2_rate_d5",
    "transport.empirical.w2_rate_d10",
    "transport.kinetic.energy_order",
}
SLOW = {"transport.entropic.plugin_rate"}


def test_transport_claims_are_registered_in_their_tiers():
    assert FAST <= {c.name for c in cases("fast", only="transport.*")}
    assert SLOW <= {c.name for c in cases("slow", only="transport.*")}


@pytest.mark.slow
def test_entropic_plugin_rate_passes_and_its_broken_variant_fails():
    (case,) = cases("slow", only="transport.entropic.plugin_rate")
    result = run_case(case, 0)
    assert result.claim.verdict is Verdict.PASS, result.claim.assessment
    assert result.broken.verdict is Verdict.FAIL, result.broken.assessment
