"""Argument checks shared by the PDE families: resolutions, physical parameters, input arrays.

Every check raises an error whose message says what was expected, what was received and how
to fix it (``sciml.core.errors.explain``).
"""

from __future__ import annotations

import math

import numpy as np
import torch

from sciml.core import DiscretizationError, Field, ParameterError, ShapeError
from sciml.core.errors import explain

__all__ = [
    "ParameterError",
    "check_resolution",
    "check_real",
    "check_int",
    "check_finite",
    "sample_values",
    "batch_values",
]


def check_resolution(resolution, *, minimum: int = 3) -> int:
    """An integer number of grid nodes per axis, at least ``minimum``."""
    if (
        isinstance(resolution, bool)
        or not isinstance(resolution, (int, np.integer))
        or resolution < minimum
    ):
        raise DiscretizationError(
            explain(
                f"resolution must be an integer >= {minimum}",
                expected=f"an int >= {minimum} (nodes per axis, boundary included)",
                received=repr(resolution),
                fix=f"pass e.g. resolution=64; {minimum} nodes is the smallest grid with an "
                "interior",
            )
        )
    return int(resolution)


def check_int(value, name: str, *, minimum: int) -> int:
    """An integer parameter ``>= minimum``."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ParameterError(
            explain(
                f"{name} must be an integer >= {minimum}",
                expected=f"an int >= {minimum}",
                received=repr(value),
                fix=f"pass an integer {name} of at least {minimum}",
            )
        )
    return int(value)


def check_real(value, name: str, *, positive: bool = False, nonnegative: bool = False) -> float:
    """A finite real number, optionally ``> 0`` or ``>= 0``."""
    try:
        out = float(value)
    except (TypeError, ValueError) as exc:
        raise ParameterError(
            explain(
                f"{name} must be a real number",
                expected="a finite float",
                received=repr(value),
                fix=f"pass {name} as a float",
            )
        ) from exc
    bad = not math.isfinite(out) or (positive and out <= 0) or (nonnegative and out < 0)
    if bad:
        need = "> 0" if positive else ">= 0" if nonnegative else "finite"
        raise ParameterError(
            explain(
                f"{name} must be finite and {need}",
                expected=f"{name} {need}",
                received=f"{name}={value!r}",
                fix=f"pass a finite {name} {need}",
            )
        )
    return out


def check_finite(values: np.ndarray, name: str, *, positive: bool = False) -> np.ndarray:
    """Raise :class:`ParameterError` if ``values`` has NaN/Inf (or, if ``positive``, entries
    ``<= 0``); return the array."""
    finite = np.isfinite(values)
    if not finite.all():
        raise ParameterError(
            explain(
                f"{name} contains NaN or Inf",
                expected="finite values at every node",
                received=f"{int((~finite).sum())} non-finite of {values.size} values",
                fix=f"check how {name} was generated; replace NaN/Inf before assembling",
            )
        )
    if positive and not (values > 0).all():
        raise ParameterError(
            explain(
                f"{name} must be positive at every node",
                expected=f"{name} > 0",
                received=f"minimum {float(values.min())!r}",
                fix=f"use a positive {name} (e.g. a = exp(g) or a thresholded field)",
            )
        )
    return values


def _as_numpy(values) -> np.ndarray:
    if isinstance(values, Field):
        values = values.values
    if isinstance(values, torch.Tensor):
        values = values.detach().cpu().numpy()
    return np.asarray(values, dtype=np.float64)


def sample_values(inputs_i, shape: tuple[int, ...], channels: tuple[str, ...]) -> np.ndarray:
    """One sample's inputs as a float64 array of shape ``(c, *shape)``.

    Accepts a :class:`Field` or array of shape ``(c, *shape)`` or ``(1, c, *shape)``.
    """
    arr = _as_numpy(inputs_i)
    c = len(channels)
    if arr.shape == (1, c, *shape):
        arr = arr[0]
    if arr.shape == shape and c == 1:
        arr = arr[None]
    if arr.shape != (c, *shape):
        raise ShapeError(
            explain(
                "inputs of one sample do not match the family",
                expected=f"shape ({c}, {', '.join(map(str, shape))}) (channels {channels})",
                received=f"shape {arr.shape}",
                fix="pass one sample, e.g. family.sample_inputs(n, rng=seed)[i]",
            )
        )
    return arr


def batch_values(inputs, shape: tuple[int, ...], channels: tuple[str, ...]) -> np.ndarray:
    """A batch of inputs as a float64 array of shape ``(n, c, *shape)``."""
    arr = _as_numpy(inputs)
    c = len(channels)
    if arr.shape == (c, *shape):
        arr = arr[None]
    if arr.ndim != len(shape) + 2 or arr.shape[1:] != (c, *shape):
        raise ShapeError(
            explain(
                "inputs do not match the family",
                expected=f"shape (n, {c}, {', '.join(map(str, shape))}) (channels {channels})",
                received=f"shape {arr.shape}",
                fix="pass the Field returned by family.sample_inputs(n, rng=seed)",
            )
        )
    return arr
