"""Harmonic Ritz deflation: the recycled space GCRO-DR keeps after a cycle.

After a cycle with ``A M V^ = W^ G`` (see :mod:`._cycle`), the harmonic Ritz pairs of
``A M`` with respect to ``range(V^)`` solve

.. math:: \\bar G^H \\bar G z = \\theta\\, \\bar G^H \\hat W^H \\hat V z .

The ``k`` vectors ``Y = V^ P`` of smallest ``|theta|`` approximate the eigenvectors that
slow restarted GMRES down. With ``G P = Q R`` (QR), the new pair is ``C = W^ Q`` and
``U = Y R^{-1}``, so ``A M U = C`` and ``C^H C = I`` again. For the first cycle (``k = 0``)
the same pencil reduces to ``(H_m + h_{m+1,m}^2 H_m^{-H} e_m e_m^H) z = theta z``.

For real problems a complex-conjugate pair is kept or dropped as a whole and enters as its
real and imaginary parts, so ``U`` and ``C`` stay real.
"""

from __future__ import annotations

import numpy as np
import scipy.linalg as sla

from ._cycle import Cycle

__all__ = ["harmonic_ritz_space", "independent_columns"]

_RANK_TOL = 1e-12


def _select(theta: np.ndarray, Z: np.ndarray, k: int, real: bool) -> np.ndarray:
    """Columns spanning the ``k`` harmonic Ritz vectors of smallest ``|theta|``."""
    magnitude = np.abs(theta)
    magnitude[~np.isfinite(magnitude)] = np.inf
    order = np.argsort(magnitude, kind="stable")
    if not real:
        return Z[:, order[:k]]
    cols: list[np.ndarray] = []
    used: set[int] = set()
    for i in order:
        if len(cols) >= k:
            break
        if i in used:
            continue
        used.add(i)
        t = theta[i]
        if not np.isfinite(t) or abs(t.imag) <= 1e-10 * abs(t):
            cols.append(Z[:, i].real)
            continue
        free = [m for m in order if m not in used]
        if free:  # the conjugate partner carries no new real direction
            used.add(min(free, key=lambda m: abs(theta[m] - np.conj(t))))
        if len(cols) + 2 <= k:
            cols += [Z[:, i].real, Z[:, i].imag]
        elif not cols:
            cols.append(Z[:, i].real)  # k = 1: half of the pair is better than nothing
        else:
            break
    return np.stack(cols, axis=1)


def independent_columns(X: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pivoted QR ``X[:, piv] = Q R`` truncated to numerical rank: ``(Q, R, piv)``."""
    Q, R, piv = sla.qr(X, mode="economic", pivoting=True, check_finite=False)
    diag = np.abs(np.diagonal(R))
    rank = int(np.sum(diag > _RANK_TOL * diag[0])) if diag.size and diag[0] > 0 else 0
    return Q[:, :rank], R[:rank, :rank], piv[:rank]


def harmonic_ritz_space(
    cycle: Cycle, U: np.ndarray | None, k: int, real: bool
) -> tuple[np.ndarray, np.ndarray] | tuple[None, None]:
    """The new recycled pair ``(U, C)`` as ``(k', n)`` arrays of rows, ``k' <= k``.

    ``U`` is the cycle's recycled rows (None for ``k = 0``). Returns ``(None, None)`` when
    the cycle spans no usable direction.
    """
    G, basis = cycle.G, cycle.basis
    p = G.shape[1]
    kc = 0 if U is None else U.shape[0]
    if p == 0:
        return None, None
    dtype = np.result_type(basis, G)
    WhV = np.zeros((p + 1, p), dtype=dtype)
    if kc:  # C^H U D and V^H U D; the rest of W^H V^ is [0; I; 0] by orthogonality
        UhatT = np.ascontiguousarray((cycle.scale[:, None] * U).T)
        WhV[:, :kc] = basis.conj() @ UhatT
    WhV[np.arange(kc, p), np.arange(kc, p)] = 1.0
    GH = G.conj().T
    theta, Z = sla.eig(GH @ G, GH @ WhV, check_finite=False)
    if not np.all(np.isfinite(Z)):
        return None, None
    P = _select(theta, Z, min(k, p), real)
    P, _ = np.linalg.qr(P)  # same span, orthonormal columns
    Q, R, piv = independent_columns(G @ P)
    if Q.shape[1] == 0:
        return None, None
    # U = V^ P R^{-1} and C = W^ Q, as rows; T^T = (P R^{-1})^T is small
    Tt = sla.solve_triangular(R, P[:, piv].T, trans="T", check_finite=False)
    U_new = Tt[:, kc:] @ basis[kc:p]
    if kc:
        U_new += (Tt[:, :kc] * cycle.scale) @ U
    C = Q.T @ basis
    return U_new, C
