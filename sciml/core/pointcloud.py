"""Weighted point sets: the unstructured discretization (samples, empirical measures)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import torch

from .discretization import Discretization
from .domain import Domain
from .errors import DiscretizationError, ShapeError, explain
from .tensors import as_tensor

__all__ = ["PointCloud"]


@dataclass(frozen=True, eq=False, repr=False)
class PointCloud(Discretization):
    """Points ``x`` of shape ``(n, d)`` with weights ``w`` of shape ``(n,)``.

    Parameters
    ----------
    x : array_like of shape (n, d) or (n,)
        Coordinates; a 1-D array is read as ``n`` points in one dimension.
    w : array_like of shape (n,), optional
        Non-negative weights. Default ``1/n`` (the empirical probability measure).
    domain : Domain, optional
        The domain the points belong to, when known.

    Examples
    --------
    >>> pc = PointCloud([[0.0], [1.0]])
    >>> pc.weights().tolist()
    [0.5, 0.5]
    >>> float(pc.integrate(torch.tensor([2.0, 4.0], dtype=torch.float64)))
    3.0
    """

    x: torch.Tensor
    w: torch.Tensor | None = None
    domain: Domain | None = None
    _key: tuple = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        x = as_tensor(self.x, dtype=torch.float64, name="points").detach().cpu()
        if x.ndim == 1:
            x = x[:, None]
        if x.ndim != 2 or x.shape[0] < 1:
            raise ShapeError(
                explain(
                    "point coordinates must be a 2-D array",
                    expected="shape (n, d) with n >= 1",
                    received=f"shape {tuple(x.shape)}",
                    fix="stack the points as rows",
                )
            )
        if not torch.isfinite(x).all():
            raise DiscretizationError(
                explain(
                    "point coordinates must be finite",
                    expected="finite numbers",
                    received=f"{int((~torch.isfinite(x)).sum())} NaN/Inf entries",
                    fix="drop or repair the non-finite points",
                )
            )
        n = x.shape[0]
        if self.w is None:
            w = torch.full((n,), 1.0 / n, dtype=torch.float64)
        else:
            w = as_tensor(self.w, dtype=torch.float64, name="weights").detach().cpu()
            if w.shape != (n,) or not torch.isfinite(w).all() or (w < 0).any():
                raise ShapeError(
                    explain(
                        "point weights must be finite, non-negative, one per point",
                        expected=f"shape ({n},), finite, >= 0",
                        received=f"shape {tuple(w.shape)}",
                        fix="pass one non-negative weight per point, or omit w",
                    )
                )
        if self.domain is not None and self.domain.ndim != x.shape[1]:
            raise ShapeError(
                explain(
                    "length of domain does not match the points' dimension",
                    expected=f"{x.shape[1]}-D domain",
                    received=f"{self.domain.ndim}-D",
                    fix="pass the domain the points were drawn from",
                )
            )
        digest = hashlib.blake2b(
            x.numpy().tobytes() + w.numpy().tobytes(), digest_size=16
        ).hexdigest()
        object.__setattr__(self, "x", x)
        object.__setattr__(self, "w", w)
        object.__setattr__(self, "_key", (tuple(x.shape), digest, self.domain))

    @property
    def shape(self) -> tuple[int, ...]:
        return (int(self.x.shape[0]),)

    @property
    def ndim(self) -> int:
        return int(self.x.shape[1])

    def points(self) -> torch.Tensor:
        """Coordinates, shape ``(n, d)``."""
        return self.x

    def weights(self) -> torch.Tensor:
        """Weights, shape ``(n,)``."""
        return self.w

    def __eq__(self, other) -> bool:
        return isinstance(other, PointCloud) and self._key == other._key

    def __hash__(self) -> int:
        return hash(self._key)

    def __repr__(self) -> str:
        return f"PointCloud(n={self.shape[0]}, d={self.ndim})"
