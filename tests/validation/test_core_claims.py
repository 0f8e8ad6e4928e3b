"""The core's seeded claims are registered, and the reference values they rely on are right
(verdicts: test_builtin_claims.py)."""

import numpy as np
import pytest
from scipy import integrate

from sciml.validation import cases
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


def test_every_core_claim_is_registered_in_the_fast_tier():
    assert EXPECTED <= set(NAMES)


def test_gauss_legendre_claim_reaches_and_drops_the_floor(fast_results):
    result = fast_results["core.gauss_legendre.runge"]
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
