"""The inverse Christoffel function and optimal i.i.d. sampling for weighted least squares
(Cohen & Migliorati, SMAI-JCM 2017).

For an ``L^2_mu``-orthonormal basis ``phi_1..phi_m``,

.. math:: k_m(x) = \\sum_j \\phi_j(x)^2, \\qquad \\int k_m \\, d\\mu = m,

the optimal density is ``rho_m = (k_m / m) mu`` with weight ``w = m / k_m``. It is the
mixture ``(1/m) sum_j phi_j^2 mu``: draw ``j`` uniformly, then a point of ``phi_j^2 mu``
(theory.md §2).
"""

from __future__ import annotations

import numpy as np

from sciml.core import ParameterError
from sciml.core.errors import explain

from .bases import AbstractOrthonormalBasis

__all__ = ["inverse_christoffel", "optimal_weights", "sample_optimal"]


def inverse_christoffel(basis, points) -> np.ndarray:
    """``k_m(x) = |phi(x)|^2`` at ``points`` of shape ``(n, d)``: shape ``(n,)``.

    Examples
    --------
    >>> from sciml.theory.bases import Legendre
    >>> inverse_christoffel(Legendre(4), np.array([1.0])).tolist()  # sum of 2j+1 = m^2
    [16.0]
    """
    phi = basis.evaluate(points)
    return np.einsum("ij,ij->i", phi, phi)


def optimal_weights(basis, points) -> np.ndarray:
    """The weights ``w = m / k_m`` at ``points``: shape ``(n,)``."""
    return basis.dim / inverse_christoffel(basis, points)


def sample_optimal(basis, n: int, *, rng: np.random.Generator) -> np.ndarray:
    """``n`` i.i.d. points of ``rho_m = (k_m / m) mu`` by mixture sampling: shape ``(n, d)``.

    Parameters
    ----------
    basis : AbstractOrthonormalBasis
    n : int
    rng : numpy.random.Generator

    Examples
    --------
    >>> from sciml.theory.bases import Legendre
    >>> x = sample_optimal(Legendre(5), 1000, rng=np.random.default_rng(0))
    >>> x.shape, bool(np.all(np.abs(x) <= 1))
    ((1000, 1), True)
    """
    if not isinstance(basis, AbstractOrthonormalBasis):
        raise ParameterError(
            explain(
                "optimal sampling needs an orthonormal basis that samples phi_j^2 d mu",
                expected="an AbstractOrthonormalBasis (Legendre, Chebyshev, Fourier, TensorBasis)",
                received=type(basis).__name__,
                fix="orthonormalize the features first",
            )
        )
    gen = np.random.default_rng(rng)
    j = gen.integers(0, basis.dim, int(n))
    return basis.sample_components(j, rng=gen)
