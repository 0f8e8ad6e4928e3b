"""The PDE families' manufactured-solution claims: every claim PASSes at its declared order,
every broken variant (source sampled half a cell off) FAILs."""

import pytest

from sciml.validation import Verdict, cases, run_cases

NAMES = [c.name for c in cases("fast", only="pde.*")]


def test_each_stationary_family_has_a_claim():
    assert {"pde.darcy.mms", "pde.poisson.mms", "pde.helmholtz.mms"} <= set(NAMES)
    assert {"pde.convection_diffusion.mms", "pde.heat.time_order"} <= set(NAMES)


@pytest.mark.parametrize("name", [n for n in NAMES if n.endswith(".mms")])
def test_source_offset_bug_is_first_order(fast_results, name):
    assert abs(fast_results[name].broken.fit.slope - 1.0) < 0.2


@pytest.mark.slow
def test_navier_stokes_time_order_claim():
    (case,) = cases("slow", only="pde.navier_stokes.time_order")
    result = run_cases([case], tier="slow").results[0]
    assert result.claim.verdict is Verdict.PASS, result.claim.assessment.reason
    assert result.broken.verdict is Verdict.FAIL, result.broken.assessment.reason


@pytest.mark.slow
def test_burgers_time_order_claim():
    (case,) = cases("slow", only="pde.burgers.time_order")
    result = run_cases([case], tier="slow").results[0]
    assert result.claim.verdict is Verdict.PASS, result.claim.assessment.reason
    assert result.broken.verdict is Verdict.FAIL, result.broken.assessment.reason
