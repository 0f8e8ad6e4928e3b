"""Gaussian kernel density estimation and its exact mean integrated squared error for a
Gaussian density (Marron & Wand, Ann. Statist. 1992).

For ``X_i ~ N(0, 1)`` i.i.d. and ``f_hat(x) = (1/(n h)) sum_i phi((x - X_i) / h)``,

.. math:: \\mathrm{MISE}(n, h) = \\frac{1}{2\\sqrt\\pi}\\Big[\\frac{1}{nh}
   + \\big(1 - \\tfrac1n\\big)(1 + h^2)^{-1/2} - 2\\sqrt2\\,(2 + h^2)^{-1/2} + 1\\Big],

exact at every ``n`` (convolutions of Gaussians). With ``h = c n^{-1/5}`` it decays like
``n^{-4/5}`` only asymptotically (theory.md §7: local slope -0.737 at n = 100..6400).
"""

from __future__ import annotations

import numpy as np

__all__ = ["gaussian_kde", "gaussian_mise", "integrated_squared_error"]

_SQRT_2PI = np.sqrt(2.0 * np.pi)


def gaussian_kde(samples, h: float, x) -> np.ndarray:
    """The Gaussian-kernel density estimate of ``samples`` (n,) at ``x`` (k,): shape (k,).

    Examples
    --------
    >>> bool(np.isclose(gaussian_kde(np.zeros(3), 1.0, np.array([0.0]))[0], 0.3989422804))
    True
    """
    z = (np.asarray(x, float)[:, None] - np.asarray(samples, float)[None, :]) / h
    return np.exp(-0.5 * z * z).sum(axis=1) / (len(samples) * h * _SQRT_2PI)


def integrated_squared_error(samples, h: float) -> float:
    """``int (f_hat - phi)^2 dx`` against the standard normal density, by the trapezoid rule
    on ``[-8, 8]`` with spacing ``h / 4`` (spectrally accurate for these Gaussians while
    the samples stay within ``|x| < 6``).

    Examples
    --------
    >>> x = np.random.default_rng(0).normal(size=400)
    >>> bool(0 < integrated_squared_error(x, 0.3) < 0.01)
    True
    """
    grid = np.arange(-8.0, 8.0 + h / 8, h / 4)
    diff = gaussian_kde(samples, h, grid) - np.exp(-0.5 * grid**2) / _SQRT_2PI
    return float(np.trapezoid(diff**2, grid))


def gaussian_mise(n, h) -> np.ndarray:
    """Exact MISE of the Gaussian-kernel estimate of the N(0, 1) density (formula above).

    Examples
    --------
    >>> round(float(gaussian_mise(100, 0.4)), 6)
    0.005555
    """
    n = np.asarray(n, dtype=np.float64)
    h = np.asarray(h, dtype=np.float64)
    bracket = 1.0 / (n * h) + (1.0 - 1.0 / n) / np.sqrt(1.0 + h**2)
    bracket += 1.0 - 2.0 * np.sqrt(2.0) / np.sqrt(2.0 + h**2)
    return bracket / (2.0 * np.sqrt(np.pi))
