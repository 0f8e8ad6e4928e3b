"""Memory-light Sinkhorn: the cost is recomputed block by block (O(n + m) memory)."""

from __future__ import annotations

import torch

from sciml.core import Solution, Status

from ._checks import check_reg, safe_log
from .costs import as_points, cost_matrix

__all__ = ["sinkhorn_online"]


def _softmin_blocks(eps, x, y, h, block):
    """``-eps log sum_j exp(h_j - |x_i - y_j|^2 / eps)``, rows of x in blocks."""
    out = []
    for s in range(0, x.shape[0], block):
        C = cost_matrix(x[s : s + block], y)
        out.append(-eps * torch.logsumexp(h[None, :] - C / eps, dim=-1))
    return torch.cat(out)


def _weights(w, default, n, dtype):
    if w is not None:
        return torch.as_tensor(w, dtype=dtype)
    return default if default is not None else torch.full((n,), 1.0 / n, dtype=dtype)


@torch.no_grad()
def sinkhorn_online(x, y, reg: float, *, a=None, b=None, atol=None, max_iter=1000, block=2048):
    """Log-domain Sinkhorn for ``||x - y||^2`` without storing the cost matrix.

    Parameters
    ----------
    x : tensor (n, d) or PointCloud
    y : tensor (m, d) or PointCloud
    reg : float
    a, b : tensors (n,), (m,), optional
    atol : float, optional
        Stop when ``sum |P 1 - a| <= atol`` (default 1e-9 float64, 1e-5 float32).
    max_iter : int
    block : int
        Rows of the cost recomputed at once (memory ``block * m``).

    Returns
    -------
    Solution
        ``value = (f, g)``, the potentials; the plan is never formed. No ε-scaling and
        no autograd: this is the memory-safe fallback of :func:`.sinkhorn`.

    Examples
    --------
    >>> x = torch.linspace(0, 1, 5, dtype=torch.float64)[:, None]
    >>> sinkhorn_online(x, x + 0.1, 0.5, block=2).ok
    True
    """
    reg = check_reg(reg)
    x, wa = as_points(x)
    y, wb = as_points(y, dtype=x.dtype)
    n, m = x.shape[0], y.shape[0]
    a = _weights(a, wa, n, x.dtype)
    b = _weights(b, wb, m, x.dtype)
    atol = (1e-9 if x.dtype == torch.float64 else 1e-5) if atol is None else atol
    la, lb = safe_log(a), safe_log(b)
    g = torch.zeros(m, dtype=x.dtype)
    f = _softmin_blocks(reg, x, y, lb, block)
    err, it = float("inf"), 0
    while it < max_iter and err > atol:
        g = _softmin_blocks(reg, y, x, la + f / reg, block)
        f_new = _softmin_blocks(reg, x, y, lb + g / reg, block)
        err = float((a * torch.expm1((f - f_new) / reg).abs()).sum())
        f, it = f_new, it + 1
    status = Status.SUCCESS if err <= atol else Status.MAX_ITERATIONS
    if not torch.isfinite(torch.tensor(err)):
        status = Status.NONFINITE
    return Solution((f, g), status, {"iterations": it, "marginal_error": err})
