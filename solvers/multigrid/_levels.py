r"""Grid hierarchies and interior-node transfer matrices for geometric multigrid.

The unknowns live on the interior nodes of vertex-centred uniform axes (zero Dirichlet
values on the boundary nodes, as in :mod:`sciml.solvers.pde.stencils`). Per axis, the
prolongation is the core's linear interpolation
(:func:`sciml.core.prolongation_matrix`) with the boundary rows and columns dropped: the
coarse boundary values are zero, so dropping their columns is exact. In ``d`` dimensions
the prolongation is the Kronecker product of the 1-D matrices (first axis slowest, C order).
"""

from __future__ import annotations

import functools

import numpy as np
import scipy.sparse as sp
import torch

from sciml.core import Axis, DiscretizationError, ParameterError, TensorGrid, prolongation_matrix
from sciml.core.errors import explain

__all__ = ["interior_prolongation", "build_hierarchy", "max_levels", "nearest_valid_sizes"]


def _check_axis(ax: Axis, i: int) -> None:
    if ax.kind != "uniform" or ax.periodic or ax.offset != 0.0 or ax.n < 3:
        raise DiscretizationError(
            explain(
                f"geometric multigrid needs uniform vertex-centred axes; axis {i} is not one",
                expected="Axis.uniform(n, bounds) with n >= 3, periodic=False, offset='vertex'",
                received=repr(ax),
                fix="build the grid with Axis.uniform(R, (0, 1)) per axis (the PDE families' "
                "grid), or use an algebraic multigrid (sciml.solvers.krylov.amg)",
            )
        )


def _coarse_axis(ax: Axis, nested: bool) -> Axis | None:
    """The next coarser axis, or None when none exists (odd cell count with ``nested``, or
    fewer than one interior node left)."""
    cells = ax.n - 1
    if nested and cells % 2:
        return None
    n_coarse = (ax.n + 1) // 2  # nested (n = 2k + 1 -> k + 1) whenever the cells are even
    if n_coarse < 3:
        return None
    return Axis.uniform(n_coarse, ax.bounds)


def interior_prolongation(coarse: Axis, fine: Axis) -> sp.csr_matrix:
    r"""Linear interpolation between the interior nodes of two vertex axes.

    Parameters
    ----------
    coarse, fine : Axis
        Uniform vertex-centred axes on the same interval, ``n_c`` and ``n_f`` nodes.

    Returns
    -------
    csr_matrix of shape ``(n_f - 2, n_c - 2)``
        For nested axes (``n_f = 2 n_c - 1``) the stencil :math:`[\tfrac12, 1, \tfrac12]`
        per coarse node.

    Examples
    --------
    >>> P = interior_prolongation(Axis.uniform(3, (0, 1)), Axis.uniform(5, (0, 1)))
    >>> P.toarray().ravel().tolist()
    [0.5, 1.0, 0.5]
    """
    full = prolongation_matrix(coarse, fine).to(dtype=torch.float64).numpy()
    inner = full[1:-1, 1:-1]
    inner[np.abs(inner) < 1e-14] = 0.0
    return sp.csr_matrix(inner)


def max_levels(grid: TensorGrid, *, nested: bool = True) -> int:
    """Number of grids (finest included) the coarsening rule can build from ``grid``."""
    axes = list(grid.axes)
    for i, ax in enumerate(axes):
        _check_axis(ax, i)
    levels = 1
    while True:
        coarse = [_coarse_axis(ax, nested) for ax in axes]
        if any(c is None for c in coarse):
            return levels
        axes, levels = coarse, levels + 1


def nearest_valid_sizes(n: int, levels: int) -> tuple[int, int]:
    """The node counts nearest ``n`` (below, above) that allow ``levels`` nested grids:
    ``k 2^(levels-1) + 1`` with ``k >= 2``.

    Examples
    --------
    >>> nearest_valid_sizes(64, 3)
    (61, 65)
    """
    step = 2 ** (levels - 1)
    k = (n - 1) // step
    below = k * step + 1 if k >= 2 else None
    above = n if below == n else max(k + 1, 2) * step + 1
    return (below if below is not None else above), above


def _nearest_text(n: int, levels: int) -> str:
    below, above = nearest_valid_sizes(n, levels)
    return f"{n} nodes -> {below}" if below == above else f"{n} nodes -> {below} or {above}"


def build_hierarchy(grid: TensorGrid, levels: int | None, *, nested: bool):
    """The grids, finest first, and the interior prolongations between them (cached per
    grid, so a chain of samples on one grid builds them once; the matrices are read-only).

    Returns
    -------
    grids : tuple of TensorGrid
    prolongations : list of csr_matrix
        ``prolongations[l]`` maps level ``l + 1`` (coarser) to level ``l``, shape
        ``(prod(n_l - 2), prod(n_{l+1} - 2))``.

    Raises
    ------
    ParameterError
        When ``levels`` is below 2 or more than the sizes allow, naming the sizes and the
        nearest valid ones.
    """
    if levels is not None and (
        isinstance(levels, bool) or not isinstance(levels, (int, np.integer)) or levels < 2
    ):
        raise ParameterError(
            explain(
                "multigrid needs at least two levels",
                expected="levels >= 2 (or None: as many as the grid allows)",
                received=f"levels={levels!r}",
                fix="pass levels=None (as many as the grid allows) or an integer >= 2",
            )
        )
    levels = None if levels is None else int(levels)
    grids, prolongations = _hierarchy(grid, levels, bool(nested))
    return grids, list(prolongations)


@functools.lru_cache(maxsize=32)
def _hierarchy(grid: TensorGrid, levels: int | None, nested: bool):
    available = max_levels(grid, nested=nested)
    wanted = max(available, 2) if levels is None else levels
    if wanted > available:
        sizes = "; ".join(_nearest_text(n, wanted) for n in dict.fromkeys(grid.shape))
        fewer = f"levels <= {available}, or " if available >= 2 else ""
        raise ParameterError(
            explain(
                f"a grid of shape {grid.shape} cannot hold {wanted} "
                f"{'nested ' if nested else ''}levels",
                expected=f"node counts k 2^{wanted - 1} + 1 (k >= 2) per axis",
                received=f"shape {grid.shape}: at most {available} level(s)",
                fix=f"use {fewer}the nearest valid sizes ({sizes})"
                + ("; or nested=False (non-nested coarsening of any size)" if nested else ""),
            )
        )
    grids, prolongations = [grid], []
    for _ in range(wanted - 1):
        fine = grids[-1]
        coarse = TensorGrid(tuple(_coarse_axis(ax, nested) for ax in fine.axes))
        mats = [interior_prolongation(c, f) for c, f in zip(coarse.axes, fine.axes)]
        P = mats[0]
        for m in mats[1:]:
            P = sp.kron(P, m, format="csr")
        P = sp.csr_matrix(P)
        for arr in (P.data, P.indices, P.indptr):
            arr.flags.writeable = False
        grids.append(coarse)
        prolongations.append(P)
    return tuple(grids), tuple(prolongations)
