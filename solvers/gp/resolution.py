"""Resolution checks: warn when a frequency cannot be represented on a grid.

A uniform axis with spacing ``h`` resolves frequencies up to its Nyquist limit
``1 / (2 h)`` cycles per unit length (two nodes per period). Kernel frequencies above it
alias onto lower ones (GP-HM's initial frequencies above Nyquist give a relative L2 error
of about 1 on coarse grids), and a solution whose known frequency is above it cannot be
recovered from the grid values by any method.
"""

from __future__ import annotations

import warnings

import torch

from sciml.core import Axis

__all__ = ["ResolutionWarning", "nyquist", "check_frequency", "check_spectrum"]


class ResolutionWarning(UserWarning):
    """A frequency exceeds a grid's Nyquist limit (the grid is too coarse for it)."""


def nyquist(axis: Axis) -> float:
    """The axis' Nyquist frequency in cycles per unit length, ``1 / (2 h)`` with ``h`` the
    largest node spacing (``(n - 1) / (2 L)`` on uniform axes).

    Examples
    --------
    >>> round(nyquist(Axis.uniform(11, (0.0, 1.0))), 12)
    5.0
    """
    h = float(torch.diff(axis.nodes).max()) if axis.n > 1 else axis.length
    return 0.5 / h


def _nodes_needed(axis: Axis, frequency: float) -> int:
    """Nodes for the axis to put two per period of ``frequency``, plus one."""
    return int(2.0 * frequency * axis.length) + 2


def check_frequency(axis: Axis, frequency: float, *, what: str, index: int = 0) -> bool:
    """Warn (:class:`ResolutionWarning`) when ``frequency`` exceeds the axis' Nyquist limit.

    Parameters
    ----------
    axis : Axis
    frequency : float
        Cycles per unit length.
    what : str
        What the frequency is (for the message), e.g. ``"the problem's known frequency"``.
    index : int
        The axis' index (for the message).

    Returns
    -------
    bool
        True when a warning was issued.

    Examples
    --------
    >>> with warnings.catch_warnings(record=True) as w:
    ...     warnings.simplefilter("always")
    ...     check_frequency(Axis.uniform(11, (0.0, 1.0)), 8.0, what="a test frequency")
    True
    >>> "Fix" in str(w[0].message)
    True
    """
    limit = nyquist(axis)
    if not frequency > limit:
        return False
    warnings.warn(
        f"{what} ({frequency:.4g} cycles/unit) exceeds the Nyquist limit {limit:.4g} of axis "
        f"{index} ({axis.n} nodes on length {axis.length:.4g}): the grid cannot represent "
        f"it. Fix: use at least {_nodes_needed(axis, frequency)} nodes on that axis, or lower "
        "the frequency (max_frequency).",
        ResolutionWarning,
        stacklevel=3,
    )
    return True


def check_spectrum(kernels, grid, *, weight_fraction: float = 1e-3, what: str) -> bool:
    """Warn when a spectral-mixture component carrying at least ``weight_fraction`` of its
    kernel's total weight has a frequency above its axis' Nyquist limit.

    Parameters
    ----------
    kernels : sequence of SpectralMixture (one per axis)
    grid : TensorGrid
    weight_fraction : float
        Components lighter than this fraction of the total weight are ignored (pruned).
    what : str
        ``"learned"`` or ``"initial"`` (for the message).

    Returns
    -------
    bool
        True when a warning was issued.
    """
    warned = False
    for i, (kernel, axis) in enumerate(zip(kernels, grid.axes)):
        if not hasattr(kernel, "effective_frequencies"):
            continue
        w = kernel.weights.detach()
        mu = kernel.effective_frequencies.detach().abs()
        heavy = mu[w >= weight_fraction * w.sum()]
        if heavy.numel() and check_frequency(
            axis, float(heavy.max()), what=f"a {what} kernel frequency", index=i
        ):
            warned = True
    return warned
