"""Resampling policies between discretizations, chosen by the pair (source, target).

=====================  =====================  ==================================================
source                 target                 policy
=====================  =====================  ==================================================
any                    the same               identity
TensorGrid             TensorGrid             per axis: FFT between uniform periodic axes of equal
                                              bounds; else the 1-D interpolation matrix (linear or
                                              barycentric/trigonometric, see ``interpolation``)
TensorGrid             PointCloud             evaluation at the points
PointCloud             anything else          none: scattered values have no interpolant here
=====================  =====================  ==================================================
"""

from __future__ import annotations

import itertools

import torch

from .discretization import Discretization
from .errors import DiscretizationError, ShapeError, explain
from .grid import TensorGrid
from .interpolation import (
    fft_resample,
    interpolation_matrix,
    linear_stencil,
    resolve_method,
    transfer_matrix,
)
from .pointcloud import PointCloud

__all__ = ["resample", "evaluate", "no_policy_error"]


def no_policy_error(source: Discretization, target: Discretization, why: str):
    """The error raised when no resampling policy maps ``source`` to ``target``."""
    return DiscretizationError(
        f"no resampling policy from {source!r} to {target!r}: {why}. Fix: sample the "
        "function directly on the target (Field.from_function), or resample in the other "
        "direction (a TensorGrid can be evaluated on a PointCloud, not the reverse)."
    )


def _check_inside(grid: TensorGrid, dim: int, coords: torch.Tensor, target) -> None:
    ax = grid.axes[dim]
    if ax.periodic:
        return
    lo, hi = ax.bounds
    tol = 1e-12 * max(1.0, abs(lo), abs(hi))
    if coords.numel() and (coords.min() < lo - tol or coords.max() > hi + tol):
        raise no_policy_error(
            grid,
            target,
            f"the target reaches [{float(coords.min()):g}, {float(coords.max()):g}] along "
            f"axis {dim}, outside the source interval [{lo:g}, {hi:g}] (no extrapolation)",
        )


def _apply_along(values: torch.Tensor, matrix: torch.Tensor, dim: int) -> torch.Tensor:
    matrix = matrix.to(device=values.device, dtype=values.dtype)
    moved = torch.movedim(values, dim, -1)
    return torch.movedim(moved @ matrix.T, -1, dim)


def resample(
    values: torch.Tensor, source: Discretization, target: Discretization, method: str = "auto"
) -> torch.Tensor:
    """Map values from ``source`` to ``target``.

    Parameters
    ----------
    values : torch.Tensor of shape (..., *source.shape)
    source, target : Discretization
    method : {"auto", "linear", "spectral"}
        Per-axis interpolation method for grid sources (see ``sciml.core.interpolation``).

    Returns
    -------
    torch.Tensor of shape (..., *target.shape)
    """
    source.check_values(values)
    if source == target:
        return values
    if isinstance(source, PointCloud):
        raise no_policy_error(source, target, "scattered values have no interpolant here")
    if not isinstance(source, TensorGrid):  # pragma: no cover - only two concrete kinds
        raise no_policy_error(source, target, "unsupported source")
    if target.ndim != source.ndim:
        raise no_policy_error(source, target, f"dimensions differ ({source.ndim} vs {target.ndim})")
    if isinstance(target, PointCloud):
        return evaluate(values, source, target.points(), method, _target=target)
    if not isinstance(target, TensorGrid):  # pragma: no cover
        raise no_policy_error(source, target, "unsupported target")
    lead = values.ndim - source.ndim
    out = values
    for i, (src, dst) in enumerate(zip(source.axes, target.axes)):
        if src == dst:
            continue
        _check_inside(source, i, dst.nodes, target)
        how = resolve_method(src, method)
        fft_ok = (
            how == "spectral"
            and src.is_uniform_periodic
            and dst.is_uniform_periodic
            and src.bounds == dst.bounds
        )
        if fft_ok:
            out = fft_resample(out, lead + i, src, dst)
        else:
            out = _apply_along(out, transfer_matrix(src, dst, how), lead + i)
    return out


def evaluate(
    values: torch.Tensor, grid: TensorGrid, x, method: str = "auto", *, _target=None
) -> torch.Tensor:
    """Interpolate grid values at arbitrary points.

    Parameters
    ----------
    values : torch.Tensor of shape (..., *grid.shape)
    grid : TensorGrid
    x : torch.Tensor of shape (*pts, d)
    method : {"auto", "linear", "spectral"}

    Returns
    -------
    torch.Tensor of shape (..., *pts)
    """
    grid.check_values(values)
    x = torch.as_tensor(x, dtype=torch.float64)
    if x.ndim == 0 or x.shape[-1] != grid.ndim:
        raise ShapeError(
            explain(
                "evaluation points have the wrong number of coordinates",
                expected=f"shape (..., {grid.ndim})",
                received=f"shape {tuple(x.shape)}",
                fix="stack coordinates along the last axis",
            )
        )
    pts_shape = x.shape[:-1]
    flat = x.reshape(-1, grid.ndim).cpu()
    target = _target if _target is not None else "the requested points"
    for i in range(grid.ndim):
        _check_inside(grid, i, flat[:, i], target)
    batch = values.shape[: values.ndim - grid.ndim]
    hows = [resolve_method(ax, method) for ax in grid.axes]
    if all(h == "linear" for h in hows):
        out = _multilinear(values.reshape(*batch, -1), grid, flat)
    else:
        out = _separable(values, grid, flat, hows)
    return out.reshape(*batch, *pts_shape)


def _multilinear(flat_values: torch.Tensor, grid: TensorGrid, x: torch.Tensor) -> torch.Tensor:
    stencils = [linear_stencil(ax, x[:, i]) for i, ax in enumerate(grid.axes)]
    strides = torch.tensor(
        [int(torch.tensor(grid.shape[i + 1 :]).prod()) for i in range(grid.ndim)]
    )
    device, dtype = flat_values.device, flat_values.dtype
    out = torch.zeros(*flat_values.shape[:-1], x.shape[0], dtype=dtype, device=device)
    for corner in itertools.product((0, 1), repeat=grid.ndim):
        index = torch.zeros(x.shape[0], dtype=torch.long)
        weight = torch.ones(x.shape[0], dtype=torch.float64)
        for i, (left, right, t) in enumerate(stencils):
            index += strides[i] * (right if corner[i] else left)
            weight *= t if corner[i] else 1 - t
        gathered = flat_values[..., index.to(device)]
        out += gathered * weight.to(device=device, dtype=dtype)
    return out


def _separable(values, grid, x, hows) -> torch.Tensor:
    lead = values.ndim - grid.ndim
    mats = [
        interpolation_matrix(ax, x[:, i].numpy(), h).to(device=values.device, dtype=values.dtype)
        for i, (ax, h) in enumerate(zip(grid.axes, hows))
    ]
    # contract axis 0 with its matrix, creating the point dimension p; then contract each
    # remaining axis with the matrix row of the same point
    out = torch.movedim(torch.movedim(values, lead, -1) @ mats[0].T, -1, lead)
    for remaining, mat in zip(range(grid.ndim - 1, 0, -1), mats[1:]):
        moved = torch.movedim(out, lead + 1, -1)  # (..., p, rest, n_j)
        row = mat.reshape(mat.shape[0], *([1] * (remaining - 1)), mat.shape[1])
        out = (moved * row).sum(dim=-1)
    return out
