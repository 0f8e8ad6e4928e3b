"""The core's seeded claims: every claim PASSes, every broken variant FAILs, and the
reference values the claims rely on are right."""

import time

import numpy as np
import pytest
from scipy import integrate

from sciml.validation import Verdict, cases, run_cases
from sciml.validation.cases import core as claims

EXPECTED = {
    "core.trapezoid.order",
    "core.gauss_legendre.runge",
    "core.chebyshev.runge",
    "core.multilinear.order",
    "core.fft_resample.exact",
    "core.monte_carlo.rate",
}
NAMES = [c.name for c in cases("fast", only="core.*")]


@pytest.fixture(scope="module")
def timed_run():
    start = time.process_time()
    run = run_cases(cases("fast", only="core.*"), tier="fast")
    return run, time.process_time() - start


@pytest.fixture(scope="module")
def run(timed_run):
    return timed_run[0]


def test_every_core_claim_is_registered_in_the_fast_tier():
    assert EXPECTED <= set(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_claim_passes_and_broken_variant_fails(run, name):
    result = next(r for r in run.results if r.case.name == name)
    claim, broken = result.claim, result.broken
    assert claim.verdict is Verdict.PASS, f"{claim.assessment.reason}\n{claim.error or ''}"
    assert broken.verdict is Verdict.FAIL, f"{broken.assessment.reason}\n{broken.error or ''}"
    assert claim.measurement.levels >= 5


def test_fast_tier_is_fast(timed_run):
    """About 3 CPU seconds on an idle two-core machine; the bound only catches gross
    regressions (a slow claim put in the fast tier), not a busy machine."""
    run, cpu_seconds = timed_run
    assert cpu_seconds < 90.0
    assert run.exit_code == 0


def test_gauss_legendre_claim_reaches_and_drops_the_floor(run):
    result = next(r for r in run.results if r.case.name == "core.gauss_legendre.runge")
    fit = result.claim.fit
    assert fit.n_dropped >= 1 and fit.n_used >= 5
    assert np.all(result.claim.measurement.y[~fit.used] < result.case.floor)


def test_runge_reference_values():
    value, abserr = integrate.quad(claims.runge, -1.0, 1.0, epsabs=1e-14, epsrel=1e-14)
    assert claims.RUNGE_INTEGRAL == pytest.approx(value, abs=1e-13)
    assert claims.RUNGE_INTEGRAL == pytest.approx(0.4 * np.arctan(5.0), rel=1e-15)
    pole = 0.2j  # 1 + 25 z^2 = 0; Bernstein ellipse parameter |z + sqrt(z^2 - 1)|
    assert claims.RUNGE_RHO == pytest.approx(abs(pole + np.sqrt(pole**2 - 1)), rel=1e-14)
    assert -np.log(claims.RUNGE_RHO) == pytest.approx(-0.1987, abs=5e-5)


def test_monte_carlo_reference_moments():
    (a, b), (c, d) = claims._MC_DOMAIN.bounds
    vol = (b - a) * (d - c)
    mean, _ = integrate.dblquad(lambda y, x: np.exp(x) * np.cos(y), a, b, c, d)
    second, _ = integrate.dblquad(lambda y, x: (np.exp(x) * np.cos(y)) ** 2, a, b, c, d)
    assert claims.MC_INTEGRAL == pytest.approx(mean, rel=1e-12)
    assert claims.MC_VARIANCE == pytest.approx(second / vol - (mean / vol) ** 2, rel=1e-10)
    assert vol == pytest.approx(3.0)
