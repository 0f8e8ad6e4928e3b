"""Transfer between grids of a hierarchy: three verbs with checked arguments.

* :func:`prolong` (coarse -> fine) interpolates values linearly;
* :func:`restrict` (fine -> coarse) acts on residuals and is the adjoint of prolongation
  under the quadrature weights: ``R = W_c^{-1} P^T W_f``, so that
  ``<R u, v>_coarse = <u, P v>_fine`` (full weighting on vertex-centred grids);
* :func:`inject` (fine -> coarse) copies values at shared nodes.
"""

from __future__ import annotations

import torch

from .axis import Axis
from .errors import DiscretizationError, explain
from .field import Field
from .grid import TensorGrid
from .interpolation import transfer_matrix

__all__ = ["prolongation_matrix", "restriction_matrix", "prolong", "restrict", "inject"]


def prolongation_matrix(coarse: Axis, fine: Axis) -> torch.Tensor:
    """Linear interpolation from ``coarse`` nodes to ``fine`` nodes, shape ``(n_f, n_c)``."""
    _check_pair(coarse, fine)
    return transfer_matrix(coarse, fine, "linear")


def restriction_matrix(fine: Axis, coarse: Axis) -> torch.Tensor:
    """``W_c^{-1} P^T W_f``, shape ``(n_c, n_f)``: the weighted adjoint of prolongation."""
    p = prolongation_matrix(coarse, fine)
    return (p.T * fine.weights[None, :]) / coarse.weights[:, None]


def _check_pair(coarse: Axis, fine: Axis) -> None:
    if coarse.bounds != fine.bounds or coarse.periodic != fine.periodic:
        raise DiscretizationError(
            explain(
                "grid transfer needs two axes on the same interval",
                expected=f"bounds {coarse.bounds}, periodic={coarse.periodic}",
                received=f"bounds {fine.bounds}, periodic={fine.periodic}",
                fix="build the levels with TensorGrid.hierarchy or coarsen/refine",
            )
        )


def _check_grids(source: TensorGrid, target: TensorGrid, verb: str) -> None:
    if not isinstance(target, TensorGrid) or not isinstance(source, TensorGrid):
        raise DiscretizationError(
            explain(
                f"{verb} acts between tensor grids",
                expected="TensorGrid -> TensorGrid",
                received=f"{source!r} -> {target!r}",
                fix="use Field.on for other discretizations",
            )
        )
    if source.ndim != target.ndim:
        raise DiscretizationError(
            explain(
                f"{verb}: grids have different dimensions",
                expected=f"{source.ndim}-D target",
                received=f"{target.ndim}-D",
                fix="use a level of the same grid hierarchy",
            )
        )


def _per_axis(field: Field, target: TensorGrid, matrices) -> Field:
    values = field.values
    lead = values.ndim - target.ndim
    for i, mat in enumerate(matrices):
        if mat is None:
            continue
        mat = mat.to(device=values.device, dtype=values.dtype)
        values = torch.movedim(torch.movedim(values, lead + i, -1) @ mat.T, -1, lead + i)
    return Field(values, target)


def prolong(field: Field, fine: TensorGrid) -> Field:
    """Interpolate a coarse field linearly onto ``fine``.

    Parameters
    ----------
    field : Field on a coarse TensorGrid, values ``(*batch, c, *coarse.shape)``
    fine : TensorGrid

    Returns
    -------
    Field on ``fine``
    """
    _check_grids(field.disc, fine, "prolong")
    mats = [
        None if c == f else prolongation_matrix(c, f) for c, f in zip(field.disc.axes, fine.axes)
    ]
    return _per_axis(field, fine, mats)


def restrict(field: Field, coarse: TensorGrid) -> Field:
    """Restrict a fine residual to ``coarse`` with the weighted adjoint of :func:`prolong`."""
    _check_grids(field.disc, coarse, "restrict")
    mats = [
        None if f == c else restriction_matrix(f, c) for f, c in zip(field.disc.axes, coarse.axes)
    ]
    return _per_axis(field, coarse, mats)


def inject(field: Field, coarse: TensorGrid) -> Field:
    """Copy fine values at the coarse nodes (which must be fine nodes too)."""
    _check_grids(field.disc, coarse, "inject")
    values = field.values
    lead = values.ndim - coarse.ndim
    for i, (f, c) in enumerate(zip(field.disc.axes, coarse.axes)):
        if f == c:
            continue
        _check_pair(c, f)
        dist = (c.nodes[:, None] - f.nodes[None, :]).abs()
        nearest = dist.argmin(dim=1)
        gap = dist.gather(1, nearest[:, None]).max()
        if float(gap) > 1e-12 * max(1.0, f.length):
            raise DiscretizationError(
                explain(
                    f"inject needs nested grids; coarse axis {i} has nodes that are not fine nodes",
                    expected=f"nodes of {c!r} among those of {f!r}",
                    received=f"a node {float(gap):.3g} away from every fine node",
                    fix="use restrict (it works on non-nested grids) or nested levels",
                )
            )
        values = torch.index_select(values, lead + i, nearest.to(values.device))
    return Field(values, coarse)
