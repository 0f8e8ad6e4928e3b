"""KDE in d dimensions: the closed-form ISE, the exact MISE and the high-dimensional regime
log n = alpha d where the best relative MISE tends to 1."""

import numpy as np
import pytest

from sciml.theory.kde import (
    gaussian_ise,
    gaussian_mise,
    integrated_squared_error,
    optimal_bandwidth,
)


def _rel(n, h, d):
    return gaussian_mise(n, h, d) * (4 * np.pi) ** (d / 2)


def test_d1_agrees_with_the_one_dimensional_formula_and_quadrature():
    x = np.random.default_rng(0).normal(size=(40, 1))
    assert gaussian_ise(x, 0.4) == pytest.approx(integrated_squared_error(x[:, 0], 0.4), rel=1e-9)
    h = 0.4
    one_d = (1 / (100 * h) + 0.99 / np.sqrt(1 + h * h) + 1 - 2 * np.sqrt(2 / (2 + h * h))) / (
        2 * np.sqrt(np.pi)
    )
    assert gaussian_mise(100, h) == pytest.approx(one_d, rel=1e-14)


def test_closed_form_ise_matches_2d_quadrature():
    x = np.random.default_rng(1).normal(size=(7, 2))
    h = 0.6
    t = np.linspace(-9, 9, 361)
    gx, gy = np.meshgrid(t, t, indexing="ij")
    pts = np.stack([gx.ravel(), gy.ravel()], 1)
    dist = ((pts[:, None, :] - x[None]) ** 2).sum(-1)
    f_hat = np.exp(-dist / (2 * h * h)).mean(1) / (2 * np.pi * h * h)
    f = np.exp(-0.5 * (pts**2).sum(1)) / (2 * np.pi)
    quad = np.trapezoid(np.trapezoid(((f_hat - f) ** 2).reshape(gx.shape), t), t)
    assert gaussian_ise(x, h) == pytest.approx(quad, rel=1e-8)


def test_mean_ise_matches_exact_mise_in_dimension_5():
    rng = np.random.default_rng(2)
    ise = np.array([gaussian_ise(rng.normal(size=(30, 5)), 0.7) for _ in range(2000)])
    assert abs(ise.mean() - gaussian_mise(30, 0.7, 5)) < 4 * ise.std() / np.sqrt(ise.size)


def test_optimal_bandwidth_minimizes_and_matches_amise_for_large_n():
    h = optimal_bandwidth(200, 3)
    for s in (0.9, 1.1):
        assert gaussian_mise(200, h, 3) < gaussian_mise(200, s * h, 3)
    n = 10**9  # AMISE optimum for N(0, 1): (4 / (3 n))^(1/5)
    assert optimal_bandwidth(n) == pytest.approx((4 / (3 * n)) ** 0.2, rel=0.01)


def test_relative_mise_tends_to_one_when_log_n_over_d_is_fixed():
    """n = e^{d/2}: the best relative MISE grows towards 1 (the zero estimator's)."""
    dims = [2, 4, 8, 16, 32, 64]
    best = []
    for d in dims:
        n = int(np.ceil(np.exp(d / 2)))
        best.append(_rel(n, optimal_bandwidth(n, d), d))
    assert np.all(np.diff(best) > 0) and best[0] < 0.4 and 0.9 < best[-1] < 1.0
    # while with d fixed at 2 it vanishes as n grows
    fixed = [_rel(n, optimal_bandwidth(n, 2), 2) for n in (10, 10**3, 10**5)]
    assert np.all(np.diff(fixed) < 0) and fixed[-1] < 0.01
