r"""The Fourier layer's spectral convolution :math:`K v = \mathcal F^{-1}[R \cdot
(\mathcal F v)|_{\text{kept modes}}]` with real FFTs and truncated modes.

Kept modes
----------
With ``n_modes = (m_1, ..., m_d)`` the layer keeps the integer frequencies
:math:`|k_i| < m_i` on every axis: both signs on axes ``1..d-1`` (``2 m_i - 1`` frequencies)
and ``0 <= k_d < m_d`` on the last axis, whose negative frequencies are the complex
conjugates implied by the real FFT. The weights have shape
``(in_channels, out_channels, 2 m_1 - 1, ..., 2 m_{d-1} - 1, m_d)``, frequencies in FFT
order along each axis (``0, 1, ..., m - 1, -(m - 1), ..., -1``).

Normalization
-------------
``rfftn(norm="forward")`` divides by the number of points, so the coefficients approximate
the Fourier-series coefficients of the underlying function and do not depend on the
resolution; ``irfftn(norm="forward")`` sums the series. The same weights therefore define
the same operator on any grid of at least ``2 m_i`` points per axis: for band-limited input
the outputs at two resolutions are samples of one function.

On the ``k_d = 0`` plane the real inverse transform keeps the Hermitian part of the
product: the output is exactly

.. math::

    (K v)(x) = \sum_{k \in \mathcal K} c_k \operatorname{Re}\big[(R \hat v)_k e^{2\pi i
    k\cdot x/L}\big], \quad c_k = 1 \text{ if } k_d = 0, \ 2 \text{ otherwise}.
"""

from __future__ import annotations

import math

import torch
from torch import nn

from sciml.core.errors import ShapeError, explain

from ._checks import check_int, check_modes
from .factorized import AbstractSpectralWeight, spectral_weight

__all__ = ["SpectralConv", "check_resolution", "gather_modes", "scatter_modes"]


def check_resolution(shape, n_modes, who: str = "the spectral layer") -> None:
    """Raise a :class:`ShapeError` unless every axis has at least ``2 * n_modes`` points."""
    short = [i for i, (n, m) in enumerate(zip(shape, n_modes)) if n < 2 * m]
    if short:
        need = tuple(2 * m for m in n_modes)
        raise ShapeError(
            explain(
                f"{who} keeps n_modes={tuple(n_modes)}, which a grid of {tuple(shape)} points "
                f"cannot resolve (axes {short} are too coarse)",
                expected=f"at least {need} points per axis (2 * n_modes)",
                received=f"grid shape {tuple(shape)}",
                fix="evaluate on a finer grid (resample with Field.on) or build the model "
                "with fewer modes",
            )
        )


def gather_modes(x_ft: torch.Tensor, n_modes) -> torch.Tensor:
    """The kept block of an ``rfftn`` spectrum (trailing ``len(n_modes)`` axes):
    ``(..., n_1, ..., n_d // 2 + 1) -> (..., 2 m_1 - 1, ..., m_d)``, FFT order per axis."""
    d = len(n_modes)
    for i, m in enumerate(n_modes[:-1]):
        dim = x_ft.ndim - d + i
        n = x_ft.shape[dim]
        x_ft = torch.cat([x_ft.narrow(dim, 0, m), x_ft.narrow(dim, n - m + 1, m - 1)], dim)
    return x_ft.narrow(-1, 0, n_modes[-1])


def scatter_modes(y: torch.Tensor, n_modes, shape) -> torch.Tensor:
    """Inverse of :func:`gather_modes`: zero-fill to the ``rfftn`` spectrum of a grid of
    ``shape``, i.e. ``(..., 2 m_1 - 1, ..., m_d) -> (..., n_1, ..., n_d // 2 + 1)``."""
    d = len(n_modes)
    last = shape[-1] // 2 + 1
    y = torch.cat([y, y.new_zeros(*y.shape[:-1], last - n_modes[-1])], dim=-1)
    for i, m in enumerate(n_modes[:-1]):
        dim = y.ndim - d + i
        zeros_shape = list(y.shape)
        zeros_shape[dim] = shape[i] - (2 * m - 1)
        y = torch.cat([y.narrow(dim, 0, m), y.new_zeros(zeros_shape), y.narrow(dim, m, m - 1)], dim)
    return y


class SpectralConv(nn.Module):
    """Spectral convolution on 1-D, 2-D or 3-D periodic grids.

    Parameters
    ----------
    in_channels, out_channels : int
    n_modes : int or tuple of int
        Kept frequencies ``|k_i| < n_modes[i]`` per axis; ``len(n_modes)`` is the spatial
        dimension.
    factorization : {None, "tucker", "cp"}
        Dense or factorized weights (:mod:`.factorized`).
    rank : float, int or tuple
        Rank of a factorized weight.

    Shapes
    ------
    input ``(B, in_channels, n_1, ..., n_d)`` with ``n_i >= 2 n_modes[i]``; output
    ``(B, out_channels, n_1, ..., n_d)``.

    Examples
    --------
    >>> conv = SpectralConv(2, 3, n_modes=(4, 4))
    >>> conv.weight.shape
    (2, 3, 7, 4)
    >>> conv(torch.randn(5, 2, 16, 12)).shape
    torch.Size([5, 3, 16, 12])
    """

    def __init__(
        self, in_channels, out_channels, n_modes, *, factorization=None, rank=0.1, scale=None
    ):
        super().__init__()
        self.in_channels = check_int(in_channels, "in_channels")
        self.out_channels = check_int(out_channels, "out_channels")
        self.n_modes = check_modes(n_modes)
        kept = tuple(2 * m - 1 for m in self.n_modes[:-1]) + (self.n_modes[-1],)
        shape = (self.in_channels, self.out_channels, *kept)
        scale = 1.0 / math.sqrt(self.in_channels) if scale is None else scale
        self.weight: AbstractSpectralWeight = spectral_weight(
            shape, factorization, rank, scale=scale
        )

    @property
    def ndim(self) -> int:
        return len(self.n_modes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        shape = tuple(x.shape[2:])
        if x.ndim != self.ndim + 2 or x.shape[1] != self.in_channels:
            raise ShapeError(
                explain(
                    "SpectralConv input has the wrong shape",
                    expected=f"(B, {self.in_channels}, {', '.join(['n'] * self.ndim)})",
                    received=f"{tuple(x.shape)}",
                    fix="pass channels-first values with one axis per kept-mode entry",
                )
            )
        check_resolution(shape, self.n_modes, "SpectralConv")
        dims = tuple(range(2, x.ndim))
        x_ft = torch.fft.rfftn(x, dim=dims, norm="forward")
        w = self.weight().to(x_ft.dtype)
        spatial = "xyz"[: self.ndim]
        y = torch.einsum(
            f"bi{spatial},io{spatial}->bo{spatial}", gather_modes(x_ft, self.n_modes), w
        )
        y = scatter_modes(y, self.n_modes, shape)
        return torch.fft.irfftn(y, s=shape, dim=dims, norm="forward")
