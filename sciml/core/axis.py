"""A one-dimensional discretization: nodes, quadrature weights, and their conventions."""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field

import numpy as np
import torch

from .errors import DiscretizationError, explain
from .quadrature import chebyshev_rule, gauss_legendre_rule, trapezoid_weights, uniform_rule

__all__ = ["Axis"]

_KINDS = ("uniform", "chebyshev", "gauss_legendre", "custom")
_OFFSETS = {"vertex": 0.0, "cell": 0.5}


def _offset_value(offset):
    """``offset`` with "vertex"/"cell" mapped to 0.0/0.5; unhashable junk maps to None."""
    try:
        return _OFFSETS.get(offset, offset)
    except TypeError:  # a list or dict: no offset at all
        return None


def _check_bounds(bounds) -> tuple[float, float]:
    try:
        lo, hi = (float(b) for b in bounds)
    except (TypeError, ValueError) as exc:
        raise DiscretizationError(
            explain(
                "axis bounds must be two numbers",
                expected="(lo, hi)",
                received=repr(bounds),
                fix="pass bounds=(lo, hi) with lo < hi",
            )
        ) from exc
    if not (math.isfinite(lo) and math.isfinite(hi)) or not lo < hi:
        raise DiscretizationError(
            explain(
                "axis bounds must be finite and increasing",
                expected="finite lo < hi",
                received=f"({lo}, {hi})",
                fix="pass bounds=(lo, hi) with finite lo < hi",
            )
        )
    return lo, hi


def _check_count(n, minimum: int, what: str) -> int:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < minimum:
        raise DiscretizationError(
            explain(
                f"{what} needs an integer number of nodes >= {minimum}",
                expected=f"n >= {minimum}",
                received=repr(n),
                fix=f"pass n as an int of at least {minimum}",
            )
        )
    return int(n)


