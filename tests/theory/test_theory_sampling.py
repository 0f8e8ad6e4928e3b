"""Optimal sampling, weighted least squares, projection DPPs and the stability event."""

import numpy as np
import pytest
from numpy.polynomial.legendre import leggauss
from scipy import stats

from sciml.core import ConvergenceError, ParameterError
from sciml.theory.bases import Chebyshev, Fourier, Legendre, TensorBasis, total_degree_index_set
from sciml.theory.christoffel import inverse_christoffel, optimal_weights, sample_optimal
from sciml.theory.dpp import projection_dpp
from sciml.theory.least_squares import gram_deviation, gram_matrix, weighted_least_squares
from sciml.theory.stability import conditioned_least_squares, stability_probability
from sciml.theory.volume import christoffel_iid, repeated_dpp, uniform_iid, volume_rescaled


def _legendre_optimal_cdf(m, x):
    """CDF of (k_m / m) dx/2 on [-1, 1], by Gauss-Legendre on [-1, x] (exact: degree 2m-2)."""
    t, w = leggauss(m + 2)
    nodes = -1.0 + 0.5 * (x[:, None] + 1.0) * (t[None, :] + 1.0)
    k = inverse_christoffel(Legendre(m), nodes.reshape(-1)).reshape(nodes.shape)
    return (k * w).sum(axis=1) * 0.5 * (x + 1.0) / (2.0 * m)


def test_christoffel_sampler_matches_the_exact_cdf():
    x = sample_optimal(Legendre(10), 20000, rng=np.random.default_rng(11))[:, 0]
    assert _legendre_optimal_cdf(10, np.array([1.0]))[0] == pytest.approx(1.0, abs=1e-13)
    result = stats.kstest(x, lambda s: _legendre_optimal_cdf(10, np.atleast_1d(s)))
    assert result.pvalue > 0.01


def test_inverse_christoffel_integrates_to_m():
    t, w = leggauss(40)
    assert np.sum(inverse_christoffel(Legendre(9), t) * w / 2) == pytest.approx(9.0, rel=1e-13)


@pytest.mark.parametrize(
    "basis",
    [
        Legendre(6),
        Chebyshev(6),
        Fourier(5, (0.0, 2.0)),
        TensorBasis([Legendre(3), Chebyshev(3)], total_degree_index_set(2, 2)),
    ],
    ids=["legendre", "chebyshev", "fourier", "tensor"],
)
def test_weighted_gram_has_identity_mean(basis):
    rng = np.random.default_rng(5)
    grams = [gram_matrix(basis.evaluate(x), w) for x, w in (christoffel_iid(basis, 50, rng=rng)
             for _ in range(400))]  # fmt: skip
    mean = np.mean(grams, axis=0)
    # entries of G are means of 50 terms bounded by m: se <= m / sqrt(50 * 400)
    assert np.abs(mean - np.eye(basis.dim)).max() < 5 * basis.dim / np.sqrt(50 * 400)
    assert np.all(optimal_weights(basis, basis.sample_measure(10, rng=rng)) > 0)


def test_least_squares_recovers_a_polynomial_and_reports_stability():
    basis = Legendre(5)
    x, w = christoffel_iid(basis, 200, rng=np.random.default_rng(2))
    coef = np.arange(5.0)
    fit = weighted_least_squares(basis.evaluate(x), basis.evaluate(x) @ coef, w)
    assert np.allclose(fit.coefficients, coef, atol=1e-12)
    assert fit.deviation == pytest.approx(gram_deviation(fit.gram))
    assert fit.condition >= 1.0 and fit.stable(0.5) == (fit.deviation <= 0.5)


def test_conditioning_resamples_until_stable_and_gives_up_loudly():
    basis = Legendre(8)
    out = conditioned_least_squares(
        christoffel_iid, basis, lambda x: np.cos(x[:, 0]), 80, rng=np.random.default_rng(0)
    )
    assert out.fit.deviation <= 0.5 and out.draws >= 1 and out.points.shape == (80, 1)
    with pytest.raises(ConvergenceError, match="stability"):
        conditioned_least_squares(
            uniform_iid, Legendre(10), np.cos, 12, rng=np.random.default_rng(0), max_draws=3
        )


