"""The restart loop shared by GMRES(m) and GCRO-DR(m, k).

Each pass runs one cycle (:mod:`._cycle`) of at most ``m - k`` Arnoldi steps, updates ``x``
and the residual, and, for GCRO-DR, replaces the recycled pair by harmonic Ritz deflation
(:mod:`._deflation`). When the least-squares residual meets the tolerance, the true residual
``b - A x`` decides (one matvec); if it fails, the next cycle starts from it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sciml.core import Status

from ._checks import LinearSystem
from ._cycle import run_cycle
from ._deflation import harmonic_ritz_space
from ._report import TrueResidualCheck

__all__ = ["Outcome", "restarted"]


@dataclass
class Outcome:
    """Where the restart loop stopped."""

    x: np.ndarray
    status: Status
    iterations: int
    cycles: int
    rnorm: float | None  # true ||b - A x|| if known at x, else None
    U: np.ndarray | None  # recycled rows (k, n) at exit
    C: np.ndarray | None


def restarted(
    system: LinearSystem,
    x: np.ndarray,
    r: np.ndarray,
    history: list,
    *,
    m: int,
    k: int = 0,
    U: np.ndarray | None = None,
    C: np.ndarray | None = None,
) -> Outcome:
    """Iterate from ``x`` with TRUE residual ``r`` until converged or out of iterations.

    ``k = 0``: GMRES(m). ``k >= 1``: GCRO-DR(m, k), starting from the recycled rows ``U``,
    ``C`` (or building them from a first GMRES-DR style cycle when None).
    """
    check = TrueResidualCheck(system)
    real = system.dtype.kind == "f"
    iterations = cycles = 0
    rnorm: float | None = float(np.linalg.norm(r))
    if rnorm <= system.tol:
        return Outcome(x, Status.SUCCESS, 0, 0, rnorm, U, C)
    status = Status.MAX_ITERATIONS
    while iterations < system.max_iter:
        k_now = 0 if U is None else U.shape[0]
        steps = min(m - k_now, system.max_iter - iterations)
        cycle = run_cycle(system, r, U, C, steps, history)
        iterations += cycle.steps
        cycles += 1
        if cycle.nonfinite:
            return Outcome(x, Status.NONFINITE, iterations, cycles, np.nan, U, C)
        x = x + cycle.dx
        r = cycle.r
        rnorm = None
        if k and cycle.steps:
            U_new, C_new = harmonic_ritz_space(cycle, U, k, real)
            if U_new is not None:
                U, C = U_new, C_new
        if cycle.steps == 0 and cycle.rnorm > system.tol:
            cycle.breakdown = True  # no direction to add: another cycle would repeat this one
        if cycle.rnorm <= system.tol or cycle.breakdown:
            r, rnorm, verdict = check(x)
            if verdict is not None:
                status = verdict
                break
            if cycle.breakdown:
                status = Status.BREAKDOWN
                break
    return Outcome(x, status, iterations, cycles, rnorm, U, C)
