"""Samplers for weighted least squares that return ``(points, weights)``: i.i.d. optimal
(Christoffel) sampling, i.i.d. sampling of ``mu`` (unweighted), volume-rescaled sampling
(Derezinski, Warmuth & Hsu 2019) and repeated independent projection DPPs (Nouy & Michel,
arXiv 2312.14057); theory.md §4.

Every sampler has the signature ``sampler(basis, n, *, rng) -> (points (n, d), weights (n,))``
with ``E[(1/n) sum_i w_i phi(x_i) phi(x_i)^T] = I`` (except ``uniform``'s, which has
``E[G] = I`` too but without leverage balancing).
"""

from __future__ import annotations

import numpy as np

from sciml.core import ParameterError
from sciml.core.errors import explain

from .christoffel import optimal_weights, sample_optimal
from .dpp import projection_dpp

__all__ = ["christoffel_iid", "uniform_iid", "volume_rescaled", "repeated_dpp"]


def christoffel_iid(basis, n: int, *, rng):
    """``n`` i.i.d. points of ``rho_m`` with weights ``m / k_m``.

    Examples
    --------
    >>> from sciml.theory.bases import Legendre
    >>> x, w = christoffel_iid(Legendre(4), 10, rng=np.random.default_rng(0))
    >>> x.shape, w.shape
    ((10, 1), (10,))
    """
    x = sample_optimal(basis, n, rng=rng)
    return x, optimal_weights(basis, x)


def uniform_iid(basis, n: int, *, rng):
    """``n`` i.i.d. points of ``mu`` with unit weights (plain least squares)."""
    return basis.sample_measure(n, rng=rng), np.ones(int(n))


def _at_least_m(basis, n: int) -> int:
    if int(n) < basis.dim:
        raise ParameterError(
            explain(
                "DPP-based samplers need at least m points",
                expected=f"n >= m = {basis.dim}",
                received=f"n = {n}",
                fix="increase n",
            )
        )
    return int(n)


def volume_rescaled(basis, n: int, *, rng):
    """Volume-rescaled sampling: ``m`` projection-DPP points plus ``n - m`` i.i.d. points of
    ``rho_m``, randomly permuted, weights ``m / k_m``.

    Its density is ``((n - m)! / n!) det(Psi^T Psi) prod rho_m(x_i)`` with ``psi = sqrt(w)
    phi``, and the weighted least-squares estimate is unbiased: ``E f_hat = P_m f``.
    """
    n = _at_least_m(basis, n)
    gen = np.random.default_rng(rng)
    x = np.concatenate(
        [projection_dpp(basis, rng=gen), sample_optimal(basis, n - basis.dim, rng=gen)]
    )
    x = x[gen.permutation(n)]
    return x, optimal_weights(basis, x)


def repeated_dpp(basis, n: int, *, rng):
    """``l = n // m`` independent projection DPPs (``l m`` points), weights ``m / k_m``.

    ``n`` must be a multiple of ``m``.
    """
    n = _at_least_m(basis, n)
    if n % basis.dim:
        raise ParameterError(
            explain(
                "repeated DPPs give a multiple of m points",
                expected=f"n divisible by m = {basis.dim}",
                received=f"n = {n}",
                fix="pass n = l * m",
            )
        )
    x = projection_dpp(basis, rng=rng, size=n // basis.dim).reshape(n, basis.ndim)
    return x, optimal_weights(basis, x)