@dataclass(frozen=True, eq=False, repr=False)
class Axis:
    """Nodes and quadrature weights on an interval: the 1-D factor of a :class:`TensorGrid`.

    Use the constructors :meth:`uniform`, :meth:`chebyshev` and :meth:`gauss_legendre`;
    the direct constructor takes arbitrary increasing nodes (``kind="custom"``).

    Parameters
    ----------
    nodes : array_like of shape (n,)
        Strictly increasing node coordinates inside ``bounds`` (``[lo, hi)`` if periodic).
    weights : array_like of shape (n,), optional
        Quadrature weights. Default: the integral of the piecewise-linear interpolant.
    bounds : tuple of float, optional
        The interval ``(lo, hi)``. Default: ``(nodes[0], nodes[-1])``.
    periodic : bool
        Whether the axis wraps around (``hi`` is identified with ``lo``).
    offset : float or None
        Uniform axes only: 0.0 for vertex-centred nodes, 0.5 for cell-centred nodes.
    kind : {"uniform", "chebyshev", "gauss_legendre", "custom"}
        The rule the nodes come from; it selects interpolation and resampling policies.

    Notes
    -----
    Nodes and weights are float64 CPU tensors; operations cast them to the dtype and
    device of the values they act on. Axes are immutable and hashable (by content), so
    interpolation matrices and FFT plans can be cached per axis.

    Examples
    --------
    >>> ax = Axis.uniform(4, (0.0, 1.0), periodic=True)
    >>> ax.nodes.tolist()
    [0.0, 0.25, 0.5, 0.75]
    >>> float(ax.weights.sum())
    1.0
    """

    nodes: torch.Tensor
    weights: torch.Tensor | None = None
    bounds: tuple[float, float] | None = None
    periodic: bool = False
    offset: float | None = None
    kind: str = "custom"
    _key: tuple = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        x = np.asarray(
            self.nodes.detach().cpu() if isinstance(self.nodes, torch.Tensor) else self.nodes,
            dtype=float,
        )
        if x.ndim != 1 or x.size < 1:
            raise DiscretizationError(
                explain(
                    "axis nodes must be a non-empty 1-D array",
                    expected="shape (n,) with n >= 1",
                    received=f"shape {x.shape}",
                    fix="pass the nodes of one axis as a flat array",
                )
            )
        if not np.all(np.isfinite(x)):
            raise DiscretizationError(
                explain(
                    "axis nodes must be finite",
                    expected="finite numbers",
                    received=f"{int((~np.isfinite(x)).sum())} NaN/Inf entries",
                    fix="remove NaN/Inf from the nodes",
                )
            )
        if x.size > 1 and not np.all(np.diff(x) > 0):
            bad = int(np.argmin(np.diff(x)))
            raise DiscretizationError(
                explain(
                    "axis nodes must be strictly increasing",
                    expected="x[i] < x[i+1] for all i",
                    received=f"x[{bad}] = {x[bad]!r} >= x[{bad + 1}] = {x[bad + 1]!r}",
                    fix="sort the nodes and remove duplicates (np.unique)",
                )
            )
        if self.kind not in _KINDS:
            raise DiscretizationError(
                explain(
                    "unknown axis kind",
                    expected=" | ".join(_KINDS),
                    received=repr(self.kind),
                    fix="use Axis.uniform, Axis.chebyshev or Axis.gauss_legendre",
                )
            )
        if self.bounds is None:
            if x.size < 2:
                raise DiscretizationError(
                    explain(
                        "a one-node axis needs explicit bounds",
                        expected="bounds=(lo, hi)",
                        received="bounds=None",
                        fix="pass bounds",
                    )
                )
            lo, hi = float(x[0]), float(x[-1])
        else:
            lo, hi = _check_bounds(self.bounds)
        scale = max(abs(lo), abs(hi), hi - lo)
        tol = 1e-12 * scale
        inside = (x[0] >= lo - tol) and (x[-1] < hi - tol if self.periodic else x[-1] <= hi + tol)
        if not inside:
            interval = f"[{lo}, {hi})" if self.periodic else f"[{lo}, {hi}]"
            raise DiscretizationError(
                explain(
                    "axis nodes must lie inside the bounds",
                    expected=f"nodes in {interval}",
                    received=f"nodes from {x[0]!r} to {x[-1]!r}",
                    fix="widen bounds, or for a periodic axis drop the node at hi (it equals lo)",
                )
            )
        if self.weights is None:
            w = trapezoid_weights(x, lo, hi, self.periodic)
        else:
            w = np.asarray(
                self.weights.detach().cpu()
                if isinstance(self.weights, torch.Tensor)
                else self.weights,
                dtype=float,
            )
            if w.shape != x.shape or not np.all(np.isfinite(w)):
                raise DiscretizationError(
                    explain(
                        "axis weights must be finite and match the nodes",
                        expected=f"finite weights of shape {x.shape}",
                        received=f"shape {w.shape}, finite: {bool(np.all(np.isfinite(w)))}",
                        fix="pass one finite weight per node, or omit weights",
                    )
                )
        offset = _offset_value(self.offset)
        if offset is not None:
            try:
                offset = float(offset)
            except (TypeError, ValueError):
                offset = math.nan
            if not 0.0 <= offset < 1.0:
                raise DiscretizationError(
                    explain(
                        "axis offset must be a cell fraction in [0, 1)",
                        expected="None, 'vertex' (0.0), 'cell' (0.5) or a number in [0, 1)",
                        received=repr(self.offset),
                        fix="pass offset='vertex' or offset='cell'",
                    )
                )
        x_t = torch.from_numpy(x.copy())
        w_t = torch.from_numpy(w.copy())
        digest = hashlib.blake2b(x.tobytes() + w.tobytes(), digest_size=16).hexdigest()
        object.__setattr__(self, "nodes", x_t)
        object.__setattr__(self, "weights", w_t)
        object.__setattr__(self, "bounds", (lo, hi))
        object.__setattr__(self, "periodic", bool(self.periodic))
        object.__setattr__(self, "offset", offset)
        key = (self.kind, lo, hi, self.periodic, offset, x.size, digest)
        object.__setattr__(self, "_key", key)

    # ------------------------------------------------------------------ constructors
    @classmethod
    def uniform(cls, n: int, bounds=(0.0, 1.0), *, periodic: bool = False, offset="vertex"):
        """Equispaced nodes.

        Parameters
        ----------
        n : int
            Number of nodes.
        bounds : tuple of float
            ``(lo, hi)``.
        periodic : bool
            Periodic axes have ``n`` cells on ``[lo, hi)``, weights ``h = (hi - lo) / n``
            (the trapezoid rule, spectrally accurate for smooth periodic functions).
        offset : {"vertex", "cell"} or {0.0, 0.5}
            Vertex-centred nodes start at ``lo`` (non-periodic: ``n`` nodes including both
            ends, trapezoid weights); cell-centred nodes sit at cell midpoints (midpoint
            weights).

        Examples
        --------
        >>> Axis.uniform(3, (0.0, 1.0)).nodes.tolist()
        [0.0, 0.5, 1.0]
        >>> Axis.uniform(2, (0.0, 1.0), offset="cell").nodes.tolist()
        [0.25, 0.75]
        """
        lo, hi = _check_bounds(bounds)
        off = _offset_value(offset)
        if off not in (0.0, 0.5):
            raise DiscretizationError(
                explain(
                    "uniform axis offset must be vertex or cell",
                    expected="'vertex' (0.0) or 'cell' (0.5)",
                    received=repr(offset),
                    fix="pass offset='vertex' or offset='cell'",
                )
            )
        minimum = 2 if (not periodic and off == 0.0) else 1
        n = _check_count(n, minimum, "a uniform axis")
        x, w = uniform_rule(n, lo, hi, periodic, off)
        return cls(x, w, (lo, hi), periodic=periodic, offset=off, kind="uniform")

    @classmethod
    def chebyshev(cls, n: int, bounds=(-1.0, 1.0)):
        """Chebyshev extreme points (endpoints included) with Clenshaw–Curtis weights.

        Examples
        --------
        >>> Axis.chebyshev(3).nodes.tolist()
        [-1.0, 0.0, 1.0]
        """
        n = _check_count(n, 2, "a Chebyshev axis")
        lo, hi = _check_bounds(bounds)
        x, w = chebyshev_rule(n, lo, hi)
        return cls(x, w, (lo, hi), kind="chebyshev")

    @classmethod
    def gauss_legendre(cls, n: int, bounds=(-1.0, 1.0)):
        """Gauss–Legendre nodes and weights (exact for polynomials of degree 2n - 1)."""
        n = _check_count(n, 1, "a Gauss-Legendre axis")
        lo, hi = _check_bounds(bounds)
        x, w = gauss_legendre_rule(n, lo, hi)
        return cls(x, w, (lo, hi), kind="gauss_legendre")

    # ------------------------------------------------------------------ properties
    @property
    def n(self) -> int:
        """Number of nodes."""
        return int(self.nodes.shape[0])

    @property
    def length(self) -> float:
        """``hi - lo``."""
        return self.bounds[1] - self.bounds[0]

    @property
    def is_uniform_periodic(self) -> bool:
        """True for equispaced periodic axes, where FFTs apply."""
        return self.kind == "uniform" and self.periodic

    @property
    def spacing(self) -> float:
        """Node spacing of a uniform axis."""
        if self.kind != "uniform":
            raise DiscretizationError(
                explain(
                    "only uniform axes have a spacing",
                    expected="kind='uniform'",
                    received=f"kind={self.kind!r}",
                    fix="use Axis.uniform, or read the gaps from axis.nodes.diff()",
                )
            )
        return self.length / self._cells()

    # ------------------------------------------------------------------ hierarchy
    def coarsen(self, factor: int = 2) -> Axis:
        """The axis with ``factor`` times fewer cells (nested where the rule allows).

        Raises
        ------
        DiscretizationError
            If the number of cells is not divisible by ``factor``.
        """
        return self._rescale(factor, coarser=True)

    def refine(self, factor: int = 2) -> Axis:
        """The axis with ``factor`` times more cells (nested where the rule allows)."""
        return self._rescale(factor, coarser=False)

    def _cells(self) -> int:
        vertex_like = self.kind == "chebyshev" or (
            self.kind in ("uniform", "custom") and not self.periodic and self.offset != 0.5
        )
        return self.n - 1 if vertex_like else self.n

    def _rescale(self, factor: int, coarser: bool) -> Axis:
        factor = _check_count(factor, 1, "a coarsening/refinement factor")
        cells = self._cells()
        if coarser and cells % factor:
            raise DiscretizationError(
                explain(
                    f"cannot coarsen {self!r} by {factor}",
                    expected=f"a number of cells divisible by {factor}",
                    received=f"{cells} cells",
                    fix=f"choose n so that the cell count is a multiple of {factor}",
                )
            )
        new_cells = cells // factor if coarser else cells * factor
        extra = self.n - cells
        if self.kind == "uniform":
            return Axis.uniform(
                new_cells + extra, self.bounds, periodic=self.periodic, offset=self.offset
            )
        if self.kind == "chebyshev":
            return Axis.chebyshev(new_cells + 1, self.bounds)
        if self.kind == "gauss_legendre":
            return Axis.gauss_legendre(new_cells, self.bounds)
        if coarser:
            nodes = self.nodes[::factor]
        else:
            x = self.nodes
            fine = [x[:-1] + (x[1:] - x[:-1]) * (i / factor) for i in range(factor)]
            nodes = torch.stack(fine, dim=1).reshape(-1)
            nodes = torch.cat([nodes, x[-1:]])
            if self.periodic:
                right = torch.cat([x[1:], x[:1] + self.length])
                tail = [x[-1] + (right[-1] - x[-1]) * (i / factor) for i in range(1, factor)]
                nodes = torch.cat([nodes, torch.stack(tail)]) if tail else nodes
        return Axis(nodes, None, self.bounds, periodic=self.periodic, kind="custom")

    # ------------------------------------------------------------------ identity
    def __eq__(self, other) -> bool:
        return isinstance(other, Axis) and self._key == other._key

    def __hash__(self) -> int:
        return hash(self._key)

    def __repr__(self) -> str:
        lo, hi = self.bounds
        parts = [f"{self.kind}", f"n={self.n}", f"bounds=({lo:g}, {hi:g})"]
        if self.periodic:
            parts.append("periodic")
        if self.offset is not None:
            parts.append("vertex" if self.offset == 0.0 else "cell-centred")
        return f"Axis({', '.join(parts)})"
