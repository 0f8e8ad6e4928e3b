"""Values on a discretization: the type at every API boundary of the package."""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import torch

from .discretization import Discretization
from .errors import DiscretizationError, ShapeError, explain
from .resample import evaluate, no_policy_error, resample
from .tensors import as_tensor

__all__ = ["Field", "relative_l2_error"]


@dataclass(frozen=True, eq=False, repr=False)
class Field:
    """Channels-first values on a discretization: shape ``(*batch, c, *disc.shape)``.

    Parameters
    ----------
    values : array_like or torch.Tensor
        Shape ``(*batch, c, *disc.shape)``. Values of shape exactly ``disc.shape`` are
        read as one scalar field (a channel axis of size 1 is added). Tensors keep their
        dtype and device; numpy data becomes float64.
    disc : Discretization
        A :class:`TensorGrid` or :class:`PointCloud`.

    Examples
    --------
    >>> from sciml.core import TensorGrid
    >>> g = TensorGrid.uniform((16,), periodic=True)
    >>> u = Field.from_function(lambda x: torch.sin(2 * torch.pi * x[..., 0]), g)
    >>> u.values.shape
    torch.Size([1, 16])
    >>> round(float(u.norm()) ** 2, 12)  # int_0^1 sin^2 = 1/2
    0.5
    >>> v = u.on(TensorGrid.uniform((32,), periodic=True))   # spectral refinement
    >>> round(float(v(torch.tensor([[0.25]]))[0, 0]), 12)
    1.0
    """

    values: torch.Tensor
    disc: Discretization

    def __post_init__(self):
        if not isinstance(self.disc, Discretization):
            raise DiscretizationError(
                explain(
                    "a Field needs a discretization",
                    expected="a TensorGrid or PointCloud",
                    received=type(self.disc).__name__,
                    fix="build one with Domain.grid(...), TensorGrid.uniform(...) or "
                    "PointCloud(x, w)",
                )
            )
        values = as_tensor(self.values, name="field values")
        shape = self.disc.shape
        if tuple(values.shape) == shape:
            values = values.unsqueeze(0)
        k = len(shape)
        if values.ndim < k + 1 or tuple(values.shape[values.ndim - k :]) != shape:
            raise ShapeError(
                explain(
                    f"field values do not fit {self.disc!r}",
                    expected=f"shape (*batch, channels, {', '.join(map(str, shape))})",
                    received=f"shape {tuple(values.shape)}",
                    fix="put the channel axis before the spatial axes (channels-first), or "
                    "resample with Field.on(target)",
                )
            )
        object.__setattr__(self, "values", values)

    # ---------------------------------------------------------------- construction
    @classmethod
    def from_function(cls, fn, disc: Discretization, *, dtype=None, device=None) -> Field:
        """Sample ``fn`` at the discretization's points.

        Parameters
        ----------
        fn : callable
            Takes points of shape ``(*disc.shape, d)`` (float64 tensor) and returns values of
            shape ``disc.shape`` (one channel) or ``(*disc.shape, c)`` (``c`` channels).
        disc : Discretization
        dtype, device : optional
            Of the stored values (default float64, CPU).
        """
        x = disc.points()
        if device is not None:
            x = x.to(device)
        out = as_tensor(fn(x), name="fn(x)")
        shape = tuple(disc.shape)
        if tuple(out.shape) == shape:
            out = out.unsqueeze(0)
        elif out.ndim == len(shape) + 1 and tuple(out.shape[:-1]) == shape:
            out = torch.movedim(out, -1, 0)
        else:
            raise ShapeError(
                explain(
                    "fn returned values of the wrong shape",
                    expected=f"{shape} or {shape + ('channels',)}",
                    received=f"{tuple(out.shape)}",
                    fix="make fn act pointwise on the last axis of its input",
                )
            )
        return cls(out.to(dtype=dtype or out.dtype, device=device or out.device), disc)

    # ---------------------------------------------------------------- shape facts
    @property
    def channels(self) -> int:
        """Number of channels c."""
        return int(self.values.shape[self.values.ndim - len(self.disc.shape) - 1])

    @property
    def batch_shape(self) -> tuple[int, ...]:
        """Leading batch dimensions."""
        return tuple(self.values.shape[: self.values.ndim - len(self.disc.shape) - 1])

    @property
    def dtype(self) -> torch.dtype:
        return self.values.dtype

    @property
    def device(self) -> torch.device:
        return self.values.device

    def to(self, *args, **kwargs) -> Field:
        """A copy with values moved/cast like ``torch.Tensor.to``."""
        return Field(self.values.to(*args, **kwargs), self.disc)

    # ---------------------------------------------------------------- resampling
    def on(self, target: Discretization, method: str = "auto") -> Field:
        """This field on another discretization.

        The policy follows the pair of discretizations (see ``sciml.core.resample``):
        FFT between uniform periodic grids (exact for band-limited data), per-axis
        interpolation between other tensor grids, evaluation at the points of a
        point cloud; a :class:`DiscretizationError` naming both where none applies.
        """
        return Field(resample(self.values, self.disc, target, method), target)

    def __call__(self, x, method: str = "auto") -> torch.Tensor:
        """Values at arbitrary points.

        Parameters
        ----------
        x : array_like of shape (*pts, d)
        method : {"auto", "linear", "spectral"}

        Returns
        -------
        torch.Tensor of shape (*batch, c, *pts)
        """
        from .grid import TensorGrid

        if not isinstance(self.disc, TensorGrid):
            raise no_policy_error(self.disc, "arbitrary points", "scattered values")
        return evaluate(self.values, self.disc, as_tensor(x, name="points"), method)

    # ---------------------------------------------------------------- measures
    def integrate(self) -> torch.Tensor:
        """Integral of each channel, shape ``(*batch, c)``."""
        return self.disc.integrate(self.values)

    def norm(self, p: float = 2) -> torch.Tensor:
        """L^p norm over space and channels, shape ``(*batch,)``."""
        per_channel = self.disc.norm(self.values, p)
        if p == float("inf"):
            return per_channel.amax(dim=-1)
        return (per_channel**p).sum(dim=-1) ** (1.0 / p)

    def inner(self, other: Field) -> torch.Tensor:
        """L2 inner product over space and channels, shape ``(*batch,)``."""
        self._check_compatible(other, "inner product")
        return self.disc.inner(self.values, other.values).sum(dim=-1)

    def relative_error(self, reference: Field, p: float = 2) -> torch.Tensor:
        """``||self - reference|| / ||reference||`` per batch entry (see
        :func:`relative_l2_error`)."""
        return relative_l2_error(self, reference, p=p)

    # ---------------------------------------------------------------- arithmetic
    def _check_compatible(self, other: Field, what: str) -> None:
        if self.disc != other.disc:
            raise DiscretizationError(
                explain(
                    f"fields in a {what} live on different discretizations",
                    expected=repr(self.disc),
                    received=repr(other.disc),
                    fix="resample one onto the other first: a.on(b.disc)",
                )
            )

    def _binary(self, other, op, name: str) -> Field:
        if isinstance(other, Field):
            self._check_compatible(other, name)
            other = other.values
        elif not isinstance(other, (numbers.Number, torch.Tensor)):
            return NotImplemented
        try:
            out = op(self.values, other)
        except RuntimeError as exc:
            raise ShapeError(
                f"cannot {name} a field of shape {tuple(self.values.shape)} and an operand "
                f"of shape {tuple(getattr(other, 'shape', ()))}: {exc}. Fix: make the operand "
                "broadcastable to the values (*batch, c, *disc.shape)."
            ) from exc
        return Field(out, self.disc)

    def __add__(self, other):
        return self._binary(other, torch.add, "add")

    def __radd__(self, other):
        return self._binary(other, lambda a, b: b + a, "add")

    def __sub__(self, other):
        return self._binary(other, torch.sub, "subtract")

    def __rsub__(self, other):
        return self._binary(other, lambda a, b: b - a, "subtract")

    def __mul__(self, other):
        return self._binary(other, torch.mul, "multiply")

    def __rmul__(self, other):
        return self._binary(other, lambda a, b: b * a, "multiply")

    def __truediv__(self, other):
        return self._binary(other, torch.div, "divide")

    def __neg__(self) -> Field:
        return Field(-self.values, self.disc)

    def __getitem__(self, index) -> Field:
        """Index the batch dimensions only (``u[0]``, ``u[:4]``)."""
        if not self.batch_shape:
            raise ShapeError(
                explain(
                    "this field has no batch dimension to index",
                    expected="a batched field",
                    received=f"values of shape {tuple(self.values.shape)}",
                    fix="index .values directly for channels or points",
                )
            )
        return Field(self.values[index], self.disc)

    def __repr__(self) -> str:
        return (
            f"Field(batch={self.batch_shape}, channels={self.channels}, "
            f"dtype={self.dtype}, disc={self.disc!r})"
        )


def relative_l2_error(u: Field, reference: Field, p: float = 2) -> torch.Tensor:
    """Relative L^p error ``||u - ref|| / ||ref||`` on the reference's discretization.

    ``u`` is resampled onto ``reference.disc``; when no policy goes that way (``u`` on a
    point cloud, reference on a grid) the reference is resampled onto ``u.disc`` instead.

    Returns
    -------
    torch.Tensor of shape (*batch,)
    """
    try:
        a, b = u.on(reference.disc), reference
    except DiscretizationError as first:
        try:
            a, b = u, reference.on(u.disc)
        except DiscretizationError:
            raise first from None
    return (a - b).norm(p) / b.norm(p)
