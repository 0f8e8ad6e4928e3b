"""One cycle of (deflated) restarted GMRES: Arnoldi on ``(I - C C^H) A M``, then least squares.

With no recycled space (``k = 0``) this is a GMRES(m) cycle with right preconditioning.
With a recycled pair ``(U, C)``, ``A M U = C`` and ``C^H C = I``, it is the GCRO-DR cycle of
Parks et al. (2006): with ``D = diag(1 / ||u_i||)``, ``V^ = [U D, V_s]`` and ``W^ = [C, V_{s+1}]``,

.. math:: A M \\hat V = \\hat W \\bar G, \\qquad
          \\bar G = \\begin{bmatrix} D & B \\\\ 0 & \\bar H \\end{bmatrix},
          \\qquad B = C^H A M V_s,

and ``y`` minimises ``||W^H r - G y||``, so ``x <- x + M V^ y``. ``G`` is upper Hessenberg
(its first ``k`` columns are diagonal), so Givens rotations give the residual after every
Arnoldi step and the cycle stops as soon as the tolerance is met.

Vectors are stored as rows (``basis[i]`` is the i-th basis vector), so the Gram-Schmidt
products are contiguous matrix-vector products.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._checks import LinearSystem
from ._hessenberg import HessenbergLSQ

__all__ = ["Cycle", "run_cycle", "orthogonalize"]

_EPS = float(np.finfo(np.float64).eps)


def orthogonalize(Q: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Remove from ``w`` (in place) its components along the orthonormal rows of ``Q``.

    Classical Gram-Schmidt applied twice (CGS2): as accurate as modified Gram-Schmidt with
    reorthogonalization, in matrix-vector products. Returns ``h`` with ``w_in = h @ Q + w_out``.
    """
    h = (Q @ w.conj()).conj()
    w -= h @ Q
    h2 = (Q @ w.conj()).conj()
    w -= h2 @ Q
    return h + h2


@dataclass
class Cycle:
    """What a cycle produced. ``p = k + steps`` columns; arrays are the cycle's own."""

    dx: np.ndarray  # (n,) correction to x, M already applied
    r: np.ndarray  # (n,) updated residual W^ (g - G y)
    rnorm: float  # least-squares residual norm (equals ||r|| up to rounding)
    steps: int  # Arnoldi steps taken (matvecs of the cycle)
    G: np.ndarray  # (p + 1, p) unrotated G-bar
    basis: np.ndarray  # (p + 1, n) rows of W^ = [C; V]
    scale: np.ndarray  # (k,) D = diag(1 / ||u_i||)
    breakdown: bool  # Arnoldi found an invariant subspace
    nonfinite: bool


def run_cycle(
    system: LinearSystem,
    r: np.ndarray,
    U: np.ndarray | None,
    C: np.ndarray | None,
    steps: int,
    history: list,
) -> Cycle:
    """Run one cycle from residual ``r`` with at most ``steps`` Arnoldi steps.

    ``U`` and ``C`` are ``(k, n)`` arrays of rows (or None for ``k = 0``). Each Arnoldi step
    appends ``rnorm / ||b||`` to ``history``.
    """
    n = system.n
    k = 0 if U is None else U.shape[0]
    dtype = system.dtype
    basis = np.zeros((k + steps + 1, n), dtype=dtype)
    G = np.zeros((k + steps + 1, k + steps), dtype=dtype)
    g = np.zeros(k + steps + 1, dtype=dtype)
    scale = np.zeros(0)
    if k:
        basis[:k] = C
        g[:k] = (C @ r.conj()).conj()
        r_perp = r - g[:k] @ C
        scale = 1.0 / np.linalg.norm(U, axis=1)
        G[np.arange(k), np.arange(k)] = scale
    else:
        r_perp = r
    beta = float(np.linalg.norm(r_perp))
    if not np.isfinite(beta):
        return Cycle(r, r, np.nan, 0, G, basis, scale, False, True)
    g[k] = beta
    lsq = HessenbergLSQ(g)
    for i in range(k):
        lsq.add_column(G[: i + 2, i])
    rnorm = lsq.residual
    j = 0
    breakdown = False
    if beta > 0.0:
        basis[k] = r_perp / beta
        while j < steps and rnorm > system.tol:
            w = system.op.apply(system.apply_m(basis[k + j]))
            w_norm = float(np.linalg.norm(w))
            if not np.isfinite(w_norm):
                return Cycle(r, r, np.nan, j + 1, G, basis, scale, False, True)
            h = orthogonalize(basis[: k + j + 1], w)
            h_next = float(np.linalg.norm(w))
            G[: k + j + 1, k + j] = h
            G[k + j + 1, k + j] = h_next
            rnorm = lsq.add_column(G[: k + j + 2, k + j])
            j += 1
            history.append(rnorm / system.bnorm)
            if h_next <= 4.0 * _EPS * w_norm:
                breakdown = True
                break
            basis[k + j] = w / h_next
    p = k + j
    y = lsq.solve()
    t = y[k:] @ basis[k:p] if j else np.zeros(n, dtype=dtype)
    if k:
        t += (scale * y[:k]) @ U
    dx = system.apply_m(t)
    r_new = (g[: p + 1] - G[: p + 1, :p] @ y) @ basis[: p + 1]
    return Cycle(dx, r_new, rnorm, j, G[: p + 1, :p], basis[: p + 1], scale, breakdown, False)
