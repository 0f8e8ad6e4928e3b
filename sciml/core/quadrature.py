"""One-dimensional node and weight rules: uniform (vertex or cell-centred, periodic or
not), Chebyshev extrema with Clenshaw–Curtis weights, and Gauss–Legendre.

All rules are returned on the reference interval given by ``bounds`` as float64 numpy
arrays; :class:`sciml.core.Axis` wraps them.

Exactness (used by the property tests):

* periodic uniform (trapezoid): trigonometric polynomials of degree < n;
* non-periodic uniform vertex (trapezoid) and cell-centred (midpoint): degree 1;
* Clenshaw–Curtis on n points: polynomials of degree n - 1;
* Gauss–Legendre on n points: polynomials of degree 2n - 1.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "uniform_rule",
    "chebyshev_rule",
    "gauss_legendre_rule",
    "trapezoid_weights",
    "barycentric_weights",
]


def uniform_rule(n: int, lo: float, hi: float, periodic: bool, offset: float):
    """Equispaced nodes and their trapezoid/midpoint weights.

    Parameters
    ----------
    n : int
        Number of nodes.
    lo, hi : float
        Interval bounds.
    periodic : bool
        If true, ``[lo, hi)`` with ``n`` cells of width ``(hi - lo) / n``.
    offset : float
        0 for vertex-centred nodes, 0.5 for cell-centred nodes.

    Returns
    -------
    nodes, weights : ndarray of shape (n,)
    """
    length = hi - lo
    if periodic:
        h = length / n
        return lo + (np.arange(n) + offset) * h, np.full(n, h)
    if offset == 0.0:
        h = length / (n - 1)
        w = np.full(n, h)
        w[[0, -1]] = h / 2
        return lo + np.arange(n) * h, w
    h = length / n
    return lo + (np.arange(n) + 0.5) * h, np.full(n, h)


def chebyshev_rule(n: int, lo: float, hi: float):
    """Chebyshev extreme points (second kind, endpoints included) with Clenshaw–Curtis
    weights, ascending.

    Returns
    -------
    nodes, weights : ndarray of shape (n,)
    """
    big_n = n - 1
    theta = np.pi * np.arange(n) / big_n
    ref = -np.cos(theta)  # ascending on [-1, 1]
    ref[np.abs(ref) < 1e-15] = 0.0
    j = np.arange(1, big_n // 2 + 1)
    b = np.where(2 * j == big_n, 1.0, 2.0)
    series = (b / (4.0 * j**2 - 1.0)) @ np.cos(2.0 * np.outer(j, theta))
    c = np.full(n, 2.0)
    c[[0, -1]] = 1.0
    w_ref = c / big_n * (1.0 - series)
    half = (hi - lo) / 2
    return lo + half * (ref + 1.0), half * w_ref


def gauss_legendre_rule(n: int, lo: float, hi: float):
    """Gauss–Legendre nodes and weights, ascending.

    Returns
    -------
    nodes, weights : ndarray of shape (n,)
    """
    ref, w_ref = np.polynomial.legendre.leggauss(n)
    half = (hi - lo) / 2
    return lo + half * (ref + 1.0), half * w_ref


def trapezoid_weights(nodes: np.ndarray, lo: float, hi: float, periodic: bool) -> np.ndarray:
    """Weights of the integral of the piecewise-linear interpolant of arbitrary nodes.

    Non-periodic: the gaps ``[lo, x_0]`` and ``[x_{n-1}, hi]`` are covered by constant
    extension. Periodic: the interpolant wraps from the last node to the first.
    """
    x = np.asarray(nodes, dtype=float)
    if periodic:
        ext = np.concatenate([[x[-1] - (hi - lo)], x, [x[0] + (hi - lo)]])
        return (ext[2:] - ext[:-2]) / 2
    w = np.zeros_like(x)
    gaps = np.diff(x)
    w[:-1] += gaps / 2
    w[1:] += gaps / 2
    w[0] += x[0] - lo
    w[-1] += hi - x[-1]
    return w


def barycentric_weights(nodes: np.ndarray) -> np.ndarray:
    """Barycentric weights ``1 / prod_{k != j} (x_j - x_k)`` of polynomial interpolation,
    scaled to max modulus 1 (the scale cancels in the barycentric formula).

    Computed from sums of logarithms so large node counts neither overflow nor underflow.
    """
    x = np.asarray(nodes, dtype=float)
    diff = x[:, None] - x[None, :]
    np.fill_diagonal(diff, 1.0)
    log_mag = -np.log(np.abs(diff)).sum(axis=1)
    sign = np.prod(np.sign(diff), axis=1)
    return sign * np.exp(log_mag - log_mag.max())
