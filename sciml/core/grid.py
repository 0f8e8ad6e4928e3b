"""Tensor-product grids: the structured discretization (Kronecker in d dimensions)."""

from __future__ import annotations

import functools
from dataclasses import dataclass

import torch

from .axis import Axis
from .discretization import Discretization
from .domain import Domain
from .errors import DiscretizationError, explain

__all__ = ["TensorGrid"]


@functools.lru_cache(maxsize=128)
def _weights(grid: TensorGrid) -> torch.Tensor:
    w = grid.axes[0].weights
    for ax in grid.axes[1:]:
        w = w[..., None] * ax.weights
    return w


@dataclass(frozen=True)
class TensorGrid(Discretization):
    """The tensor product of 1-D axes.

    Parameters
    ----------
    axes : sequence of Axis
        One axis per dimension.

    Notes
    -----
    Values on the grid have shape ``(..., n_1, ..., n_d)``; the weights are the outer
    product of the axis weights. Grids are immutable and hashable, so weights,
    interpolation matrices and hierarchies are cached per grid.

    Examples
    --------
    >>> g = TensorGrid.uniform((8, 8), bounds=[(0, 1), (0, 1)], periodic=True)
    >>> g.shape, g.ndim
    ((8, 8), 2)
    >>> round(float(g.integrate(torch.ones(8, 8))), 12)
    1.0
    """

    axes: tuple[Axis, ...]

    def __post_init__(self):
        axes = tuple(self.axes) if not isinstance(self.axes, Axis) else (self.axes,)
        if not axes or not all(isinstance(a, Axis) for a in axes):
            raise DiscretizationError(
                explain(
                    "a TensorGrid is built from Axis objects",
                    expected="a non-empty sequence of Axis",
                    received=repr(self.axes),
                    fix="use Axis.uniform / Axis.chebyshev / Axis.gauss_legendre, "
                    "or Domain.grid(shape)",
                )
            )
        object.__setattr__(self, "axes", axes)

    @classmethod
    def uniform(cls, shape, bounds=None, *, periodic=False, offset="vertex") -> TensorGrid:
        """Equispaced grid; ``bounds`` defaults to the unit box.

        Parameters
        ----------
        shape : int or sequence of int
        bounds : sequence of (lo, hi), optional
        periodic : bool or sequence of bool
        offset : {"vertex", "cell"}
        """
        shape = (shape,) if isinstance(shape, int) else tuple(shape)
        bounds = [(0.0, 1.0)] * len(shape) if bounds is None else bounds
        return Domain(bounds, periodic).grid(shape, offset=offset)

    # ----------------------------------------------------------- Discretization
    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(a.n for a in self.axes)

    @property
    def ndim(self) -> int:
        return len(self.axes)

    @property
    def domain(self) -> Domain:
        """The box spanned by the axes' bounds."""
        return Domain([a.bounds for a in self.axes], [a.periodic for a in self.axes])

    def weights(self) -> torch.Tensor:
        """Outer product of the axis weights, shape ``self.shape``."""
        return _weights(self)

    def mesh(self) -> tuple[torch.Tensor, ...]:
        """Coordinate arrays, each of shape ``self.shape`` (``indexing="ij"``)."""
        return torch.meshgrid(*(a.nodes for a in self.axes), indexing="ij")

    def points(self) -> torch.Tensor:
        """Coordinates of every node, shape ``(*self.shape, d)``."""
        return torch.stack(self.mesh(), dim=-1)

    # ----------------------------------------------------------- spectral
    def fft_frequencies(self, *, real: bool = False) -> tuple[torch.Tensor, ...]:
        """Angular wavenumbers ``2 pi k / L`` per axis, in FFT order.

        Parameters
        ----------
        real : bool
            If true, the last axis has the ``rfft`` frequencies (``n // 2 + 1`` entries).

        Returns
        -------
        tuple of torch.Tensor
            One 1-D tensor per axis.

        Raises
        ------
        DiscretizationError
            If an axis is not uniform and periodic.
        """
        out = []
        for i, ax in enumerate(self.axes):
            if not ax.is_uniform_periodic:
                raise DiscretizationError(
                    explain(
                        f"FFT frequencies need uniform periodic axes; axis {i} is {ax!r}",
                        expected="Axis.uniform(..., periodic=True)",
                        received=repr(ax),
                        fix="build the grid on a periodic Domain with kind='uniform'",
                    )
                )
            last = real and i == self.ndim - 1
            k = (
                torch.fft.rfftfreq(ax.n, d=1.0 / ax.n)
                if last
                else torch.fft.fftfreq(ax.n, d=1.0 / ax.n)
            )
            out.append(2 * torch.pi * k.to(torch.float64) / ax.length)
        return tuple(out)

    # ----------------------------------------------------------- hierarchy
    def coarsen(self, factor: int = 2) -> TensorGrid:
        """Every axis coarsened by ``factor`` (see :meth:`Axis.coarsen`)."""
        return TensorGrid(tuple(a.coarsen(factor) for a in self.axes))

    def refine(self, factor: int = 2) -> TensorGrid:
        """Every axis refined by ``factor`` (see :meth:`Axis.refine`)."""
        return TensorGrid(tuple(a.refine(factor) for a in self.axes))

    def hierarchy(self, levels: int, factor: int = 2) -> tuple[TensorGrid, ...]:
        """``levels`` grids, finest (this one) first, each coarsened by ``factor``.

        Raises
        ------
        DiscretizationError
            If a level cannot be coarsened, naming the level and the axis sizes.
        """
        grids = [self]
        for level in range(1, levels):
            try:
                grids.append(grids[-1].coarsen(factor))
            except DiscretizationError as exc:
                raise DiscretizationError(
                    f"cannot build {levels} levels from grid of shape {self.shape}: level "
                    f"{level} fails. {exc} Fix: use sizes divisible by {factor}**{levels - 1} "
                    "(plus one for vertex-centred non-periodic axes), or fewer levels."
                ) from exc
        return tuple(grids)

    def __repr__(self) -> str:
        return f"TensorGrid({', '.join(repr(a) for a in self.axes)})"
