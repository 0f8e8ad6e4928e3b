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

Computation
-----------
Two evaluations of the same linear maps, equal up to round-off: on small grids (few kept
modes relative to ``log2`` of the points, :func:`~.dft.use_dense_dft`) dense DFT matrices
restricted to the kept modes, applied axis by axis (:mod:`.dft`); otherwise axis-by-axis
truncated FFTs (:func:`truncated_rfftn`, :func:`truncated_irfftn`). Either way the
channel mixing is one real batched matrix product over the modes
(:func:`contract_real_modes`).
"""

from __future__ import annotations

import math

import torch
from torch import nn

from sciml.core.errors import ShapeError, explain

from ._checks import check_int, check_modes
from .dft import dense_irfftn, dense_rfftn, use_dense_dft
from .factorized import AbstractSpectralWeight, spectral_weight

__all__ = [
    "SpectralConv",
    "check_resolution",
    "contract_modes",
    "contract_real_modes",
    "gather_modes",
    "scatter_modes",
    "truncated_irfftn",
    "truncated_rfftn",
]


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


def truncated_rfftn(x: torch.Tensor, n_modes) -> torch.Tensor:
    """``gather_modes(rfftn(x, norm="forward"), n_modes)`` over the trailing ``len(n_modes)``
    axes, computed axis by axis so that the complex FFTs of the leading axes only run on
    the ``m_d`` kept columns of the last axis's real FFT (same coefficients, less work).

    Shapes: ``(..., n_1, ..., n_d) -> (..., 2 m_1 - 1, ..., 2 m_{d-1} - 1, m_d)``.

    Examples
    --------
    >>> x = torch.randn(2, 3, 8, 10, dtype=torch.float64)
    >>> ref = gather_modes(torch.fft.rfftn(x, dim=(2, 3), norm="forward"), (3, 4))
    >>> torch.allclose(truncated_rfftn(x, (3, 4)), ref)
    True
    """
    d = len(n_modes)
    z = torch.fft.rfft(x, dim=-1, norm="forward").narrow(-1, 0, n_modes[-1])
    for i, m in enumerate(n_modes[:-1]):
        dim = z.ndim - d + i
        z = torch.fft.fft(z, dim=dim, norm="forward")
        n = z.shape[dim]
        z = torch.cat([z.narrow(dim, 0, m), z.narrow(dim, n - m + 1, m - 1)], dim)
    return z


def truncated_irfftn(z: torch.Tensor, n_modes, shape) -> torch.Tensor:
    """``irfftn(scatter_modes(z, n_modes, shape), s=shape, norm="forward")``, with the
    complex inverse FFTs of the leading axes run on the ``m_d`` kept columns only.

    Shapes: ``(..., 2 m_1 - 1, ..., m_d) -> (..., n_1, ..., n_d)``, real.

    Examples
    --------
    >>> z = torch.randn(2, 3, 5, 4, dtype=torch.complex128)
    >>> ref = torch.fft.irfftn(scatter_modes(z, (3, 4), (8, 10)), s=(8, 10), norm="forward")
    >>> torch.allclose(truncated_irfftn(z, (3, 4), (8, 10)), ref)
    True
    """
    d = len(n_modes)
    for i, m in enumerate(n_modes[:-1]):
        dim = z.ndim - d + i
        zeros_shape = list(z.shape)
        zeros_shape[dim] = shape[i] - (2 * m - 1)
        z = torch.cat([z.narrow(dim, 0, m), z.new_zeros(zeros_shape), z.narrow(dim, m, m - 1)], dim)
        z = torch.fft.ifft(z, dim=dim, norm="forward")
    pad = shape[-1] // 2 + 1 - n_modes[-1]
    z = torch.cat([z, z.new_zeros(*z.shape[:-1], pad)], dim=-1)
    return torch.fft.irfft(z, n=shape[-1], dim=-1, norm="forward")


def contract_modes(z: torch.Tensor, w: torch.Tensor) -> torch.Tensor:
    r"""Per-mode channel mixing :math:`y_{bo k} = \sum_i z_{bik} w_{iok}` in real arithmetic
    (:func:`contract_real_modes` on the real and imaginary parts).

    Parameters
    ----------
    z : complex tensor of shape (B, c_in, K_1, ..., K_d)
    w : complex tensor of shape (c_in, c_out, K_1, ..., K_d)

    Returns
    -------
    complex tensor of shape (B, c_out, K_1, ..., K_d)

    Examples
    --------
    >>> z = torch.randn(4, 2, 3, 5, dtype=torch.complex128)
    >>> w = torch.randn(2, 6, 3, 5, dtype=torch.complex128)
    >>> ref = torch.einsum("bixy,ioxy->boxy", z, w)
    >>> torch.allclose(contract_modes(z, w), ref)
    True
    """
    d = z.ndim - 2
    # (B, i, *K, 2) -> (2, *K, B, i)
    zr = torch.view_as_real(z).permute(d + 2, *range(2, 2 + d), 0, 1)
    y = contract_real_modes(zr, w)  # (2, *K, B, o)
    y = y.permute(d + 1, d + 2, *range(1, d + 1), 0).contiguous()
    return torch.view_as_complex(y)


def contract_real_modes(zr: torch.Tensor, w: torch.Tensor) -> torch.Tensor:
    r"""Per-mode channel mixing on real and imaginary parts, modes first (the layout of
    :mod:`.dft`): :math:`y_k = z_k w_k` for every kept mode :math:`k`, with
    :math:`z_k` of shape ``(B, c_in)`` and :math:`w_k` of shape ``(c_in, c_out)``.

    The complex products are one real batched matrix product over the modes,
    :math:`\begin{pmatrix} \Re z \\ \Im z \end{pmatrix} (\Re w \;\; \Im w) =
    \begin{pmatrix} P_{00} & P_{01} \\ P_{10} & P_{11} \end{pmatrix}`, then
    :math:`\Re y = P_{00} - P_{11}` and :math:`\Im y = P_{01} + P_{10}`: the same sums as a
    complex ``einsum``, with contiguous operands and no per-mode copies.

    Parameters
    ----------
    zr : real tensor of shape (2, K_1, ..., K_d, B, c_in)
        Real and imaginary parts of the kept modes.
    w : complex tensor of shape (c_in, c_out, K_1, ..., K_d)

    Returns
    -------
    real tensor of shape (2, K_1, ..., K_d, B, c_out)

    Examples
    --------
    >>> z = torch.randn(4, 2, 3, 5, dtype=torch.complex128)
    >>> w = torch.randn(2, 6, 3, 5, dtype=torch.complex128)
    >>> zr = torch.stack([z.real, z.imag]).permute(0, 3, 4, 1, 2)  # (2, 3, 5, 4, 2)
    >>> y = contract_real_modes(zr, w)
    >>> ref = torch.einsum("bixy,ioxy->xybo", z, w)
    >>> torch.allclose(y[0], ref.real) and torch.allclose(y[1], ref.imag)
    True
    """
    _, *kept, b, c_in = zr.shape
    c_out = w.shape[1]
    d = len(kept)
    k = math.prod(kept)
    # rows [Re z; Im z]: (2, *K, B, i) -> (K, 2 B, i)
    zk = zr.movedim(0, d).reshape(k, 2 * b, c_in)
    # columns [Re w | Im w]: (i, o, *K, 2) -> (i, K 2, o) -> (K, i, 2 o); transposing the
    # trailing axes as one block, then batching over the modes by strides, moves less
    # memory than a single many-axis permute
    wt = torch.view_as_real(w).reshape(c_in, c_out, 2 * k).transpose(1, 2).contiguous()
    wk = wt.reshape(c_in, k, 2 * c_out).transpose(0, 1)
    p = torch.bmm(zk, wk)
    re = p[:, :b, :c_out] - p[:, b:, c_out:]
    im = p[:, :b, c_out:] + p[:, b:, :c_out]
    return torch.stack([re, im]).reshape(2, *kept, b, c_out)


class SpectralConv(nn.Module):
    r"""Spectral convolution on 1-D, 2-D or 3-D periodic grids.

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
    scale : float, optional
        Initial root-mean-square modulus of the weights, :math:`E|R|^2 = s^2`; default
        :math:`s = \sqrt{2 / (c_{in} + c_{out})}` (Glorot's variance, neuraloperator's
        default; :math:`1/\sqrt{c}` when ``in_channels == out_channels == c``). Real and
        imaginary parts each have variance :math:`s^2 / 2`
        (:func:`~.factorized.complex_parameter`).

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
        if scale is None:
            scale = math.sqrt(2.0 / (self.in_channels + self.out_channels))
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
        w = self.weight()
        if use_dense_dft(shape, self.n_modes):
            zr = dense_rfftn(x, self.n_modes)
            w = w.to(x.dtype.to_complex())
            return dense_irfftn(contract_real_modes(zr, w), self.n_modes, shape)
        z = truncated_rfftn(x, self.n_modes)
        return truncated_irfftn(contract_modes(z, w.to(z.dtype)), self.n_modes, shape)
