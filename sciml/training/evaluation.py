"""Relative L2 errors of a trained model, at the training resolution and zero-shot at others.

Resampling uses :meth:`sciml.core.Field.on`, whose policy follows the pair of grids: FFT
(exact for band-limited data) between uniform periodic grids, interpolation (linear on
uniform non-periodic axes) otherwise.
"""

from __future__ import annotations

import numbers

import torch

from sciml.core import Axis, Discretization, Field, TensorGrid
from sciml.core.errors import DiscretizationError, ShapeError, explain
from sciml.operators.embedding import unit_grid

from .losses import RelativeLp

__all__ = ["regrid", "evaluate_model", "default_forward"]


def default_forward(model, x, grid):
    """``model(x, grid=grid)``, or ``model(x)`` when there is no grid."""
    return model(x) if grid is None else model(x, grid=grid)


def _axis_like(ax: Axis, n: int) -> Axis:
    if ax.kind == "uniform":
        return Axis.uniform(n, ax.bounds, periodic=ax.periodic, offset=ax.offset)
    if ax.kind == "chebyshev":
        return Axis.chebyshev(n, ax.bounds)
    if ax.kind == "gauss_legendre":
        return Axis.gauss_legendre(n, ax.bounds)
    raise DiscretizationError(
        explain(
            f"cannot build another resolution of a custom axis {ax!r}",
            expected="uniform, Chebyshev or Gauss-Legendre axes",
            received="kind='custom'",
            fix="pass a TensorGrid in resolutions= instead of a size",
        )
    )


def regrid(grid: TensorGrid, resolution) -> TensorGrid:
    """The same kind of grid on the same domain with another number of nodes.

    Parameters
    ----------
    grid : TensorGrid
    resolution : int, tuple of int or TensorGrid
        An int applies to every axis; a grid is returned as is.

    Examples
    --------
    >>> g = TensorGrid.uniform((33, 33))
    >>> regrid(g, 65).shape
    (65, 65)
    """
    if isinstance(resolution, TensorGrid):
        return resolution
    sizes = (
        (int(resolution),) * grid.ndim
        if isinstance(resolution, numbers.Integral)
        else tuple(int(r) for r in resolution)
    )
    if len(sizes) != grid.ndim:
        raise ShapeError(
            explain(
                "a resolution gives one size per axis",
                expected=f"an int or {grid.ndim} ints",
                received=repr(resolution),
                fix="pass e.g. resolutions=[32, 64]",
            )
        )
    return TensorGrid(tuple(_axis_like(ax, n) for ax, n in zip(grid.axes, sizes)))


def _as_field(values, disc: Discretization | None) -> Field:
    if isinstance(values, Field):
        return values
    values = torch.as_tensor(values)
    return Field(values, disc if disc is not None else unit_grid(tuple(values.shape[2:])))


@torch.no_grad()
def _predict(model, forward, x: Field, out_disc: Discretization, batch_size: int) -> Field:
    param = next(model.parameters(), None)
    device = param.device if param is not None else torch.device("cpu")
    dtype = param.dtype if param is not None else x.values.dtype
    grid = x.disc if isinstance(x.disc, TensorGrid) else None
    outs = []
    for start in range(0, x.values.shape[0], batch_size):
        xb = x.values[start : start + batch_size].to(device=device, dtype=dtype)
        out = forward(model, xb, grid)
        outs.append(out.values if isinstance(out, Field) else out)
    return Field(torch.cat(outs).cpu(), out_disc)


def evaluate_model(
    model,
    data,
    resolutions=None,
    *,
    targets: dict | None = None,
    forward=default_forward,
    batch_size: int = 32,
) -> dict:
    """Mean relative L2 error per resolution.

    Parameters
    ----------
    model : nn.Module
    data : (inputs, targets) or dict of them
        Fields (or tensors, read on ``TensorGrid.uniform``) with one batch axis. A dict maps
        a key (e.g. a resolution) to a pair evaluated as is, without resampling.
    resolutions : sequence of int, tuple or TensorGrid, optional
        For a single pair: evaluate with the inputs resampled (``Field.on``) to each of
        these grids. The prediction is compared with ``targets[resolution]`` when given,
        else resampled back onto the targets' own grid and compared there (the reference is
        never interpolated). Requires a model that maps a grid to the same grid. Default:
        the inputs' own grid.
    targets : dict, optional
        ``{resolution: Field}``: reference outputs computed at that resolution (e.g. by the
        solver on the finer grid), used instead of ``data``'s targets.
    forward : callable
        ``forward(model, x, grid) -> prediction``; default ``model(x, grid=grid)``.
    batch_size : int

    Returns
    -------
    dict
        ``{resolution or key: mean relative L2 error}`` (floats).
    """
    was_training = model.training
    model.eval()
    metric = RelativeLp(2)
    try:
        if isinstance(data, dict):
            out = {}
            for key, (x, y) in data.items():
                y = _as_field(y, None)
                x = _as_field(x, None)
                pred = _predict(model, forward, x, y.disc, batch_size)
                out[key] = float(metric(pred.values, y.values.to(pred.dtype), y.disc))
            return out
        x, y = data
        x, y = _as_field(x, None), _as_field(y, None)
        if resolutions is None:
            pred = _predict(model, forward, x, y.disc, batch_size)
            return {x.disc.shape: float(metric(pred.values, y.values.to(pred.dtype), y.disc))}
        out = {}
        for res in resolutions:
            grid = regrid(x.disc, res)
            key = res if not isinstance(res, TensorGrid) else grid.shape
            ref = _as_field(targets[key], grid) if targets and key in targets else y
            pred = _predict(model, forward, x.on(grid), grid, batch_size).on(ref.disc)
            out[key] = float(metric(pred.values, ref.values.to(pred.dtype), ref.disc))
        return out
    finally:
        model.train(was_training)
