"""The common contract of discretizations: points with quadrature weights (a discrete
measure), and the integrals, inner products and norms defined once from the weights."""

from __future__ import annotations

import abc

import torch

from .errors import ShapeError, explain

__all__ = ["Discretization"]


class Discretization(abc.ABC):
    """Points ``x_i`` with weights ``w_i``: ``integrate(u) = sum_i w_i u(x_i)``.

    Concrete subclasses: :class:`TensorGrid` (structured) and :class:`PointCloud`.
    Values on a discretization have shape ``(..., *disc.shape)``.
    """

    @property
    @abc.abstractmethod
    def shape(self) -> tuple[int, ...]:
        """Shape of the trailing dimensions of values on this discretization."""

    @property
    @abc.abstractmethod
    def ndim(self) -> int:
        """Spatial dimension d of the points."""

    @abc.abstractmethod
    def points(self) -> torch.Tensor:
        """Coordinates, shape ``(*shape, d)``, float64."""

    @abc.abstractmethod
    def weights(self) -> torch.Tensor:
        """Quadrature weights, shape ``shape``, float64."""

    @property
    def size(self) -> int:
        """Number of points."""
        count = 1
        for s in self.shape:
            count *= s
        return count

    def check_values(self, values: torch.Tensor, name: str = "values") -> None:
        """Raise :class:`ShapeError` unless ``values`` ends with ``self.shape``."""
        k = len(self.shape)
        if values.ndim < k or tuple(values.shape[values.ndim - k :]) != self.shape:
            raise ShapeError(
                explain(
                    f"{name} do not fit {self!r}",
                    expected=f"trailing dimensions {self.shape}",
                    received=f"shape {tuple(values.shape)}",
                    fix="sample the function on this discretization, or resample the field "
                    "with Field.on(target)",
                )
            )

    def integrate(self, values: torch.Tensor) -> torch.Tensor:
        """Quadrature of values over the domain.

        Parameters
        ----------
        values : torch.Tensor of shape (..., *shape)

        Returns
        -------
        torch.Tensor of shape (...)
        """
        self.check_values(values)
        if not (values.is_floating_point() or values.is_complex()):
            values = values.to(torch.float64)
        w = self.weights().to(device=values.device, dtype=_real(values.dtype))
        dims = tuple(range(values.ndim - len(self.shape), values.ndim))
        return (values * w).sum(dim=dims)

    def inner(self, u: torch.Tensor, v: torch.Tensor) -> torch.Tensor:
        """``integrate(conj(u) * v)``; shapes ``(..., *shape)`` broadcast; returns ``(...)``."""
        return self.integrate(torch.conj(u) * v if u.is_complex() else u * v)

    def norm(self, values: torch.Tensor, p: float = 2) -> torch.Tensor:
        """Discrete L^p norm ``(integrate(|u|^p))^(1/p)``; ``p=inf`` is the max over points.

        Returns
        -------
        torch.Tensor of shape (...)
        """
        if p == float("inf"):
            self.check_values(values)
            dims = tuple(range(values.ndim - len(self.shape), values.ndim))
            return values.abs().amax(dim=dims)
        return self.integrate(values.abs() ** p) ** (1.0 / p)

    @property
    def volume(self) -> float:
        """Sum of the weights (the measure of the domain for grids)."""
        return float(self.weights().sum())


def _real(dtype: torch.dtype) -> torch.dtype:
    return {torch.complex64: torch.float32, torch.complex128: torch.float64}.get(dtype, dtype)
