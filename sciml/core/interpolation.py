"""Per-axis interpolation: the linear maps from nodal values on an :class:`Axis` to values
at arbitrary coordinates, and FFT resampling between uniform periodic axes.

A tensor grid interpolates by applying these 1-D maps along each axis, so every policy
here is written once, in one dimension.

Methods
-------
``"linear"``
    Piecewise-linear (wraps around on periodic axes; linear extension between the
    outermost node and the bound on non-periodic axes). Second order.
``"spectral"``
    Trigonometric interpolation on uniform periodic axes; barycentric polynomial
    interpolation through all nodes otherwise (spectral on Chebyshev and Gauss–Legendre
    nodes, Runge-unstable on equispaced ones).
``"auto"``
    ``"spectral"`` on Chebyshev, Gauss–Legendre and uniform periodic axes, ``"linear"``
    on the others.
"""

from __future__ import annotations

import functools

import numpy as np
import torch

from .axis import Axis
from .errors import DiscretizationError, explain
from .quadrature import barycentric_weights

__all__ = [
    "METHODS",
    "resolve_method",
    "linear_stencil",
    "interpolation_matrix",
    "transfer_matrix",
    "fft_resample",
]

METHODS = ("auto", "linear", "spectral")


def resolve_method(axis: Axis, method: str) -> str:
    """The concrete method (``"linear"`` or ``"spectral"``) used on ``axis``."""
    if method not in METHODS:
        raise DiscretizationError(
            explain(
                "unknown interpolation method",
                expected=" | ".join(METHODS),
                received=repr(method),
                fix="pass method='auto', 'linear' or 'spectral'",
            )
        )
    if method != "auto":
        return method
    spectral = axis.kind in ("chebyshev", "gauss_legendre") or axis.is_uniform_periodic
    return "spectral" if spectral else "linear"


def _wrap(axis: Axis, x: torch.Tensor) -> torch.Tensor:
    lo = axis.bounds[0]
    return lo + torch.remainder(x - lo, axis.length)


def linear_stencil(axis: Axis, x: torch.Tensor):
    """Left/right node indices and the weight of the right node for linear interpolation.

    Parameters
    ----------
    axis : Axis
    x : torch.Tensor of shape (m,)
        Coordinates (float64).

    Returns
    -------
    left, right : torch.LongTensor of shape (m,)
    t : torch.Tensor of shape (m,)
        Value at ``x`` is ``(1 - t) * u[left] + t * u[right]``.
    """
    x = x.contiguous()
    nodes = axis.nodes.to(x.device)
    n = axis.n
    if n == 1:
        zero = torch.zeros_like(x, dtype=torch.long)
        return zero, zero, torch.zeros_like(x)
    if axis.periodic:
        x = _wrap(axis, x)
        ext = torch.cat([nodes, nodes[:1] + axis.length])
        # points left of the first node belong to the wrap-around cell
        x = torch.where(x < nodes[0], x + axis.length, x)
        left = torch.searchsorted(ext, x, right=True) - 1
        left = left.clamp(0, n - 1)
        right = (left + 1) % n
        x0, x1 = ext[left], ext[left + 1]
    else:
        left = (torch.searchsorted(nodes, x, right=True) - 1).clamp(0, n - 2)
        right = left + 1
        x0, x1 = nodes[left], nodes[right]
    return left, right, (x - x0) / (x1 - x0)


def _build_matrix(axis: Axis, x: torch.Tensor, method: str) -> torch.Tensor:
    if method == "linear":
        left, right, t = linear_stencil(axis, x)
        mat = torch.zeros(x.shape[0], axis.n, dtype=torch.float64)
        rows = torch.arange(x.shape[0])
        mat.index_put_((rows, left), 1 - t, accumulate=True)
        mat.index_put_((rows, right), t, accumulate=True)
        return mat
    if axis.is_uniform_periodic:
        return _trig_matrix(axis, x)
    return _barycentric_matrix(axis, x)


def interpolation_matrix(axis: Axis, x, method: str = "auto") -> torch.Tensor:
    """Dense matrix mapping nodal values on ``axis`` to values at ``x``.

    Parameters
    ----------
    axis : Axis
    x : array_like of shape (m,)
        Target coordinates.
    method : {"auto", "linear", "spectral"}

    Returns
    -------
    torch.Tensor of shape (m, axis.n), float64

    Raises
    ------
    DiscretizationError
        If polynomial interpolation overflows (many equispaced nodes: the Lebesgue constant
        grows like 2^n).

    Examples
    --------
    >>> ax = Axis.uniform(3, (0.0, 1.0))
    >>> interpolation_matrix(ax, [0.25], "linear").tolist()
    [[0.5, 0.5, 0.0]]
    """
    x = torch.as_tensor(np.asarray(x, dtype=np.float64).reshape(-1))
    return _build_matrix(axis, x, resolve_method(axis, method))


