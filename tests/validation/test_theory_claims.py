"""Claims of sciml.theory are registered, and the reference values they rely on are right
(verdicts: test_builtin_claims.py)."""

import numpy as np
import pytest
from numpy.polynomial.legendre import leggauss

from sciml.validation import cases
from sciml.validation.cases import theory as claims
from sciml.validation.cases import theory_rates as rate_claims

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
    "theory.mup.coordinate_check",
    "theory.kde.high_dimension",
    "theory.volume.unbiased",
}
SLOW = {"theory.mup.lr_transfer"}
NAMES = [c.name for c in cases("fast", only="theory.*")]


def test_every_theory_claim_is_registered_in_the_fast_tier():
    assert EXPECTED <= set(NAMES)


def test_slow_theory_claims_are_registered_in_the_slow_tier():
    assert SLOW <= {c.name for c in cases("slow", only="theory.*")}


def test_kde_regime_levels():
    """n = ceil(e^{d/2}) and the bandwidth is the exact-MISE optimum (a local minimum)."""
    from sciml.theory.kde import gaussian_mise

    n, h = rate_claims.kde_regime(8)
    assert n == 55
    assert gaussian_mise(n, h, 8) < min(
        gaussian_mise(n, 0.95 * h, 8), gaussian_mise(n, 1.05 * h, 8)
    )


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


def test_batched_fit_matches_weighted_least_squares():
    from sciml.theory.bases import Legendre
    from sciml.theory.least_squares import weighted_least_squares
    from sciml.theory.volume import christoffel_iid

    basis = Legendre(4)
    x, w = christoffel_iid(basis, 3 * 9, rng=np.random.default_rng(3))
    coef = claims._batched_fit(basis, x.reshape(3, 9, 1))
    for r in range(3):
        part = slice(9 * r, 9 * (r + 1))
        ref = weighted_least_squares(basis.evaluate(x[part]), claims.runge(x[part]), w[part])
        assert np.allclose(coef[r], ref.coefficients, rtol=1e-10, atol=1e-12)
