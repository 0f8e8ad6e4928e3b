"""Matérn kernels and kernel interpolation (Wendland, Scattered Data Approximation, 2005).

.. math:: k_{1/2}(r) = e^{-r/\\ell}, \\qquad
          k_{3/2}(r) = (1 + \\sqrt3 r/\\ell)\\, e^{-\\sqrt3 r/\\ell},

and ``k_{5/2}(r) = (1 + s + s^2/3) e^{-s}`` with ``s = sqrt(5) r / l``. The interpolant of
data ``y`` at nodes ``X`` is ``s(x) = k(x, X) K^{-1} y``. For functions in the native space
(Sobolev order ``nu + d/2``) the L-infinity error is ``O(h^nu)`` in the fill distance ``h``
(Thm 11.13); smoother targets converge faster, so the rate is a lower bound.
"""

from __future__ import annotations

import numpy as np
import scipy.linalg

from sciml.core import ParameterError
from sciml.core.errors import explain

__all__ = ["matern", "kernel_interpolant"]

_NUS = (0.5, 1.5, 2.5)


def matern(x, y, *, nu: float = 1.5, lengthscale: float = 1.0) -> np.ndarray:
    """The Matérn-``nu`` kernel matrix between points ``x`` (n, d) and ``y`` (k, d): (n, k).

    Examples
    --------
    >>> matern(np.zeros((1, 1)), np.ones((1, 1)), nu=0.5).round(6).tolist()
    [[0.367879]]
    """
    if nu not in _NUS:
        raise ParameterError(
            explain(
                "unsupported Matérn smoothness",
                expected=" | ".join(str(v) for v in _NUS),
                received=repr(nu),
                fix="pick a half-integer nu (closed forms)",
            )
        )
    x = np.asarray(x, dtype=np.float64).reshape(len(x), -1)
    y = np.asarray(y, dtype=np.float64).reshape(len(y), -1)
    r = np.sqrt(np.maximum(((x[:, None, :] - y[None, :, :]) ** 2).sum(-1), 0.0)) / lengthscale
    if nu == 0.5:
        return np.exp(-r)
    if nu == 1.5:
        s = np.sqrt(3.0) * r
        return (1.0 + s) * np.exp(-s)
    s = np.sqrt(5.0) * r
    return (1.0 + s + s * s / 3.0) * np.exp(-s)


def kernel_interpolant(nodes, values, points, *, nu: float = 1.5, lengthscale: float = 1.0):
    """Values at ``points`` (k, d) of the Matérn interpolant of ``values`` (n,) at ``nodes``
    (n, d): shape (k,).

    Examples
    --------
    >>> x = np.linspace(0, 1, 5)[:, None]
    >>> s = kernel_interpolant(x, np.sin(x[:, 0]), x)
    >>> bool(np.allclose(s, np.sin(x[:, 0])))
    True
    """
    gram = matern(nodes, nodes, nu=nu, lengthscale=lengthscale)
    coef = scipy.linalg.solve(gram, np.asarray(values, dtype=np.float64), assume_a="pos")
    return matern(points, nodes, nu=nu, lengthscale=lengthscale) @ coef
