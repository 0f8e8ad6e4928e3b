"""Argument checks shared by the transport solvers: weights, cost matrices, reg, size."""

from __future__ import annotations

import torch

from sciml.core import ParameterError, ShapeError
from sciml.core.errors import explain

__all__ = ["MAX_DENSE_ENTRIES", "check_overrelax", "check_problem", "check_reg", "safe_log"]

MAX_DENSE_ENTRIES = 5e8
"""Largest ``B * n * m`` a dense solve accepts (2 GB in float32, 4 GB in float64)."""


def check_reg(reg) -> float:
    """``reg`` as a positive finite float, or a :class:`ParameterError`."""
    value = float(reg)
    if not value > 0.0 or value == float("inf"):
        raise ParameterError(
            explain(
                "the entropic regularisation must be positive and finite",
                expected="reg > 0",
                received=f"reg={reg!r}",
                fix="pass e.g. reg = 0.05 * median(C); use emd for reg = 0",
            )
        )
    return value


def check_overrelax(omega) -> float:
    """The Sinkhorn over-relaxation factor as a float in ``(0, 2)``, or a ParameterError."""
    value = float(omega)
    if not 0.0 < value < 2.0:
        raise ParameterError(
            explain(
                "overrelax must lie in (0, 2) (Sinkhorn over-relaxation diverges at 2)",
                expected="0 < overrelax < 2",
                received=f"{omega!r}",
                fix="pass 1.5 (the default) or 1.0 for classical Sinkhorn",
            )
        )
    return value


def safe_log(w: torch.Tensor) -> torch.Tensor:
    """``log w`` with ``-inf`` at zero weights and a zero (not NaN) gradient there."""
    positive = w > 0
    return torch.where(positive, torch.where(positive, w, torch.ones_like(w)).log(), -torch.inf)


def check_problem(a, b, C) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Validate ``a (..., n)``, ``b (..., m)``, ``C (..., n, m)``; fill uniform weights.

    Returns the three tensors with a leading batch axis (``B = 1`` for unbatched input) in
    the dtype of ``C``.
    """
    C = torch.as_tensor(C)
    if not C.is_floating_point():
        C = C.to(torch.float64)
    if C.ndim not in (2, 3):
        raise ShapeError(
            explain(
                "the cost matrix must be 2-D or batched 3-D",
                expected="shape (n, m) or (B, n, m)",
                received=f"shape {tuple(C.shape)}",
                fix="build C with cost_matrix(x, y) or stack B problems of equal size",
            )
        )
    Cb = C if C.ndim == 3 else C[None]
    B, n, m = Cb.shape
    if B * n * m > MAX_DENSE_ENTRIES:
        raise ParameterError(
            explain(
                "the dense cost matrix is too large for memory",
                expected=f"B*n*m <= {MAX_DENSE_ENTRIES:.0e}",
                received=f"B*n*m = {B * n * m:.2e}",
                fix="use sinkhorn_online(x, y, reg) (blockwise log-sum-exp, O(n+m) memory) "
                "or subsample",
            )
        )
    out = []
    for w, k, name in ((a, n, "a"), (b, m, "b")):
        if w is None:
            w = torch.full((B, k), 1.0 / k, dtype=C.dtype, device=C.device)
        w = torch.as_tensor(w, dtype=C.dtype, device=C.device)
        w = w if w.ndim == 2 else w.expand(B, -1) if w.ndim == 1 else w
        if w.shape != (B, k) or not torch.isfinite(w).all() or (w < 0).any():
            raise ShapeError(
                explain(
                    f"the weights {name} do not fit the cost matrix",
                    expected=f"finite non-negative weights of shape ({k},) or ({B}, {k})",
                    received=f"shape {tuple(w.shape)}",
                    fix=f"pass one weight per {'row' if name == 'a' else 'column'} of C",
                )
            )
        out.append(w)
    a, b = out
    ma, mb = a.sum(-1), b.sum(-1)
    if not torch.allclose(ma, mb, rtol=1e-5, atol=1e-8) or (ma <= 0).any():
        raise ParameterError(
            explain(
                "balanced transport needs equal positive masses",
                expected="a.sum() == b.sum() > 0",
                received=f"masses {ma.tolist()[:3]} and {mb.tolist()[:3]}",
                fix="normalise both weight vectors to sum to 1",
            )
        )
    if not torch.isfinite(Cb).all():
        raise ParameterError(
            explain(
                "the cost matrix has NaN/Inf entries",
                expected="finite costs",
                received=f"{int((~torch.isfinite(Cb)).sum())} non-finite entries",
                fix="repair the cost or drop the offending points",
            )
        )
    return a, b, Cb
