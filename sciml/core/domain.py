"""Axis-aligned boxes, periodic or not along each axis."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch

from .errors import DiscretizationError, ShapeError, explain
from .tensors import as_tensor

__all__ = ["Domain"]


@dataclass(frozen=True)
class Domain:
    """A box ``[lo_1, hi_1] x ... x [lo_d, hi_d]``, with a periodic flag per axis.

    Parameters
    ----------
    bounds : sequence of (lo, hi)
        One pair per dimension, finite with ``lo < hi``.
    periodic : bool or sequence of bool
        Broadcast to every axis when a single bool.

    Examples
    --------
    >>> dom = Domain([(0, 1), (0, 2)], periodic=True)
    >>> dom.ndim, dom.volume
    (2, 2.0)
    >>> dom.grid((4, 8)).shape
    (4, 8)
    """

    bounds: tuple[tuple[float, float], ...]
    periodic: tuple[bool, ...] | bool = False

    def __post_init__(self):
        try:
            pairs = tuple((float(lo), float(hi)) for lo, hi in self.bounds)
        except (TypeError, ValueError) as exc:
            raise DiscretizationError(
                explain(
                    "domain bounds must be (lo, hi) pairs",
                    expected="[(lo_1, hi_1), ..., (lo_d, hi_d)]",
                    received=repr(self.bounds),
                    fix="pass one (lo, hi) pair per dimension, e.g. [(0, 1), (0, 1)]",
                )
            ) from exc
        if not pairs:
            raise DiscretizationError(
                explain(
                    "a domain needs at least one dimension",
                    expected="at least one (lo, hi) pair",
                    received="no bounds",
                    fix="pass e.g. bounds=[(0, 1)]",
                )
            )
        for i, (lo, hi) in enumerate(pairs):
            if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
                raise DiscretizationError(
                    explain(
                        f"bounds of dimension {i} are not a finite increasing interval",
                        expected="finite lo < hi",
                        received=f"({lo}, {hi})",
                        fix="fix the bounds (NaN and Inf are not allowed)",
                    )
                )
        periodic = self.periodic
        if isinstance(periodic, (bool, np.bool_)):
            periodic = (bool(periodic),) * len(pairs)
        periodic = tuple(bool(p) for p in periodic)
        if len(periodic) != len(pairs):
            raise DiscretizationError(
                explain(
                    "length of periodic does not match the number of dimensions",
                    expected=f"{len(pairs)} flags",
                    received=f"{len(periodic)}",
                    fix="pass one periodic flag per dimension, or a single bool",
                )
            )
        object.__setattr__(self, "bounds", pairs)
        object.__setattr__(self, "periodic", periodic)

    @property
    def ndim(self) -> int:
        """Number of dimensions d."""
        return len(self.bounds)

    @property
    def lengths(self) -> tuple[float, ...]:
        """``hi - lo`` per dimension."""
        return tuple(hi - lo for lo, hi in self.bounds)

    @property
    def volume(self) -> float:
        """Lebesgue measure of the box."""
        return float(np.prod(self.lengths))

    def contains(self, x, *, atol: float = 1e-12) -> torch.Tensor:
        """Whether points lie in the closed box (periodic axes contain every coordinate).

        Parameters
        ----------
        x : array_like of shape (..., d)

        Returns
        -------
        torch.BoolTensor of shape (...)
        """
        x = as_tensor(x, name="points")
        if x.ndim == 0 or x.shape[-1] != self.ndim:
            raise ShapeError(
                explain(
                    "points have the wrong number of coordinates",
                    expected=f"shape (..., {self.ndim})",
                    received=f"shape {tuple(x.shape)}",
                    fix="stack coordinates along the last axis",
                )
            )
        inside = torch.ones(x.shape[:-1], dtype=torch.bool, device=x.device)
        for i, ((lo, hi), per) in enumerate(zip(self.bounds, self.periodic)):
            if per:
                continue
            tol = atol * max(1.0, abs(lo), abs(hi))
            inside &= (x[..., i] >= lo - tol) & (x[..., i] <= hi + tol)
        return inside

    def grid(self, shape, kind: str = "uniform", *, offset="vertex"):
        """A tensor grid on this domain.

        Parameters
        ----------
        shape : int or sequence of int
            Nodes per dimension (an int is used for every dimension).
        kind : {"uniform", "chebyshev", "gauss_legendre"} or sequence of them
            The 1-D rule per dimension. Chebyshev and Gauss–Legendre need non-periodic axes.
        offset : {"vertex", "cell"}
            Node placement of uniform axes.

        Returns
        -------
        TensorGrid
        """
        from .axis import Axis
        from .grid import TensorGrid

        shape = (shape,) * self.ndim if isinstance(shape, (int, np.integer)) else tuple(shape)
        kinds = (kind,) * self.ndim if isinstance(kind, str) else tuple(kind)
        if len(shape) != self.ndim or len(kinds) != self.ndim:
            raise ShapeError(
                explain(
                    "grid shape does not match the domain's dimension",
                    expected=f"{self.ndim} entries",
                    received=f"shape={shape}, kind={kinds}",
                    fix="pass one size (and kind) per dimension",
                )
            )
        axes = []
        for n, k, b, per in zip(shape, kinds, self.bounds, self.periodic):
            if k == "uniform":
                axes.append(Axis.uniform(n, b, periodic=per, offset=offset))
                continue
            if per:
                raise DiscretizationError(
                    explain(
                        f"{k} nodes cannot discretize a periodic dimension",
                        expected="kind='uniform' on periodic dimensions",
                        received=f"kind={k!r}",
                        fix="use uniform nodes there (spectrally accurate when periodic)",
                    )
                )
            if k == "chebyshev":
                axes.append(Axis.chebyshev(n, b))
            elif k == "gauss_legendre":
                axes.append(Axis.gauss_legendre(n, b))
            else:
                raise DiscretizationError(
                    explain(
                        "unknown grid kind",
                        expected="'uniform', 'chebyshev' or 'gauss_legendre'",
                        received=repr(k),
                        fix="pick one of the supported kinds",
                    )
                )
        return TensorGrid(tuple(axes))

    def sample(self, n: int, *, rng: np.random.Generator | int | None = None):
        """``n`` points drawn uniformly, weighted ``volume / n`` (Monte Carlo quadrature).

        Parameters
        ----------
        n : int
        rng : numpy.random.Generator or int or None
            Source of randomness (an int seeds a new generator).

        Returns
        -------
        PointCloud
        """
        from .pointcloud import PointCloud

        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
            raise ShapeError(
                explain(
                    "sample size must be a positive integer",
                    expected="n >= 1",
                    received=repr(n),
                    fix="pass an int",
                )
            )
        gen = np.random.default_rng(rng)
        lo = np.array([b[0] for b in self.bounds])
        hi = np.array([b[1] for b in self.bounds])
        x = lo + (hi - lo) * gen.random((int(n), self.ndim))
        return PointCloud(x, np.full(int(n), self.volume / n), domain=self)
