"""How every Krylov solver ends: the true residual, the status and the stats of a Solution."""

from __future__ import annotations

import time

import numpy as np

from sciml.core import Solution, Status

from ._checks import LinearSystem

__all__ = ["finish", "nonfinite", "zero_rhs", "TrueResidualCheck"]


def _stats(system: LinearSystem, iterations, residual, history, t0, extra) -> dict:
    stats = {
        "iterations": int(iterations),
        "matvecs": system.op.matvecs,
        "precond": 0 if system.prec is None else system.prec.matvecs,
        "residual": float(residual),
        "residual_history": [float(h) for h in history],
        "seconds": time.perf_counter() - t0,
    }
    stats.update(extra or {})
    return stats


def finish(
    system: LinearSystem,
    x: np.ndarray,
    status: Status,
    *,
    iterations: int,
    history: list,
    t0: float,
    rnorm: float | None = None,
    state=None,
    extra: dict | None = None,
) -> Solution:
    """Build the Solution of a finite exit, with the TRUE relative residual.

    ``rnorm`` is ``||b - A x||`` when the caller has just computed it at this ``x``;
    otherwise one (counted) matvec computes it here. A run stopped at ``max_iter`` whose
    true residual nevertheless meets the tolerance is reported as a success.
    """
    if rnorm is None:
        rnorm = float(np.linalg.norm(system.residual(x)))
    if not np.isfinite(rnorm):
        return nonfinite(system, iterations=iterations, history=history, t0=t0, state=state)
    if status is Status.MAX_ITERATIONS and rnorm <= system.tol:
        status = Status.SUCCESS
    relres = rnorm / system.bnorm
    stats = _stats(system, iterations, relres, history, t0, extra)
    return Solution(value=x.reshape(system.out_shape), status=status, stats=stats, state=state)


def nonfinite(system: LinearSystem, *, iterations=0, history=(), t0, state=None, extra=None):
    """NaN/Inf in the data or the iteration: the value is all NaN, never a usable guess."""
    x = np.full(system.out_shape, np.nan, dtype=system.dtype)
    stats = _stats(system, iterations, float("nan"), history, t0, extra)
    return Solution(value=x, status=Status.NONFINITE, stats=stats, state=state)


def zero_rhs(system: LinearSystem, *, t0, state=None, extra=None) -> Solution:
    """``b = 0``: the solution is ``x = 0`` exactly, found without a product."""
    x = np.zeros(system.out_shape, dtype=system.dtype)
    stats = _stats(system, 0, 0.0, [0.0], t0, extra)
    return Solution(value=x, status=Status.SUCCESS, stats=stats, state=state)


class TrueResidualCheck:
    """Verify a recurrence's claim of convergence against ``b - A x``.

    Recurrence residuals drift from true ones in floating point. When the recurrence says
    converged, :meth:`__call__` computes the true residual (one matvec). If that fails the
    tolerance without having improved by at least ``improvement`` since the previous failed
    check, the attainable accuracy is reached and the run stagnates.
    """

    def __init__(self, system: LinearSystem, improvement: float = 0.5):
        self.system = system
        self.improvement = improvement
        self.last_failed = np.inf

    def __call__(self, x: np.ndarray) -> tuple[np.ndarray, float, Status | None]:
        """Return ``(r, ||r||, verdict)``: SUCCESS, STAGNATION, NONFINITE or None (go on)."""
        r = self.system.residual(x)
        rnorm = float(np.linalg.norm(r))
        if not np.isfinite(rnorm):
            return r, rnorm, Status.NONFINITE
        if rnorm <= self.system.tol:
            return r, rnorm, Status.SUCCESS
        if rnorm > self.improvement * self.last_failed:
            return r, rnorm, Status.STAGNATION
        self.last_failed = rnorm
        return r, rnorm, None
