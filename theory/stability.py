"""The stability event ``A_delta = {|G - I|_2 <= delta}`` of weighted least squares:
its probability under a sampler, and the estimator conditioned on it by resampling
(Cohen & Migliorati 2017; theory.md §1-2).

On ``A_delta``, ``|f - f_hat| <= |f - P_m f| + (1 - delta)^{-1/2} |f - P_m f|_n``; the
conditioned estimator is quasi-optimal, ``E|f - f_hat|^2 <= (1 + O(m/n)) e_m^2``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sciml.core import ConvergenceError
from sciml.core.errors import explain

from .least_squares import LeastSquaresFit, gram_deviation, gram_matrix, weighted_least_squares

__all__ = ["ConditionedFit", "stability_probability", "conditioned_least_squares"]


def stability_probability(sampler, basis, n: int, *, draws: int, rng, delta: float = 0.5):
    """Monte Carlo estimate of ``P(|G - I|_2 <= delta)`` for ``n`` points of ``sampler``.

    Parameters
    ----------
    sampler : callable
        ``sampler(basis, n, rng=) -> (points, weights)`` (see :mod:`sciml.theory.volume`).
    basis : AbstractOrthonormalBasis
    n : int
    draws : int
        Independent samples of size ``n``.
    rng : numpy.random.Generator
    delta : float

    Returns
    -------
    probability : float
    deviations : ndarray of shape (draws,)
        ``|G - I|_2`` of each draw.

    Examples
    --------
    >>> from sciml.theory.bases import Legendre
    >>> from sciml.theory.volume import christoffel_iid
    >>> p, dev = stability_probability(christoffel_iid, Legendre(3), 300, draws=20,
    ...                                rng=np.random.default_rng(0))
    >>> p
    1.0
    """
    gen = np.random.default_rng(rng)
    dev = np.empty(int(draws))
    for r in range(dev.size):
        x, w = sampler(basis, n, rng=gen)
        dev[r] = gram_deviation(gram_matrix(basis.evaluate(x), w))
    return float(np.mean(dev <= delta)), dev


@dataclass(frozen=True, eq=False)
class ConditionedFit:
    """A fit conditioned on the stability event.

    Attributes
    ----------
    fit : LeastSquaresFit
    points : ndarray of shape (n, d)
    weights : ndarray of shape (n,)
    draws : int
        Samples drawn until one was stable (1 / P(A_delta) on average).
    """

    fit: LeastSquaresFit
    points: np.ndarray
    weights: np.ndarray
    draws: int


def conditioned_least_squares(
    sampler, basis, f, n: int, *, rng, delta: float = 0.5, max_draws: int = 1000
) -> ConditionedFit:
    """Weighted least squares conditioned on ``|G - I|_2 <= delta``: resample until stable.

    Parameters
    ----------
    sampler : callable
        ``sampler(basis, n, rng=) -> (points, weights)``.
    basis : AbstractOrthonormalBasis
    f : callable
        ``f(points (n, d)) -> (n,)``.
    n : int
    rng : numpy.random.Generator
    delta : float
    max_draws : int

    Raises
    ------
    ConvergenceError
        If no stable sample appears in ``max_draws`` draws.

    Examples
    --------
    >>> from sciml.theory.bases import Legendre
    >>> from sciml.theory.volume import christoffel_iid
    >>> out = conditioned_least_squares(christoffel_iid, Legendre(3), lambda x: x[:, 0] ** 2,
    ...                                 60, rng=np.random.default_rng(1))
    >>> out.fit.stable(), out.fit.coefficients.round(10).tolist()
    (True, [0.3333333333, 0.0, 0.298142397])
    """
    gen = np.random.default_rng(rng)
    for draw in range(1, int(max_draws) + 1):
        x, w = sampler(basis, n, rng=gen)
        phi = basis.evaluate(x)
        dev = gram_deviation(gram_matrix(phi, w))
        if dev <= delta:
            fit = weighted_least_squares(phi, f(x), w)
            return ConditionedFit(fit, x, w, draw)
    raise ConvergenceError(
        explain(
            "no sample met the stability condition",
            expected=f"|G - I|_2 <= {delta} within {max_draws} draws",
            received="none",
            fix="increase n (about 10 m log m for i.i.d. Christoffel sampling) or max_draws",
        )
    )
