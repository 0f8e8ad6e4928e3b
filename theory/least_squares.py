"""Weighted least squares in an orthonormal basis: the Gram matrix, its stability
diagnostics and the estimator (theory.md §1).

With samples ``x_i``, weights ``w_i`` and features ``phi``,

.. math:: G = \\frac1n \\sum_i w_i \\phi(x_i)\\phi(x_i)^T, \\qquad
          b = \\frac1n \\sum_i w_i f(x_i) \\phi(x_i), \\qquad G c = b,

and ``f_hat = c^T phi``. ``E[G] = I`` when ``x_i ~ rho`` and ``w = d mu / d rho``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sciml.core import ShapeError
from sciml.core.errors import explain

__all__ = ["LeastSquaresFit", "gram_matrix", "gram_deviation", "weighted_least_squares"]


def _weighted(features, weights):
    phi = np.asarray(features, dtype=np.float64)
    w = np.asarray(weights, dtype=np.float64).reshape(-1)
    if phi.ndim != 2 or w.size != phi.shape[0]:
        raise ShapeError(
            explain(
                "features and weights do not match",
                expected="features (n, m) and weights (n,)",
                received=f"{phi.shape} and {w.shape}",
                fix="evaluate the basis at the sample points and pass one weight per point",
            )
        )
    return phi, w


def gram_matrix(features, weights) -> np.ndarray:
    """``G = (1/n) Phi^T W Phi`` for features ``Phi`` (n, m) and weights (n,): shape (m, m).

    Examples
    --------
    >>> gram_matrix(np.eye(2), [2.0, 2.0]).tolist()
    [[1.0, 0.0], [0.0, 1.0]]
    """
    phi, w = _weighted(features, weights)
    return (phi * w[:, None]).T @ phi / phi.shape[0]


def gram_deviation(gram) -> float:
    """``|G - I|_2``, the spectral-norm distance from the identity (G symmetric)."""
    g = np.asarray(gram, dtype=np.float64)
    return float(np.abs(np.linalg.eigvalsh(g) - 1.0).max())


@dataclass(frozen=True, eq=False)
class LeastSquaresFit:
    """A weighted least-squares fit.

    Attributes
    ----------
    coefficients : ndarray of shape (m,)
        ``c`` with ``f_hat = c^T phi``.
    gram : ndarray of shape (m, m)
    deviation : float
        ``|G - I|_2``; the fit is stable at level delta when ``deviation <= delta``.
    condition : float
        Condition number of ``G`` (``inf`` if singular).
    """

    coefficients: np.ndarray
    gram: np.ndarray
    deviation: float
    condition: float

    def stable(self, delta: float = 0.5) -> bool:
        """Whether the stability event ``|G - I|_2 <= delta`` holds."""
        return self.deviation <= delta


def weighted_least_squares(features, values, weights) -> LeastSquaresFit:
    """Solve ``min_c (1/n) sum_i w_i (f(x_i) - c^T phi(x_i))^2``.

    Parameters
    ----------
    features : array_like of shape (n, m)
        ``phi(x_i)``.
    values : array_like of shape (n,)
        ``f(x_i)``.
    weights : array_like of shape (n,)

    Returns
    -------
    LeastSquaresFit

    Examples
    --------
    >>> x = np.linspace(-1, 1, 5)
    >>> fit = weighted_least_squares(np.stack([np.ones(5), x], 1), 2 + 3 * x, np.ones(5))
    >>> fit.coefficients.round(12).tolist()
    [2.0, 3.0]
    """
    phi, w = _weighted(features, weights)
    f = np.asarray(values, dtype=np.float64).reshape(-1)
    if f.size != phi.shape[0]:
        raise ShapeError(
            explain(
                "values do not match the features",
                expected=f"{phi.shape[0]} values",
                received=f"{f.size}",
                fix="pass one value per sample point",
            )
        )
    sw = np.sqrt(w / phi.shape[0])
    coef, *_ = np.linalg.lstsq(phi * sw[:, None], f * sw, rcond=None)
    gram = gram_matrix(phi, w)
    eig = np.linalg.eigvalsh(gram)
    cond = float(eig[-1] / eig[0]) if eig[0] > 0 else float("inf")
    return LeastSquaresFit(coef, gram, float(np.abs(eig - 1.0).max()), cond)
