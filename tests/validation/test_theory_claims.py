"""Claims of sciml.theory: every claim PASSes, every broken variant FAILs, the fast tier
stays fast, and the reference values the claims rely on are right."""

import time

import numpy as np
import pytest
from numpy.polynomial.legendre import leggauss

from sciml.validation import Verdict, cases, run_cases
from sciml.validation.cases import theory as claims

EXPECTED = {
    "theory.least_squares.quasi_optimal",
    "theory.dpp.interpolation_ratio",
    "theory.dpp.repeated_stability",
    "theory.rqmc.sobol_rate",
    "theory.cg.iterations",
    "theory.kde.mise_exact",
    "theory.ntk.width_rate",
    "theory.mle.kl_risk",
    "theory.matern.interpolation_nu32",
    "theory.matern.interpolation_nu52",
}
NAMES = [c.name for c in cases("fast", only="theory.*")]


@pytest.fixture(scope="module")
def timed_run():
    start = time.process_time()
    run = run_cases(cases("fast", only="theory.*"), tier="fast")
    return run, time.process_time() - start


@pytest.fixture(scope="module")
def run(timed_run):
    return timed_run[0]


def test_every_theory_claim_is_registered_in_the_fast_tier():
    assert EXPECTED <= set(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_claim_passes_and_broken_variant_fails(run, name):
    result = next(r for r in run.results if r.case.name == name)
    claim, broken = result.claim, result.broken
    assert claim.verdict is Verdict.PASS, f"{claim.assessment.reason}\n{claim.error or ''}"
    assert broken.verdict is Verdict.FAIL, f"{broken.assessment.reason}\n{broken.error or ''}"
    assert claim.measurement.levels >= 5


def test_fast_tier_is_fast(timed_run):
    """About 25 CPU seconds on an idle two-core machine; the bound catches gross
    regressions only."""
    run, cpu_seconds = timed_run
    assert cpu_seconds < 90.0
    assert run.exit_code == 0


def test_legendre_projection_reference():
    """e_m from the coefficient tail equals the L2 distance computed by quadrature."""
    best, e_m = claims.legendre_projection(10, claims.near_pole)
    t, w = leggauss(400)
    from sciml.theory.bases import Legendre

    resid = claims.near_pole(t) - Legendre(10).evaluate(t) @ best
    assert e_m == pytest.approx(np.sqrt(np.sum(0.5 * w * resid**2)), rel=1e-10)
    _, e20 = claims.legendre_projection(20)
    assert e20 == pytest.approx(8.0602e-3, rel=1e-4)  # theory.md §5


def test_stable_sizes_counts_prefix_blocks():
    from sciml.theory.bases import Legendre

    basis = Legendre(3)
    rng = np.random.default_rng(0)
    blocks = basis.sample_measure(40 * 30 * 3, rng=rng).reshape(40, 30, 3, 1)
    prob = claims.stable_sizes(blocks, basis)
    assert prob.shape == (30,) and prob[-1] >= prob[0]
