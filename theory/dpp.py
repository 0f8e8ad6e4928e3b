"""Projection determinantal point processes by the chain rule (Hough, Krishnapur, Peres &
Virag 2006, Alg. 18; theory.md §3).

For an ``L^2_mu``-orthonormal basis, the projection DPP with kernel
``K(x, y) = phi(x)^T phi(y)`` has ``m`` points with joint density
``det[K(x_i, x_j)] / m!`` with respect to ``mu^m``. The chain rule draws

1. ``x_1 ~ (k_m / m) mu``;
2. ``x_i ~ |P_i phi(x)|^2 / (m - i + 1) mu``, ``P_i`` the orthogonal projector onto the
   complement of ``span{phi(x_1), ..., phi(x_{i-1})}``,

each conditional by rejection from ``rho_m = (k_m / m) mu`` with acceptance probability
``|P_i phi(x)|^2 / |phi(x)|^2 <= 1`` (``m / (m - i + 1)`` proposals on average). An
orthonormal basis of the accepted feature vectors is kept by Gram-Schmidt. Independent draws
are vectorised: every step runs for all draws at once.
"""

from __future__ import annotations

import numpy as np

from .christoffel import sample_optimal

__all__ = ["projection_dpp"]


def projection_dpp(basis, *, rng: np.random.Generator, size: int | None = None) -> np.ndarray:
    """Draw the ``m``-point projection DPP of an orthonormal basis.

    Parameters
    ----------
    basis : AbstractOrthonormalBasis
        ``m = basis.dim`` functions; the sampler needs ``sample_optimal``.
    rng : numpy.random.Generator
    size : int, optional
        Number of independent draws.

    Returns
    -------
    ndarray
        Shape ``(m, d)``, or ``(size, m, d)`` when ``size`` is given.

    Examples
    --------
    >>> from sciml.theory.bases import Legendre
    >>> x = projection_dpp(Legendre(6), rng=np.random.default_rng(0), size=3)
    >>> x.shape, bool(np.linalg.matrix_rank(Legendre(6).evaluate(x[0])) == 6)
    ((3, 6, 1), True)
    """
    gen = np.random.default_rng(rng)
    draws = 1 if size is None else int(size)
    m, d = basis.dim, basis.ndim
    points = np.empty((draws, m, d))
    q = np.zeros((draws, m, m))  # columns 0..i-1: orthonormal basis of accepted features
    for i in range(m):
        todo = np.arange(draws)
        batch = int(np.ceil(2.0 * m / (m - i))) + 1
        while todo.size:
            p = todo.size
            x = sample_optimal(basis, p * batch, rng=gen).reshape(p, batch, d)
            phi = basis.evaluate(x.reshape(p * batch, d)).reshape(p, batch, m)
            qi = q[todo, :, :i]
            res = phi - np.einsum("pki,pmi->pkm", np.einsum("pkm,pmi->pki", phi, qi), qi)
            ratio = np.einsum("pkm,pkm->pk", res, res) / np.einsum("pkm,pkm->pk", phi, phi)
            ok = gen.random((p, batch)) < ratio
            hit = ok.any(axis=1)
            first = ok.argmax(axis=1)[hit]
            rows = todo[hit]
            points[rows, i] = x[hit, first]
            r = res[hit, first]
            r -= np.einsum("pmi,pi->pm", q[rows, :, :i], np.einsum("pmi,pm->pi", q[rows, :, :i], r))
            q[rows, :, i] = r / np.linalg.norm(r, axis=1, keepdims=True)
            todo = todo[~hit]
    return points[0] if size is None else points
