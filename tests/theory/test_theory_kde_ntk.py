"""KDE: the exact MISE formula against simulation; NTK: the limit against a wide network."""

import numpy as np
import pytest
from scipy import integrate

from sciml.theory.kde import gaussian_kde, gaussian_mise, integrated_squared_error
from sciml.theory.ntk import empirical_ntk, ntk_limit


def test_kde_integrates_to_one_and_ise_matches_quadrature():
    x = np.random.default_rng(0).normal(size=30)
    grid = np.linspace(-12, 12, 4001)
    assert np.trapezoid(gaussian_kde(x, 0.3, grid), grid) == pytest.approx(1.0, abs=1e-10)
    exact, _ = integrate.quad(
        lambda s: (
            (gaussian_kde(x, 0.3, np.array([s]))[0] - np.exp(-s * s / 2) / np.sqrt(2 * np.pi)) ** 2
        ),
        -12,
        12,
        limit=400,
    )
    assert integrated_squared_error(x, 0.3) == pytest.approx(exact, rel=1e-8)


def test_exact_mise_matches_simulation():
    rng = np.random.default_rng(1)
    ise = np.array([integrated_squared_error(rng.normal(size=50), 0.5) for _ in range(3000)])
    se = ise.std() / np.sqrt(ise.size)
    assert abs(ise.mean() - gaussian_mise(50, 0.5)) < 4 * se


def test_ntk_limit_is_symmetric_psd_and_matches_a_wide_network():
    x = np.random.default_rng(2).normal(size=(6, 3))
    limit = ntk_limit(x)
    assert np.allclose(limit, limit.T) and np.linalg.eigvalsh(limit).min() > -1e-12
    assert np.allclose(np.diag(limit), (x**2).sum(1))  # |x|^2/2 + |x|^2/2
    wide = empirical_ntk(x, 400_000, rng=np.random.default_rng(3))
    assert np.abs(wide - limit).max() < 0.05 * np.abs(limit).max()
