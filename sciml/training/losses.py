r"""Losses measured with the discretization's quadrature weights, so a relative error means
the same thing at every resolution and on every kind of discretization.

* :class:`RelativeLp`: :math:`\|u - v\|_{L^p} / \|v\|_{L^p}` per sample (norms summed over
  channels as :meth:`sciml.core.Field.norm` does), averaged over the batch.
* :class:`Sobolev`: :math:`\|u - v\|_{H^s} / \|v\|_{H^s}`.

  - On grids whose axes are all uniform and periodic, by Parseval with the grid's angular
    wavenumbers (:meth:`TensorGrid.fft_frequencies`), for any real ``s``:
    :math:`\|u\|_{H^s}^2 = V \sum_k (1 + |k|^2)^s |\hat u_k|^2` with
    :math:`\hat u = \mathrm{fftn}(u) / N` and :math:`V` the volume. For
    :math:`\sin(2\pi m x)` on [0, 1]: :math:`\|u\|_{H^1} = \sqrt{1 + (2\pi m)^2}\,
    \|u\|_{L^2}`.
  - Otherwise ``s = 1`` only, by finite differences: :math:`\|u\|_{H^1}^2 = \int u^2 +
    \sum_i \int (\partial_i u)^2` with second-order differences (``torch.gradient`` with
    the axis nodes as coordinates, one-sided at the ends; centred with wrap-around on
    periodic axes) and the quadrature weights. Negative or fractional ``s`` on a
    non-periodic grid is refused: :math:`H^{-1}` is a dual norm that needs an elliptic
    solve with boundary conditions, not a local formula.

Call a loss as ``loss(pred, target, grid=None)``: Fields carry their discretization; raw
tensors ``(B, c, *shape)`` use ``grid`` or, by default, ``TensorGrid.uniform(shape)`` (the
convention of :mod:`sciml.operators.embedding`).
"""

from __future__ import annotations

import abc
import math
from typing import final

import torch

from sciml.core import Discretization, Field, TensorGrid
from sciml.core.errors import DiscretizationError, ParameterError, ShapeError, explain
from sciml.operators.embedding import unit_grid

__all__ = ["AbstractLoss", "RelativeLp", "Sobolev", "H1", "Hminus1", "LOSSES", "make_loss"]


def _resolve(pred, target, grid) -> tuple[torch.Tensor, torch.Tensor, Discretization]:
    if isinstance(target, Field):
        grid = target.disc if grid is None else grid
        target = target.values
    if isinstance(pred, Field):
        if grid is not None and pred.disc != grid:
            raise DiscretizationError(
                explain(
                    "prediction and target live on different discretizations",
                    expected=repr(grid),
                    received=repr(pred.disc),
                    fix="resample the prediction first: pred.on(target.disc)",
                )
            )
        grid = pred.disc
        pred = pred.values
    if pred.shape != target.shape:
        raise ShapeError(
            explain(
                "prediction and target shapes differ",
                expected=f"{tuple(target.shape)}",
                received=f"{tuple(pred.shape)}",
                fix="compare values on the same discretization and channels",
            )
        )
    if grid is None:
        grid = unit_grid(tuple(pred.shape[2:]))
    grid.check_values(pred, "predictions")
    return pred, target, grid


def _per_sample(values: torch.Tensor, disc: Discretization) -> torch.Tensor:
    """Flatten to (B, c, *disc.shape): everything before the channel axis is batch."""
    k = len(disc.shape)
    return values.reshape(-1, *values.shape[values.ndim - k - 1 :])


class AbstractLoss(abc.ABC):
    """A loss on batches of functions: ``loss(pred, target, grid=None) -> scalar``, the
    batch mean of :meth:`per_sample`."""

    @abc.abstractmethod
    def per_sample(self, pred, target, grid=None) -> torch.Tensor:
        """Loss of each sample, shape ``(B,)``."""

    def __call__(self, pred, target, grid=None) -> torch.Tensor:
        return self.per_sample(pred, target, grid).mean()


@final
class RelativeLp(AbstractLoss):
    """Relative :math:`L^p` error per sample, averaged over the batch.

    Parameters
    ----------
    p : float
        ``p >= 1``.

    Examples
    --------
    >>> g = TensorGrid.uniform((64,), periodic=True)
    >>> t = Field.from_function(lambda x: torch.sin(2 * torch.pi * x[..., 0]), g)
    >>> round(float(RelativeLp()(t * 1.1, t)), 6)
    0.1
    """

    def __init__(self, p: float = 2):
        if not (isinstance(p, (int, float)) and p >= 1):
            raise ParameterError(
                explain(
                    "RelativeLp needs p >= 1",
                    expected="a number p >= 1",
                    received=repr(p),
                    fix="pass p=2 (default) or another p >= 1",
                )
            )
        self.p = float(p)

    def per_sample(self, pred, target, grid=None) -> torch.Tensor:
        pred, target, disc = _resolve(pred, target, grid)
        err, ref = _per_sample(pred - target, disc), _per_sample(target, disc)
        w = disc.weights().to(device=err.device, dtype=err.dtype)
        dims = tuple(range(1, err.ndim))
        num = (err.abs() ** self.p * w).sum(dims)
        den = (ref.abs() ** self.p * w).sum(dims)
        return (num / den) ** (1.0 / self.p)

    def __repr__(self) -> str:
        return f"RelativeLp(p={self.p:g})"


