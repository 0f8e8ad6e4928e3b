r"""Truncated real Fourier transforms as dense matrix products, for small grids.

On a grid of a few dozen points per axis, ``rfftn`` followed by truncation to the kept
modes (and the inverse, with its zero padding) spends most of its time outside the
arithmetic: padding, copies, and transforms of modes that are discarded. The same linear
maps, restricted to the kept modes, are small dense matrices per axis; applying them one
axis at a time is a chain of matrix products (BLAS), and their gradients are again matrix
products. The values equal the FFT formula of :mod:`.spectral_conv` up to round-off.

Layout
------
The spectrum is kept in real arithmetic, modes first, ``(2, K_1, ..., K_d, B, C)``: the
real and imaginary parts, the kept-mode axes in FFT order (``K_i = 2 m_i - 1`` on the
leading axes, ``K_d = m_d`` on the last), then the batch and the channels: the layout of
:func:`~.spectral_conv.contract_real_modes`.

Matrices
--------
For an axis of ``n`` points ``x = 0, ..., n - 1`` and kept frequencies ``k``, with
:math:`\theta = 2\pi k x / n`:

* last axis, forward: ``(n, 2 m)``, columns :math:`\cos\theta / n` then
  :math:`-\sin\theta / n` (real input, ``0 <= k < m``);
* leading axes, forward: the complex matrix :math:`e^{-i\theta}/n` as the real block
  ``[[A, -S], [S, A]]`` of shape ``(2 K, 2 n)`` acting on ``[Re; Im]``;
* leading axes, inverse: :math:`e^{i\theta}` as a real block of shape ``(2 n, 2 K)``;
* last axis, inverse: ``(2 m, n)``, rows :math:`c_k \cos\theta` then :math:`-c_k \sin\theta`
  with :math:`c_0 = 1`, :math:`c_k = 2` otherwise (``irfft``'s Hermitian completion; the
  Nyquist frequency is never kept since ``n >= 2 m``).

The matrices are computed in float64, cached per ``(n, m, kind, dtype, device)`` and hold
no parameters, so one model evaluates on any resolution.
"""

from __future__ import annotations

import math

import torch

__all__ = ["DENSE_DFT_RATIO", "dft_matrix", "dense_rfftn", "dense_irfftn", "use_dense_dft"]

#: An axis of ``n`` points keeping ``K`` frequencies takes the dense product when
#: ``K <= DENSE_DFT_RATIO * log2(n)``.
DENSE_DFT_RATIO = 5.0

_CACHE: dict[tuple, torch.Tensor] = {}


def use_dense_dft(shape, n_modes) -> bool:
    """Whether :class:`~.spectral_conv.SpectralConv` takes the dense-matrix path on a grid
    of ``shape`` keeping ``n_modes``: on every axis the number of kept frequencies
    (``2 m - 1``, an upper bound for the last axis's ``m``) is at most
    :data:`DENSE_DFT_RATIO` ``* log2(n)``.

    A dense product costs ``O(n K)`` per axis, an FFT ``O(n log n)`` plus the padding and
    copies of the full spectrum. The ratio 5 is about where the two paths of one 2-D
    layer (batch 16, 32 channels, forward and backward, one CPU thread) took equal time
    on grids of 32 to 256 points: 12 modes per axis is dense from 25 points on, 16 modes
    on 64 points and 32 modes on 64 or 128 points take the FFT.

    Examples
    --------
    >>> use_dense_dft((64, 64), (12, 12)), use_dense_dft((64, 64), (32, 32))
    (True, False)
    """
    return all(2 * m - 1 <= DENSE_DFT_RATIO * math.log2(n) for n, m in zip(shape, n_modes))


def _frequencies(m: int, full: bool) -> torch.Tensor:
    if not full:
        return torch.arange(m, dtype=torch.float64)
    return torch.cat([torch.arange(m), torch.arange(-(m - 1), 0)]).to(torch.float64)


def _build(n: int, m: int, kind: str) -> torch.Tensor:
    last = kind.startswith("last")
    k = _frequencies(m, full=not last)
    # k x reduced mod n before scaling: exact integers, so the phases stay accurate on
    # long axes
    kx = torch.remainder(torch.outer(k, torch.arange(n, dtype=torch.float64)), n)
    theta = 2 * math.pi * kx / n  # (K, n)
    cos, sin = torch.cos(theta), torch.sin(theta)
    if kind == "last_forward":
        return torch.cat([cos, -sin], 0).T / n  # (n, 2m)
    if kind == "last_inverse":
        c = torch.full((m, 1), 2.0, dtype=torch.float64)
        c[0] = 1.0
        return torch.cat([c * cos, -c * sin], 0)  # (2m, n)
    if kind == "forward":
        a, s = cos / n, -sin / n
        return torch.cat([torch.cat([a, -s], 1), torch.cat([s, a], 1)], 0)  # (2K, 2n)
    if kind == "inverse":
        a, s = cos.T, sin.T
        return torch.cat([torch.cat([a, -s], 1), torch.cat([s, a], 1)], 0)  # (2n, 2K)
    raise ValueError(f"unknown DFT matrix kind {kind!r}")


