"""Memory-light Sinkhorn: the cost is recomputed block by block (O(n + m) memory).

The iterations are those of the dense log-domain solver (:func:`.sinkhorn.log_iterations`:
ε-scaling, over-relaxation, the same stopping rule); only the log-sum-exp reductions run
over row blocks of ``||x_i - y_j||^2``. The value is differentiable in ``x``, ``y``, ``a``
and ``b`` through the envelope theorem, with the gradients also accumulated by blocks.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch

from sciml.core import ParameterError, ShapeError, Solution, Status
from sciml.core.errors import explain

from ._checks import check_overrelax, check_reg, safe_log
from .costs import as_points, cost_matrix
from .sinkhorn import eps_schedule, log_iterations

__all__ = ["OnlineSinkhornResult", "sinkhorn_online"]


@dataclass(frozen=True)
class OnlineSinkhornResult:
    """Potentials and value of an online Sinkhorn solve (the plan is never stored).

    Attributes
    ----------
    f : tensor of shape (n,)
    g : tensor of shape (m,)
    value : tensor of shape ()
        The dual value ``<a, f> + <b, g> - reg (mass(P) - 1)``, equal to the primal
        ``<P, C> + reg KL(P || a b^T)`` at convergence; differentiable in ``x``, ``y``,
        ``a`` and ``b`` when those require gradients.
    """

    f: torch.Tensor
    g: torch.Tensor
    value: torch.Tensor


class _BlockSoftmin:
    """``softmin(eps, h, dim)`` of :func:`.sinkhorn.log_iterations` for the cost
    ``||x_i - y_j||^2``, recomputed ``block`` rows at a time."""

    def __init__(self, x: torch.Tensor, y: torch.Tensor, block: int):
        self.x, self.y, self.block = x, y, block

    def __call__(self, eps: float, h: torch.Tensor, dim: int) -> torch.Tensor:
        rows, cols = (self.x, self.y) if dim == -1 else (self.y, self.x)
        out = []
        for s in range(0, rows.shape[0], self.block):
            C = cost_matrix(rows[s : s + self.block], cols)
            out.append(-eps * torch.logsumexp(h - C / eps, dim=-1))
        return torch.cat(out)[None]


def _cost_span_bound(x: torch.Tensor, y: torch.Tensor) -> float:
    """An upper bound of ``max_ij ||x_i - y_j||^2`` from the joint bounding box."""
    lo = torch.minimum(x.amin(0), y.amin(0))
    hi = torch.maximum(x.amax(0), y.amax(0))
    return float(((hi - lo) ** 2).sum())


def _gibbs_block(x, y, f, g, reg, s, block):
    """Rows ``s : s + block`` of ``exp((f_i + g_j - C_ij) / reg)`` (the plan over ``a b^T``)."""
    C = cost_matrix(x[s : s + block], y)
    return torch.exp((f[s : s + block, None] + g[None, :] - C) / reg)


class _EnvelopeValue(torch.autograd.Function):
    """Dual value at fixed potentials; its backward is the envelope gradient:
    ``dx_i = 2 (r_i x_i - sum_j P_ij y_j)``, ``dy_j = 2 (c_j y_j - sum_i P_ij x_i)``,
    ``da_i = f_i - reg (r_i / a_i - sum b)``, ``db_j = g_j - reg (c_j / b_j - sum a)``,
    with ``r = P 1`` and ``c = P^T 1`` accumulated by row blocks."""

    @staticmethod
    def forward(ctx, x, y, a, b, f, g, reg, block):
        mass = x.new_zeros(())
        for s in range(0, x.shape[0], block):
            mass = mass + a[s : s + block] @ _gibbs_block(x, y, f, g, reg, s, block) @ b
        ctx.save_for_backward(x, y, a, b, f, g)
        ctx.reg, ctx.block = reg, block
        return (a * f).sum() + (b * g).sum() - reg * (mass - a.sum() * b.sum())

    @staticmethod
    def backward(ctx, grad):
        x, y, a, b, f, g = ctx.saved_tensors
        reg, block = ctx.reg, ctx.block
        Py, Ptx = torch.zeros_like(x), torch.zeros_like(y)
        r_over_a, c_over_b = torch.zeros_like(f), torch.zeros_like(g)
        for s in range(0, x.shape[0], block):
            E = _gibbs_block(x, y, f, g, reg, s, block)
            Eb = E * b[None, :]
            aE = a[s : s + block, None] * E
            r_over_a[s : s + block] = Eb.sum(-1)
            c_over_b += aE.sum(0)
            Py[s : s + block] = a[s : s + block, None] * (Eb @ y)
            Ptx += (aE * b[None, :]).T @ x[s : s + block]
        r, c = a * r_over_a, b * c_over_b
        dx = 2.0 * (r[:, None] * x - Py)
        dy = 2.0 * (c[:, None] * y - Ptx)
        da = f - reg * (r_over_a - b.sum())
        db = g - reg * (c_over_b - a.sum())
        return grad * dx, grad * dy, grad * da, grad * db, None, None, None, None


def _weights(w, default, n, dtype):
    if w is not None:
        return torch.as_tensor(w, dtype=dtype)
    return default if default is not None else torch.full((n,), 1.0 / n, dtype=dtype)


def sinkhorn_online(
    x,
    y,
    reg: float,
    *,
    a=None,
    b=None,
    atol=None,
    max_iter=1000,
    block=2048,
    eps_scaling: float | None = 0.5,
    overrelax: float = 1.5,
) -> Solution:
    """Log-domain Sinkhorn for ``||x - y||^2`` without storing the cost matrix.

    Parameters
    ----------
    x : tensor of shape (n, d) or PointCloud
    y : tensor of shape (m, d) or PointCloud
    reg : float
        Entropic regularisation (multiplies ``KL(P || a b^T)``).
    a, b : tensors of shape (n,), (m,), optional
        Weights (default: the point clouds' weights, else uniform).
    atol : float, optional
        Stop when the marginal error is ``<= atol`` (default 1e-9 float64, 1e-5 float32).
    max_iter : int
        Total iteration budget, ε-scaling stages included.
    block : int
        Rows of the cost recomputed at once (memory ``block * m``).
    eps_scaling : float or None
        Ratio of the geometric ε schedule from a bound of the cost's span down to ``reg``
        (one iteration per stage); None solves at ``reg`` directly.
    overrelax : float
        Over-relaxation factor in ``(0, 2)`` of the final stage, as in :func:`.sinkhorn`.

    Returns
    -------
    Solution
        ``value`` is an :class:`OnlineSinkhornResult` ``(f, g, value)``; ``stats`` has
        ``iterations``, ``marginal_error``, ``eps_schedule`` and ``overrelax``. Gradients
        of ``value`` reach ``x``, ``y``, ``a``, ``b`` (envelope theorem: exact at
        convergence); the potentials are returned detached.

    Examples
    --------
    >>> x = torch.linspace(0, 1, 5, dtype=torch.float64)[:, None]
    >>> sol = sinkhorn_online(x, x + 0.1, 0.5, block=2)
    >>> sol.ok, round(float(sol.value.f.shape[0]), 1)
    (True, 5.0)
    """
    reg = check_reg(reg)
    omega = check_overrelax(overrelax)
    x, wa = as_points(x)
    y, wb = as_points(y, dtype=x.dtype)
    if x.ndim != 2 or y.ndim != 2 or x.shape[1] != y.shape[1]:
        raise ShapeError(
            explain(
                "the two point clouds must be 2-D arrays in the same dimension",
                expected="x of shape (n, d) and y of shape (m, d)",
                received=f"x {tuple(x.shape)}, y {tuple(y.shape)}",
                fix="reshape both to (points, coordinates) with the same d",
            )
        )
    if not (torch.isfinite(x).all() and torch.isfinite(y).all()):
        raise ParameterError(
            explain(
                "the point clouds contain NaN or infinite coordinates",
                expected="finite x and y",
                received=f"{int((~torch.isfinite(x)).sum() + (~torch.isfinite(y)).sum())} "
                "non-finite entries",
                fix="drop or impute the non-finite points before solving",
            )
        )
    n, m = x.shape[0], y.shape[0]
    a = _weights(a, wa, n, x.dtype)
    b = _weights(b, wb, m, x.dtype)
    atol = (1e-9 if x.dtype == torch.float64 else 1e-5) if atol is None else atol
    xd, yd, ad, bd = x.detach(), y.detach(), a.detach(), b.detach()
    eps_list = eps_schedule(_cost_span_bound(xd, yd), reg, eps_scaling)
    with torch.no_grad():
        la, lb = safe_log(ad)[None], safe_log(bd)[None]
        softmin = _BlockSoftmin(xd, yd, block)
        f, g, err, it, omega = log_iterations(
            la, lb, ad[None], bd[None], softmin, eps_list, atol, max_iter, omega
        )
        if it < len(eps_list):  # stopped inside the schedule: make f consistent with reg
            f = softmin(reg, lb + g / reg, -1)
    f, g, worst = f[0], g[0], float(err.max())
    value = _EnvelopeValue.apply(x, y, a, b, f, g, reg, block)
    if not (math.isfinite(worst) and torch.isfinite(value)):
        status = Status.NONFINITE
    elif worst > atol:
        status = Status.MAX_ITERATIONS
    else:
        status = Status.SUCCESS
    stats = {
        "iterations": it,
        "marginal_error": worst,
        "eps_schedule": eps_list,
        "overrelax": omega,
    }
    return Solution(OnlineSinkhornResult(f, g, value), status, stats)