def _sobolev_sq_periodic(u: torch.Tensor, grid: TensorGrid, s: float) -> torch.Tensor:
    d = grid.ndim
    dims = tuple(range(u.ndim - d, u.ndim))
    coef = torch.fft.fftn(u, dim=dims, norm="forward")
    ksq = torch.zeros(grid.shape, dtype=torch.float64)
    for i, k in enumerate(grid.fft_frequencies()):
        shape = [1] * d
        shape[i] = -1
        ksq = ksq + k.reshape(shape) ** 2
    weight = ((1.0 + ksq) ** s).to(device=u.device, dtype=u.dtype)
    volume = math.prod(ax.length for ax in grid.axes)
    return volume * (coef.abs() ** 2 * weight).sum(dims).sum(-1)


def _gradients(u: torch.Tensor, grid: TensorGrid) -> list[torch.Tensor]:
    d = grid.ndim
    out = []
    for i, ax in enumerate(grid.axes):
        dim = u.ndim - d + i
        if ax.periodic:
            h = ax.length / ax.n
            out.append((u.roll(-1, dim) - u.roll(1, dim)) / (2 * h))
        else:
            nodes = ax.nodes.to(device=u.device, dtype=u.dtype)
            (g,) = torch.gradient(u, spacing=(nodes,), dim=dim, edge_order=2)
            out.append(g)
    return out


@final
class Sobolev(AbstractLoss):
    r"""Relative (default) or absolute :math:`H^s` error per sample, averaged over the batch.

    Parameters
    ----------
    s : float
        Sobolev index; any real on uniform periodic grids (Parseval), 0 or 1 elsewhere.
    relative : bool
        Divide by :math:`\|v\|_{H^s}` of the target.

    Examples
    --------
    >>> g = TensorGrid.uniform((64,), periodic=True)
    >>> u = Field.from_function(lambda x: torch.sin(6 * torch.pi * x[..., 0]), g)
    >>> h1 = Sobolev(1, relative=False).per_sample(u, u * 0.0)
    >>> bool(torch.isclose(h1, math.sqrt(1 + (6 * math.pi) ** 2) * u.norm()))
    True
    """

    def __init__(self, s: float = 1, *, relative: bool = True):
        self.s = float(s)
        self.relative = bool(relative)

    def norm_squared(self, u: torch.Tensor, grid: Discretization) -> torch.Tensor:
        """:math:`\\|u\\|_{H^s}^2` of values ``(B, c, *grid.shape)``, shape ``(B,)``."""
        periodic = isinstance(grid, TensorGrid) and all(a.is_uniform_periodic for a in grid.axes)
        if periodic:
            return _sobolev_sq_periodic(u, grid, self.s)
        if self.s not in (0.0, 1.0) or not isinstance(grid, TensorGrid):
            raise ParameterError(
                explain(
                    f"the H^{self.s:g} norm is only defined here through Fourier series on "
                    "uniform periodic grids",
                    expected="a TensorGrid with uniform periodic axes, or s in {0, 1} on a "
                    "TensorGrid (finite differences)",
                    received=f"s={self.s:g} on {grid!r}",
                    fix="use Sobolev(1) or RelativeLp() on this grid, or periodic data",
                )
            )
        w = grid.weights().to(device=u.device, dtype=u.dtype)
        dims = tuple(range(1, u.ndim))
        total = (u**2 * w).sum(dims)
        if self.s == 1.0:
            for g in _gradients(u, grid):
                total = total + (g**2 * w).sum(dims)
        return total

    def per_sample(self, pred, target, grid=None) -> torch.Tensor:
        pred, target, disc = _resolve(pred, target, grid)
        err = self.norm_squared(_per_sample(pred - target, disc), disc)
        if not self.relative:
            return err.sqrt()
        return (err / self.norm_squared(_per_sample(target, disc), disc)).sqrt()

    def __repr__(self) -> str:
        return f"Sobolev(s={self.s:g}, relative={self.relative})"


def H1(relative: bool = True) -> Sobolev:
    """The (relative) :math:`H^1` loss, ``Sobolev(1)``."""
    return Sobolev(1, relative=relative)


def Hminus1(relative: bool = True) -> Sobolev:  # noqa: N802 - the norm's name
    """The (relative) :math:`H^{-1}` loss, ``Sobolev(-1)`` (periodic grids only)."""
    return Sobolev(-1, relative=relative)


LOSSES = {"l2": lambda: RelativeLp(2), "l1": lambda: RelativeLp(1), "h1": H1, "h-1": Hminus1}


def make_loss(loss) -> AbstractLoss:
    """A loss from an instance or a name in :data:`LOSSES`."""
    if isinstance(loss, AbstractLoss) or callable(loss) and not isinstance(loss, str):
        return loss
    if loss in LOSSES:
        return LOSSES[loss]()
    raise ParameterError(
        explain(
            "unknown loss",
            expected="an AbstractLoss or one of " + ", ".join(LOSSES),
            received=repr(loss),
            fix="pass e.g. loss=RelativeLp() or loss='h1'",
        )
    )