def test_stability_probability_grows_with_n():
    basis, rng = Legendre(6), np.random.default_rng(7)
    small, _ = stability_probability(christoffel_iid, basis, 12, draws=100, rng=rng)
    large, dev = stability_probability(christoffel_iid, basis, 240, draws=100, rng=rng)
    assert small < 0.2 < 0.9 < large and dev.shape == (100,)


def test_projection_dpp_points_are_distinct_and_unisolvent():
    basis = Legendre(8)
    x = projection_dpp(basis, rng=np.random.default_rng(1), size=200)[..., 0]
    gaps = np.diff(np.sort(x, axis=1), axis=1)
    assert x.shape == (200, 8) and gaps.min() > 0
    assert np.all(np.abs(np.linalg.det(basis.evaluate(x.reshape(-1)).reshape(200, 8, 8))) > 0)
    iid = sample_optimal(basis, 200 * 8, rng=np.random.default_rng(1)).reshape(200, 8)
    # repulsion: the DPP's mean smallest gap is clearly larger than i.i.d. points'
    assert gaps.min(axis=1).mean() > 1.5 * np.diff(np.sort(iid, 1), 1).min(1).mean()


def test_projection_dpp_interpolation_identity():
    """E|f - I_S f|^2 = (m + 1) e_m^2 within a bootstrap CI (m = 6, 1500 draws)."""
    from sciml.validation.convergence import bootstrap_ci

    m, draws = 6, 1500
    t, w = leggauss(200)
    f = np.exp(2.0 * t) / (1.5 - t)
    c = Legendre(120).evaluate(t).T @ (0.5 * w * f)
    best, e2 = c[:m], np.sum(c[m:] ** 2)
    x = projection_dpp(Legendre(m), rng=np.random.default_rng(4), size=draws)
    phi = Legendre(m).evaluate(x.reshape(-1)).reshape(draws, m, m)
    values = (np.exp(2.0 * x) / (1.5 - x)).reshape(draws, m, 1)
    coef = np.linalg.solve(phi, values)[..., 0]
    ratio = (e2 + np.sum((coef - best) ** 2, axis=1)) / e2
    _, low, high = bootstrap_ci(ratio, level=0.99, rng=np.random.default_rng(0))
    assert low <= m + 1 <= high


def test_volume_rescaled_and_repeated_dpp_samplers():
    basis, rng = Legendre(5), np.random.default_rng(9)
    x, w = volume_rescaled(basis, 12, rng=rng)
    assert x.shape == (12, 1) and np.allclose(w, optimal_weights(basis, x))
    x, w = repeated_dpp(basis, 15, rng=rng)
    assert x.shape == (15, 1) and w.shape == (15,)
    with pytest.raises(ParameterError, match="multiple of m"):
        repeated_dpp(basis, 12, rng=rng)
    with pytest.raises(ParameterError, match="at least m"):
        volume_rescaled(basis, 3, rng=rng)


def test_volume_rescaled_least_squares_is_unbiased():
    """E f_hat = P_m f: the mean coefficient error is within a few standard errors of 0."""
    basis, rng = Legendre(4), np.random.default_rng(12)
    t, w = leggauss(100)
    best = Legendre(4).evaluate(t).T @ (0.5 * w * np.abs(t))
    coefs = []
    for _ in range(1500):
        x, wt = volume_rescaled(basis, 6, rng=rng)
        coefs.append(weighted_least_squares(basis.evaluate(x), np.abs(x[:, 0]), wt).coefficients)
    coefs = np.array(coefs)
    se = coefs.std(axis=0) / np.sqrt(len(coefs))
    assert np.all(np.abs(coefs.mean(axis=0) - best) < 4 * se)
