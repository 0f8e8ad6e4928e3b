"""Least squares with an upper Hessenberg matrix, one column at a time, by Givens rotations.

GMRES and GCRO-DR minimise ``||g - G y||_2`` over ``y`` where ``G`` is ``(p + 1) x p`` upper
Hessenberg and grows by one column per iteration. Rotating each new column keeps ``G = Q R``
current, so the residual norm of the least-squares problem is known after every iteration
without solving it.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.linalg import solve_triangular

__all__ = ["HessenbergLSQ"]


def _rotation(a: complex, b: complex) -> tuple[float, complex, complex]:
    """``(c, s, r)`` with ``[[c, s], [-conj(s), c]] @ [a, b] = [r, 0]``, ``c`` real."""
    if b == 0:
        return 1.0, 0.0, a
    if a == 0:
        return 0.0, 1.0, b
    abs_a = abs(a)
    t = math.hypot(abs_a, abs(b))
    phase = a / abs_a
    return abs_a / t, phase * b.conjugate() / t, phase * t


class HessenbergLSQ:
    """Incremental QR of an upper Hessenberg least-squares problem ``min ||g - G y||``.

    Parameters
    ----------
    g : ndarray of shape (p_max + 1,)
        The right-hand side (copied).

    Examples
    --------
    >>> import numpy as np
    >>> G = np.array([[2.0, 1.0], [1.0, 3.0], [0.0, 1.0]])
    >>> lsq = HessenbergLSQ(np.array([1.0, 0.0, 0.0]))
    >>> _ = lsq.add_column(G[:2, 0]); res = lsq.add_column(G[:, 1])
    >>> y = lsq.solve()
    >>> bool(np.isclose(res, np.linalg.norm([1.0, 0.0, 0.0] - G @ y)))
    True
    """

    def __init__(self, g: np.ndarray):
        self.g = [complex(v) for v in g] if np.iscomplexobj(g) else [float(v) for v in g]
        self.dtype = np.asarray(g).dtype
        p_max = len(self.g) - 1
        self.R = np.zeros((p_max, p_max), dtype=self.dtype)
        self.rotations: list[tuple[float, complex]] = []

    @property
    def ncols(self) -> int:
        return len(self.rotations)

    @property
    def residual(self) -> float:
        """``min_y ||g - G y||`` over the columns added so far."""
        return math.sqrt(sum(abs(v) ** 2 for v in self.g[self.ncols :]))

    def add_column(self, column: np.ndarray) -> float:
        """Append column ``j`` of ``G`` (entries in rows ``0 .. j + 1``); return the residual."""
        j = self.ncols
        if self.dtype.kind == "c":
            col = [complex(v) for v in column]
        else:
            col = [float(v) for v in column]
        col += [0.0] * (j + 2 - len(col))
        for i, (c, s) in enumerate(self.rotations):
            u, v = col[i], col[i + 1]
            col[i] = c * u + s * v
            col[i + 1] = -s.conjugate() * u + c * v
        c, s, r = _rotation(col[j], col[j + 1])
        col[j] = r
        self.rotations.append((c, s))
        u, v = self.g[j], self.g[j + 1]
        self.g[j] = c * u + s * v
        self.g[j + 1] = -s.conjugate() * u + c * v
        self.R[: j + 1, j] = col[: j + 1]
        return self.residual

    def solve(self) -> np.ndarray:
        """The minimiser ``y`` of shape ``(ncols,)``."""
        p = self.ncols
        rhs = np.array(self.g[:p], dtype=self.dtype)
        if p == 0:
            return rhs
        R = self.R[:p, :p]
        if np.all(np.diagonal(R) != 0):
            return solve_triangular(R, rhs, check_finite=False)
        return np.linalg.lstsq(R, rhs, rcond=None)[0]  # dependent columns: minimum norm
