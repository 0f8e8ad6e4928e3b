r"""Inputs of grid-based operators: raw tensors or Fields, and coordinate embeddings.

Grid-based models (FNO, MgNO, T1) accept either

* a :class:`~sciml.core.Field` on a :class:`~sciml.core.TensorGrid`: the grid supplies the
  coordinates, the periodicity and the vertex/cell convention of every axis, and the model
  returns a Field on the same grid; or
* a raw tensor of shape ``(B, c, n_1, ..., n_d)``, optionally with ``grid=``. Without a
  grid, a raw tensor is read as values on ``TensorGrid.uniform((n_1, ..., n_d))``: the unit
  box, vertex-centred nodes ``linspace(0, 1, n)`` including both ends, non-periodic. So
  ``model(x)`` equals ``model(Field(x, TensorGrid.uniform(x.shape[2:]))).values``.

Coordinate embeddings
---------------------
``"linear"``
    The physical coordinates :math:`x_i` of every node (``grid.mesh()``), one channel per
    axis (FNO's usual embedding). On a periodic axis this is a sawtooth: discontinuous on
    the torus, so not band-limited.
``"periodic"``
    :math:`\cos(2\pi(x_i - a_i)/L_i), \sin(2\pi(x_i - a_i)/L_i)`, two channels per axis:
    smooth and band-limited on periodic axes (one Fourier mode), which keeps a spectral
    model's outputs consistent between resolutions.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import torch

from sciml.core import Field, TensorGrid
from sciml.core.errors import DiscretizationError, ShapeError, explain

__all__ = [
    "GridInput",
    "grid_input",
    "unit_grid",
    "coordinate_channels",
    "embedding_channels",
    "EMBEDDINGS",
]

EMBEDDINGS = ("linear", "periodic")


@functools.lru_cache(maxsize=64)
def unit_grid(shape: tuple[int, ...]) -> TensorGrid:
    """The grid a raw tensor is read on: ``TensorGrid.uniform(shape)`` (unit box, vertex
    nodes including both ends, non-periodic)."""
    return TensorGrid.uniform(tuple(int(s) for s in shape))


@dataclass(frozen=True)
class GridInput:
    """Values ``(B, c, *grid.shape)`` with their grid, and how to return an output.

    Attributes
    ----------
    values : torch.Tensor of shape (B, c, *grid.shape)
    grid : TensorGrid
    batch_shape : tuple of int or None
        The batch shape of an input Field (restored on output); None for raw tensors.
    """

    values: torch.Tensor
    grid: TensorGrid
    batch_shape: tuple[int, ...] | None

    def wrap(self, out: torch.Tensor, grid: TensorGrid | None = None):
        """Return ``out`` (shape ``(B, c_out, *grid.shape)``) as the caller passed it in:
        a Field with the input's batch shape, or the raw tensor."""
        if self.batch_shape is None:
            return out
        grid = self.grid if grid is None else grid
        return Field(out.reshape(*self.batch_shape, *out.shape[1:]), grid)


def grid_input(x, grid: TensorGrid | None, ndim: int, in_channels: int, who: str) -> GridInput:
    """Check and normalize the input of a grid-based model.

    Parameters
    ----------
    x : torch.Tensor of shape (B, c, *shape), or Field on a TensorGrid
    grid : TensorGrid, optional
        The grid of a raw tensor; must match a Field's own grid when both are given.
    ndim : int
        Spatial dimension the model was built for.
    in_channels : int
    who : str
        Name of the model, for messages.

    Returns
    -------
    GridInput
    """
    if isinstance(x, Field):
        if not isinstance(x.disc, TensorGrid):
            raise DiscretizationError(
                explain(
                    f"{who} acts on functions on tensor grids",
                    expected="a Field on a TensorGrid",
                    received=f"a Field on {x.disc!r}",
                    fix="resample onto a grid first: field.on(TensorGrid.uniform(shape))",
                )
            )
        if grid is not None and grid != x.disc:
            raise DiscretizationError(
                explain(
                    "grid= disagrees with the Field's own grid",
                    expected=repr(x.disc),
                    received=repr(grid),
                    fix="omit grid= when passing a Field",
                )
            )
        grid, batch = x.disc, x.batch_shape
        values = x.values.reshape(-1, x.channels, *grid.shape)
    else:
        if not isinstance(x, torch.Tensor):
            raise ShapeError(
                explain(
                    f"{who} takes a tensor or a Field",
                    expected="torch.Tensor of shape (B, c, *grid) or a Field",
                    received=type(x).__name__,
                    fix="convert with torch.as_tensor, or wrap the values in a Field",
                )
            )
        values, batch = x, None
        if values.ndim != ndim + 2:
            raise ShapeError(
                explain(
                    f"{who} was built for {ndim}-D inputs",
                    expected=f"shape (batch, channels, {', '.join(['n'] * ndim)})",
                    received=f"shape {tuple(values.shape)}",
                    fix="add the batch/channel axes (x[None], x[:, None]) or build the model "
                    "with one n_modes entry per spatial dimension",
                )
            )
        if grid is None:
            grid = unit_grid(tuple(values.shape[2:]))
        elif tuple(values.shape[2:]) != grid.shape:
            raise ShapeError(
                explain(
                    "input values do not fit grid=",
                    expected=f"spatial shape {grid.shape}",
                    received=f"shape {tuple(values.shape)}",
                    fix="pass the grid the values live on",
                )
            )
    if grid.ndim != ndim:
        raise ShapeError(
            explain(
                f"{who} was built for {ndim}-D inputs",
                expected=f"a {ndim}-D grid",
                received=f"a {grid.ndim}-D grid {grid.shape}",
                fix="build the model with one n_modes entry per spatial dimension",
            )
        )
    if values.shape[1] != in_channels:
        raise ShapeError(
            explain(
                f"{who} was built for {in_channels} input channel(s)",
                expected=f"{in_channels} channels (axis 1, channels-first)",
                received=f"{values.shape[1]} channels in shape {tuple(values.shape)}",
                fix="put channels on axis 1, or build the model with in_channels matching",
            )
        )
    return GridInput(values, grid, batch)


@functools.lru_cache(maxsize=64)
def _coordinates(grid: TensorGrid, kind: str) -> torch.Tensor:
    mesh = grid.mesh()
    if kind == "linear":
        return torch.stack(mesh)
    chans = []
    for ax, x in zip(grid.axes, mesh):
        phase = 2 * math.pi * (x - ax.bounds[0]) / ax.length
        chans += [torch.cos(phase), torch.sin(phase)]
    return torch.stack(chans)


def coordinate_channels(grid: TensorGrid, kind: str, *, like: torch.Tensor) -> torch.Tensor:
    """Coordinate channels of ``grid``, shape ``(e, *grid.shape)``, on ``like``'s device
    and dtype; ``e = d`` for ``"linear"`` and ``2 d`` for ``"periodic"``.

    Examples
    --------
    >>> g = TensorGrid.uniform((3,))
    >>> coordinate_channels(g, "linear", like=torch.zeros(1)).tolist()
    [[0.0, 0.5, 1.0]]
    """
    return _coordinates(grid, kind).to(device=like.device, dtype=like.dtype)


def embedding_channels(kind: str | None, ndim: int) -> int:
    """Number of channels a coordinate embedding adds."""
    return {None: 0, "linear": ndim, "periodic": 2 * ndim}[kind]
