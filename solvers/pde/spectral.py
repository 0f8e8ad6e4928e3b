r"""Pieces shared by the pseudo-spectral families (Burgers, Navier–Stokes): input batches as
tensors, the 2/3 dealiasing rule, time grids with recording steps, ETDRK4 coefficients."""

from __future__ import annotations

import math

import numpy as np
import torch

from sciml.core import Field, ShapeError, TensorGrid
from sciml.core.errors import explain

from ._checks import ParameterError, check_real

__all__ = ["batch_tensor", "dealias_mask", "time_grid", "etdrk4_coefficients"]


def batch_tensor(inputs, grid: TensorGrid, channels: int, dtype: torch.dtype) -> torch.Tensor:
    """Inputs as a tensor of shape ``(n, channels, *grid.shape)`` in ``dtype``, on the
    inputs' own device (so a Field moved to a GPU is solved there)."""
    values = inputs.values if isinstance(inputs, Field) else inputs
    if not isinstance(values, torch.Tensor):
        values = torch.as_tensor(np.asarray(values, dtype=np.float64))
    shape = (channels, *grid.shape)
    if tuple(values.shape) == shape:
        values = values[None]
    if tuple(values.shape[1:]) != shape or values.ndim != len(shape) + 1:
        raise ShapeError(
            explain(
                "inputs do not match the family",
                expected=f"shape (n, {', '.join(map(str, shape))})",
                received=f"shape {tuple(values.shape)}",
                fix="pass the Field returned by family.sample_inputs(n, rng=seed)",
            )
        )
    values = values.to(dtype)
    if not torch.isfinite(values).all():
        raise ParameterError(
            explain(
                "inputs contain NaN or Inf",
                expected="finite initial data",
                received=f"{int((~torch.isfinite(values)).sum())} non-finite values",
                fix="check how the inputs were generated",
            )
        )
    return values


def dealias_mask(grid: TensorGrid, *, real: bool = True) -> torch.Tensor:
    r"""The 2/3 rule: keep Fourier modes with :math:`|m_d| \le \frac23 \lfloor n_d/2 \rfloor`
    on every axis (integer wavenumbers, FFT order; ``real`` for the ``rfft`` half-space).

    Examples
    --------
    >>> g = TensorGrid.uniform((12,), periodic=True)
    >>> dealias_mask(g).tolist()
    [True, True, True, True, True, False, False]
    """
    masks = []
    for i, ax in enumerate(grid.axes):
        n = ax.n
        last = real and i == grid.ndim - 1
        m = np.fft.rfftfreq(n, 1.0 / n) if last else np.fft.fftfreq(n, 1.0 / n)
        masks.append(torch.from_numpy(np.abs(m) <= (2.0 / 3.0) * (n // 2)))
    out = masks[0]
    for m in masks[1:]:
        out = out[..., None] & m
    return out


def time_grid(T: float, dt: float, record_times) -> tuple[int, tuple[int, ...], tuple[float, ...]]:
    """Number of steps and the step indices of the recorded times.

    ``T`` and every recorded time must be integer multiples of ``dt`` (to 1e-9 relative);
    ``record_times=None`` records ``T`` only.

    Returns
    -------
    steps : int
    indices : tuple of int
        Strictly increasing step numbers in ``[0, steps]``.
    times : tuple of float
    """
    T = check_real(T, "T", positive=True)
    dt = check_real(dt, "dt", positive=True)

    def steps_of(t, name):
        k = round(t / dt)
        if abs(k * dt - t) > 1e-9 * max(1.0, abs(t)) or k < 0:
            raise ParameterError(
                explain(
                    f"{name} is not a whole number of time steps",
                    expected=f"a non-negative multiple of dt = {dt!r}",
                    received=f"{name} = {t!r} ({t / dt!r} steps)",
                    fix="choose T and record_times as multiples of dt",
                )
            )
        return k

    steps = steps_of(T, "T")
    times = (T,) if record_times is None else tuple(float(t) for t in np.atleast_1d(record_times))
    indices = tuple(steps_of(t, "a record time") for t in times)
    if not times or any(b <= a for a, b in zip(indices, indices[1:])) or indices[-1] > steps:
        raise ParameterError(
            explain(
                "record_times must increase strictly and lie in [0, T]",
                expected=f"increasing times in [0, {T!r}]",
                received=repr(record_times),
                fix="pass e.g. record_times=numpy.arange(1, T + 1)",
            )
        )
    return steps, indices, tuple(k * dt for k in indices)


def etdrk4_coefficients(linear: np.ndarray, dt: float, n_contour: int = 32) -> dict:
    r"""Coefficients of the fourth-order exponential time differencing Runge–Kutta scheme
    (Cox–Matthews ETDRK4) for :math:`u_t = Lu + N(u)` with diagonal real :math:`L`.

    The :math:`\varphi`-functions are evaluated as means over ``n_contour`` points on unit
    circles around each :math:`\Delta t L` (Kassam–Trefethen), which avoids the
    cancellation of the closed forms near :math:`L = 0`.

    Returns
    -------
    dict of ndarray
        ``E, E2, Q, f1, f2, f3``, each of the shape of ``linear``.
    """
    z = dt * np.asarray(linear, dtype=np.float64)
    r = np.exp(1j * math.pi * (np.arange(1, n_contour + 1) - 0.5) / n_contour)
    lr = z[..., None] + r
    elr = np.exp(lr)

    def mean(x):
        return dt * np.mean(x, axis=-1).real

    return {
        "E": np.exp(z),
        "E2": np.exp(z / 2),
        "Q": mean((np.exp(lr / 2) - 1.0) / lr),
        "f1": mean((-4.0 - lr + elr * (4.0 - 3.0 * lr + lr**2)) / lr**3),
        "f2": mean((2.0 + lr + elr * (lr - 2.0)) / lr**3),
        "f3": mean((-4.0 - 3.0 * lr - lr**2 + elr * (4.0 - lr)) / lr**3),
    }
