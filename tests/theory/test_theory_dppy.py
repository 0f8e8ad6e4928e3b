"""Cross-check of the chain-rule projection DPP against DPPy's independent sampler
(tridiagonal Killip-Nenciu model of the Jacobi ensemble, 1-D Legendre case)."""

import numpy as np
import pytest
from scipy import stats

from sciml.theory.bases import Legendre
from sciml.theory.dpp import projection_dpp

dppy_ope = pytest.importorskip("dppy.multivariate_jacobi_ope")

DRAWS = 600


def _statistics(points: np.ndarray) -> dict[str, np.ndarray]:
    """Per-draw extremes and smallest gap of 1-D configurations (draws, m)."""
    x = np.sort(points, axis=1)
    return {"min": x[:, 0], "max": x[:, -1], "gap": np.diff(x, axis=1).min(axis=1)}


def test_legendre_dpp_matches_dppy_in_distribution():
    m = 8
    ours = projection_dpp(Legendre(m), rng=np.random.default_rng(0), size=DRAWS)[..., 0]
    ope = dppy_ope.MultivariateJacobiOPE(m, np.zeros((1, 2)))  # Jacobi(0, 0) = Legendre
    state = np.random.RandomState(1)
    theirs = np.stack([ope.sample(random_state=state)[:, 0] for _ in range(DRAWS)])
    a, b = _statistics(ours), _statistics(theirs)
    for key in a:
        assert stats.ks_2samp(a[key], b[key]).pvalue > 1e-3, key
    # the one-point marginal of both is k_m / m (Christoffel): compare pooled points
    assert stats.ks_2samp(ours.ravel(), theirs.ravel()).pvalue > 1e-3
    # and both repel: the smallest gap is far larger than for i.i.d. points of rho_m
    iid_gap = _statistics(np.random.default_rng(2).permutation(ours.ravel()).reshape(-1, m))
    assert np.median(a["gap"]) > 1.5 * np.median(iid_gap["gap"])