@functools.lru_cache(maxsize=128)
def transfer_matrix(source: Axis, target: Axis, method: str = "auto") -> torch.Tensor:
    """:func:`interpolation_matrix` from ``source`` to the nodes of ``target``, cached per
    pair of axes (both are hashable), shape ``(target.n, source.n)``."""
    return interpolation_matrix(source, target.nodes, method)


def _trig_matrix(axis: Axis, x: torch.Tensor) -> torch.Tensor:
    """Periodic sinc (Dirichlet) kernel; for even n the Nyquist mode is the cosine."""
    n = axis.n
    theta = 2 * torch.pi * (x[:, None] - axis.nodes[None, :]) / axis.length
    half = theta / 2
    s = torch.sin(half)
    at_node = torch.abs(s) < 1e-14
    safe = torch.where(at_node, torch.ones_like(s), s)
    if n % 2:
        val = torch.sin(n * half) / (n * safe)
    else:
        val = torch.sin(n * half) * torch.cos(half) / (n * safe)
    # at a node the kernel is +-1 by continuity: cos(n*half)/cos(half) for odd n, cos(n*half)
    limit = torch.cos(n * half) / torch.cos(half) if n % 2 else torch.cos(n * half)
    return torch.where(at_node, limit, val)


def _barycentric_matrix(axis: Axis, x: torch.Tensor) -> torch.Tensor:
    nodes = axis.nodes
    if axis.kind == "chebyshev":
        w = torch.ones(axis.n, dtype=torch.float64)
        w[1::2] = -1.0
        w[[0, -1]] *= 0.5
    else:
        w = torch.from_numpy(barycentric_weights(nodes.numpy()))
    diff = x[:, None] - nodes[None, :]
    exact = diff == 0
    safe = torch.where(exact, torch.ones_like(diff), diff)
    terms = w / safe
    mat = terms / terms.sum(dim=1, keepdim=True)
    hit = exact.any(dim=1)
    if hit.any():
        mat[hit] = exact[hit].to(mat.dtype)
    if not torch.isfinite(mat).all():
        raise DiscretizationError(
            explain(
                f"polynomial interpolation through the {axis.n} nodes of {axis!r} overflowed",
                expected="a node set with a moderate Lebesgue constant",
                received=f"{axis.kind} nodes (on equispaced nodes it grows like 2^n)",
                fix="use Chebyshev or Gauss-Legendre nodes, or method='linear'",
            )
        )
    return mat


def fft_resample(values: torch.Tensor, dim: int, source: Axis, target: Axis) -> torch.Tensor:
    """Resample along ``dim`` between uniform periodic axes on the same interval.

    Refinement evaluates the trigonometric interpolant at the target nodes; coarsening
    keeps the modes the target resolves (|k| < m/2, and the cosine part of the Nyquist
    mode for even m). Both are exact for data band-limited below ``min(n, m) / 2``.
    Target nodes may be shifted (vertex vs cell-centred): the shift is a phase factor.

    Parameters
    ----------
    values : torch.Tensor
        Real or complex, with ``source.n`` entries along ``dim``.
    dim : int
    source, target : Axis
        Uniform periodic axes with equal bounds.

    Returns
    -------
    torch.Tensor
        Same dtype as ``values`` with ``target.n`` entries along ``dim``.
    """
    n, m = source.n, target.n
    coef = torch.fft.fft(values, dim=dim) / n
    coef = torch.movedim(coef, dim, -1)
    k = torch.fft.fftfreq(n, d=1.0 / n).to(values.device)
    if n % 2 == 0:  # split the Nyquist coefficient into +n/2 and -n/2 halves
        nyq = coef[..., n // 2 : n // 2 + 1] / 2
        coef = torch.cat([coef[..., : n // 2], nyq, nyq, coef[..., n // 2 + 1 :]], dim=-1)
        k = torch.cat([k[: n // 2], k.new_tensor([n / 2, -n / 2]), k[n // 2 + 1 :]])
    shift = float(target.nodes[0] - source.nodes[0])
    if shift != 0.0:
        phase = torch.exp(1j * 2 * torch.pi * k.to(torch.float64) * shift / source.length)
        coef = coef * phase.to(coef.dtype if coef.is_complex() else torch.complex128)
    out = torch.zeros(*coef.shape[:-1], m, dtype=coef.dtype, device=coef.device)
    k_int = k.round().to(torch.long)
    keep = k_int.abs() < (m + 1) // 2 if m % 2 else k_int.abs() <= m // 2
    idx = torch.remainder(k_int[keep], m)
    out.index_add_(-1, idx, coef[..., keep])
    result = torch.fft.ifft(out * m, dim=-1)
    result = torch.movedim(result, -1, dim)
    return result if values.is_complex() else result.real.to(values.dtype)
