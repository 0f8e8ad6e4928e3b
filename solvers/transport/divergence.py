"""The debiased Sinkhorn divergence (Feydy et al., AISTATS 2019)."""

from __future__ import annotations

import torch

from ._checks import safe_log
from .costs import as_points, cost_matrix
from .sinkhorn import sinkhorn

__all__ = ["sinkhorn_divergence"]


def sinkhorn_divergence(x, y, reg: float, *, a=None, b=None, linear: bool = False, **kw):
    """``S = OT(a, b) - 1/2 OT(a, a) - 1/2 OT(b, b)`` with cost ``||x - y||^2``.

    Parameters
    ----------
    x : tensor (n, d) or PointCloud
    y : tensor (m, d) or PointCloud
    reg : float
        Regularisation of :func:`.sinkhorn` (``KL(P || a b^T)`` scaled by ``reg``).
    a, b : tensors (n,), (m,), optional
        Weights (default: the point clouds' weights, else uniform).
    linear : bool
        If True, combine the linear parts ``<P, C>`` only: POT's
        ``ot.bregman.empirical_sinkhorn_divergence`` before its clipping at 0.
    **kw
        Passed to :func:`.sinkhorn` (``method``, ``atol``, ``max_iter``, ...).

    Returns
    -------
    tensor ()
        Differentiable with respect to ``x``, ``y``, ``a``, ``b``.

    Notes
    -----
    With the full objective ``OT = <P, C> + reg KL(P || a b^T)``, ``S >= 0`` with equality
    iff the measures are equal (Feydy et al. 2019, thm. 1), and ``S`` is smooth and
    convex in each argument. POT's ``empirical_sinkhorn_divergence`` keeps only
    ``<P, C>`` and clips at 0: it equals ``max(0, sinkhorn_divergence(..., linear=True))``,
    it is biased upward for equal measures (entropic blur) and is not a divergence.
    The difference between the two is
    ``reg (KL_ab - KL_aa / 2 - KL_bb / 2)``.

    Examples
    --------
    >>> x = torch.randn(20, 2, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    >>> abs(float(sinkhorn_divergence(x, x, 0.5))) < 1e-8
    True
    """
    x, wa = as_points(x)
    y, wb = as_points(y, dtype=x.dtype)
    a = wa if a is None else a
    b = wb if b is None else b
    field = "value_linear" if linear else "value"

    def ot(p, q, wp, wq):
        return getattr(sinkhorn(wp, wq, cost_matrix(p, q), reg, **kw).value, field)

    def self_ot(p, wp):
        return _symmetric_ot(p, wp, reg, linear, kw.get("atol"), kw.get("max_iter", 1000))

    return ot(x, y, a, b) - 0.5 * self_ot(x, a) - 0.5 * self_ot(y, b)


def _symmetric_ot(x, a, reg, linear, atol, max_iter):
    """``OT(a, a)`` by the averaged fixed point ``f <- (f + T f) / 2`` (Feydy et al. 2019,
    sec. 3.1): plain Sinkhorn oscillates slowly on symmetric problems, this converges in
    a few tens of iterations. Gradient by the envelope theorem, as in :func:`.sinkhorn`."""
    C = cost_matrix(x, x)
    n = C.shape[0]
    a = torch.full((n,), 1.0 / n, dtype=C.dtype) if a is None else torch.as_tensor(a, dtype=C.dtype)
    atol = (1e-9 if C.dtype == torch.float64 else 1e-5) if atol is None else atol
    la = safe_log(a)
    with torch.no_grad():
        Cd, f = C.detach(), torch.zeros(n, dtype=C.dtype)
        for _ in range(max_iter):
            f_new = -reg * torch.logsumexp((la + f / reg)[None, :] - Cd / reg, dim=-1)
            err = float((a * torch.expm1((f - f_new) / reg).abs()).sum())
            f = 0.5 * (f + f_new)
            if err <= atol:
                break
    logP = la[:, None] + la[None, :] + (f[:, None] + f[None, :] - C) / reg
    P = torch.exp(logP)
    lin = (P * C).sum()
    if linear:
        return lin
    fin = torch.where(torch.isfinite(f), f, torch.zeros_like(f))
    dual = 2.0 * (a * fin).sum() - reg * (P.sum() - a.sum() ** 2)
    kl = (P * torch.where(P > 0, (fin[:, None] + fin[None, :] - C) / reg, 0.0)).sum()
    primal = lin + reg * kl - reg * (P.sum() - a.sum() ** 2)
    return dual + (primal - dual).detach()
