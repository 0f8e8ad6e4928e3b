"""Geometric multigrid for a bare matrix of a unit-square PDE family (no grid at hand)."""

from __future__ import annotations

import math

from scipy.sparse.linalg import LinearOperator

from sciml.core import Axis, ParameterError, TensorGrid
from sciml.core.errors import explain

from .geometric import GeometricMultigrid

__all__ = ["square_grid_for", "gmg_preconditioner"]


def square_grid_for(n: int) -> TensorGrid:
    """The vertex grid ``R x R`` on the unit square whose ``(R - 2)^2`` interior nodes
    number ``n``: ``R = sqrt(n) + 2``.

    This is the convention of every stationary family in :mod:`sciml.solvers.pde`
    (``Axis.uniform(R, (0, 1))`` per axis, unknowns at interior nodes).

    Examples
    --------
    >>> square_grid_for(961).shape
    (33, 33)
    """
    m = math.isqrt(int(n))
    if m * m != n or m < 1:
        raise ParameterError(
            explain(
                "cannot infer a square grid from the matrix size",
                expected="n = (R - 2)^2 unknowns (a square vertex grid's interior)",
                received=f"n = {n}",
                fix="build GeometricMultigrid(A, grid) with the family's grid",
            )
        )
    ax = Axis.uniform(m + 2, (0.0, 1.0))
    return TensorGrid((ax, ax))


def gmg_preconditioner(A, **options) -> LinearOperator:
    """One V(2,2) cycle of :class:`GeometricMultigrid` on the grid inferred from ``A``'s
    size (:func:`square_grid_for`), coarsened with ``nested=False`` so that every ``R``
    works (R = 64 coarsens 64 -> 32 -> 16 -> ...).

    Parameters
    ----------
    A : sparse matrix of shape (n, n), n = (R - 2)^2
        SPD (Darcy, Poisson).
    **options
        Passed to :class:`GeometricMultigrid` (``nested=False`` unless given).

    Returns
    -------
    LinearOperator of shape (n, n)
    """
    options.setdefault("nested", False)
    return GeometricMultigrid(A, square_grid_for(A.shape[0]), **options).aspreconditioner()