def dft_matrix(n: int, m: int, kind: str, dtype: torch.dtype, device) -> torch.Tensor:
    """The cached real matrix of one axis (see the module docstring for ``kind``:
    ``"forward"``, ``"inverse"``, ``"last_forward"``, ``"last_inverse"``).

    Examples
    --------
    >>> x = torch.randn(5, 8, dtype=torch.float64)
    >>> z = torch.fft.rfft(x, norm="forward")[:, :3]
    >>> r = x @ dft_matrix(8, 3, "last_forward", torch.float64, "cpu")
    >>> torch.allclose(r, torch.cat([z.real, z.imag], 1))
    True
    """
    key = (n, m, kind, dtype, torch.device(device))
    mat = _CACHE.get(key)
    if mat is None:
        mat = _build(n, m, kind).to(dtype=dtype, device=device)
        _CACHE[key] = mat
    return mat


def _complex_axis(t: torch.Tensor, mat: torch.Tensor, axis: int) -> torch.Tensor:
    """Apply a real-block complex matrix ``(2 p, 2 n)`` along ``axis`` of ``t``, a real
    tensor ``(2, ...)`` whose leading axis holds the real and imaginary parts."""
    t = t.movedim(axis, 1)
    rest = t.shape[2:]
    out = mat @ t.reshape(2 * t.shape[1], -1)
    return out.reshape(2, -1, *rest).movedim(1, axis)


def dense_rfftn(x: torch.Tensor, n_modes) -> torch.Tensor:
    """The kept modes of ``rfftn(x, norm="forward")`` over the trailing ``len(n_modes)``
    axes, by dense matrix products, in the modes-first real layout.

    Shapes: ``(B, C, n_1, ..., n_d) -> (2, K_1, ..., K_d, B, C)``, real.

    Examples
    --------
    >>> from sciml.operators.spectral_conv import truncated_rfftn
    >>> x = torch.randn(2, 3, 8, 10, dtype=torch.float64)
    >>> z = truncated_rfftn(x, (3, 4))  # (2, 3, 5, 4) complex
    >>> r = dense_rfftn(x, (3, 4))  # (2, 5, 4, 2, 3) real
    >>> torch.allclose(r[1], z.imag.permute(2, 3, 0, 1))
    True
    """
    b, c, *shape = x.shape
    d = len(shape)
    n, m = shape[-1], n_modes[-1]
    t = x.reshape(-1, n) @ dft_matrix(n, m, "last_forward", x.dtype, x.device)
    # (B, C, n_1..n_{d-1}, 2, m) -> (2, n_1..n_{d-1}, m, B, C)
    t = t.reshape(b, c, *shape[:-1], 2, m)
    t = t.permute(d + 1, *range(2, d + 1), d + 2, 0, 1)
    for i in range(d - 1):
        mat = dft_matrix(shape[i], n_modes[i], "forward", x.dtype, x.device)
        t = _complex_axis(t, mat, 1 + i)
    return t


def dense_irfftn(y: torch.Tensor, n_modes, shape) -> torch.Tensor:
    """``irfftn`` of the zero-filled spectrum whose kept modes are ``y`` (modes-first real
    layout), ``norm="forward"``, by dense matrix products.

    Shapes: ``(2, K_1, ..., K_d, B, C) -> (B, C, n_1, ..., n_d)``, real.

    Examples
    --------
    >>> from sciml.operators.spectral_conv import truncated_irfftn
    >>> z = torch.randn(2, 3, 5, 4, dtype=torch.complex128)
    >>> y = torch.stack([z.real, z.imag]).permute(0, 3, 4, 1, 2)  # (2, 5, 4, 2, 3)
    >>> torch.allclose(dense_irfftn(y, (3, 4), (8, 10)), truncated_irfftn(z, (3, 4), (8, 10)))
    True
    """
    d = len(shape)
    b, c = y.shape[-2:]
    t = y
    for i in range(d - 1):
        mat = dft_matrix(shape[i], n_modes[i], "inverse", y.dtype, y.device)
        t = _complex_axis(t, mat, 1 + i)
    # (2, n_1..n_{d-1}, m, B, C) -> (B, C, n_1..n_{d-1}, 2, m)
    m = n_modes[-1]
    t = t.permute(d + 1, d + 2, *range(1, d), 0, d).reshape(-1, 2 * m)
    out = t @ dft_matrix(shape[-1], m, "last_inverse", y.dtype, y.device)
    return out.reshape(b, c, *shape)
