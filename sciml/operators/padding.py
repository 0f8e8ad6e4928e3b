r"""Domain padding in domain units, for spectral layers on non-periodic problems.

An FFT treats the grid as periodic. On a non-periodic axis the hidden functions are padded
with zeros on the right, so the periodic extension does not wrap the right boundary onto
the left one. The padding is a fraction ``p`` of the domain length, not a number of points,
and it is chosen so that the padded *period* is the same length :math:`(1 + p) L` at every
resolution:

* a cell-centred axis of ``n`` cells (period ``n h``) gets ``round(p n)`` points;
* a vertex axis of ``n`` nodes, ``n - 1`` cells, both ends included, has a periodic
  extension of ``n`` points (period ``n h = L + h``): it gets ``round(p (n - 1)) - 1``
  points, so the padded period is ``(n - 1)(1 + p) h = (1 + p) L``.

Integer frequencies ``k`` of the padded FFT are then the physical wavenumbers
:math:`2\pi k / ((1+p)L)` at every resolution, and trained spectral weights keep their
meaning in zero-shot evaluation. This requires ``p (n - 1)`` (vertex) or ``p n`` (cell) to
be an integer at the resolutions used, e.g. ``p = 1/8`` with 32 and 64 cells; otherwise the
period is rounded to the nearest grid point. Periodic axes are never padded.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from sciml.core import TensorGrid
from sciml.core.errors import DiscretizationError, explain

__all__ = ["padding_amounts", "pad_right", "crop", "check_uniform"]


def check_uniform(grid: TensorGrid, who: str) -> None:
    """Spectral models need equispaced axes."""
    for i, ax in enumerate(grid.axes):
        if ax.kind != "uniform":
            raise DiscretizationError(
                explain(
                    f"{who} uses FFTs, which need equispaced nodes; axis {i} is {ax!r}",
                    expected="uniform axes (Axis.uniform / TensorGrid.uniform)",
                    received=f"a {ax.kind} axis",
                    fix="resample the input first: field.on(TensorGrid.uniform(shape, "
                    "bounds, periodic=...))",
                )
            )


def padding_amounts(grid: TensorGrid, fraction: float) -> tuple[int, ...]:
    """Points appended on the right of each axis for a padding ``fraction`` of the length.

    Examples
    --------
    >>> padding_amounts(TensorGrid.uniform((33, 65)), 0.125)
    (3, 7)
    >>> padding_amounts(TensorGrid.uniform((32,), periodic=True), 0.125)
    (0,)
    """
    out = []
    for ax in grid.axes:
        if fraction == 0.0 or ax.periodic:
            out.append(0)
            continue
        vertex = ax.offset == 0.0
        cells = ax.n - 1 if vertex else ax.n
        out.append(max(round((1.0 + fraction) * cells) - ax.n, 0))
    return tuple(out)


def pad_right(x: torch.Tensor, amounts: tuple[int, ...]) -> torch.Tensor:
    """Zero-pad the trailing ``len(amounts)`` axes on their right end."""
    if not any(amounts):
        return x
    spec = []
    for a in reversed(amounts):
        spec += [0, a]
    return F.pad(x, spec)


def crop(x: torch.Tensor, shape: tuple[int, ...]) -> torch.Tensor:
    """The leading ``shape`` block of the trailing axes (undo :func:`pad_right`)."""
    d = len(shape)
    for i, n in enumerate(shape):
        x = x.narrow(x.ndim - d + i, 0, n)
    return x
