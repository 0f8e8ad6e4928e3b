"""Restarted GMRES(m) with right preconditioning."""

from __future__ import annotations

import time

import numpy as np

from sciml.core import Solution, Status

from ._checks import check_int, setup_system
from ._report import finish, nonfinite, zero_rhs
from ._restarted import restarted

__all__ = ["gmres"]


def gmres(A, b, *, x0=None, M=None, restart=40, rtol=1e-8, atol=0.0, max_iter=None) -> Solution:
    """Solve ``A x = b`` by restarted GMRES(m), right-preconditioned.

    Each cycle builds an Arnoldi basis ``V_{j+1}`` of ``K_j(A M, r)`` (classical Gram-Schmidt
    twice), ``A M V_j = V_{j+1} H_j``, and minimises ``||beta e_1 - H_j y||`` by Givens
    rotations; ``x <- x + M V_j y`` at the end of the cycle (``j <= m``).

    Parameters
    ----------
    A : scipy.sparse matrix, ndarray or LinearOperator of shape (n, n)
        Any nonsingular operator, real or complex.
    b : array_like of shape (n,) or (n, 1)
    x0 : array_like of shape (n,), optional
        Initial guess (default zero; a given ``x0`` costs one matvec).
    M : matrix or LinearOperator of shape (n, n), optional
        Approximation of ``A^{-1}``, applied on the right: GMRES runs on ``A M`` with
        ``x = x0 + M y``. The minimised residual is then ``b - A x`` itself, so the stopping
        test and the reported residual are in the unpreconditioned 2-norm.
    restart : int
        Cycle length ``m >= 1`` (capped at ``n``).
    rtol, atol : float
        Stop when ``||b - A x||_2 <= max(rtol ||b||_2, atol)``.
    max_iter : int, optional
        Maximum total number of Arnoldi steps over all cycles (default ``10 n``), i.e. of
        products with ``A`` inside the iteration.

    Returns
    -------
    Solution
        ``value`` has the shape of ``b``; ``state`` is None. ``stats``: ``iterations``,
        ``cycles``, ``matvecs`` (every product with ``A``: iteration, initial residual and
        true-residual checks), ``precond``, ``residual`` (true ``||b - A x|| / ||b||`` at
        exit), ``residual_history`` (Givens least-squares residuals relative to ``||b||``,
        one per Arnoldi step after the initial one), ``seconds``.

    Notes
    -----
    Between cycles the residual is updated as ``V_{j+1}(beta e_1 - H_j y)`` (no matvec).
    When the least-squares residual meets the tolerance, the true residual is computed
    (one matvec); if it fails, the next cycle starts from it, and a check that does not at
    least halve the previous failed one ends the run with ``STAGNATION``. A lucky breakdown
    (invariant Krylov space) that has not converged gives ``BREAKDOWN``; NaN/Inf in ``b``,
    ``x0`` or a product gives ``NONFINITE`` with an all-NaN value.

    Convergence: full GMRES (``m >= n``) is exact after at most ``n`` steps; for a
    diagonalizable ``A M = X Lambda X^{-1}``,
    ``||r_j|| <= kappa(X) min_{p_j(0)=1} max_lambda |p_j(lambda)| ||r_0||``. Restarting
    can stagnate, notably on indefinite problems; :func:`gcrodr` deflates the eigenvalues
    responsible.

    Examples
    --------
    >>> import numpy as np
    >>> A = np.array([[3.0, 1.0, 0.0], [-1.0, 3.0, 1.0], [0.0, -1.0, 3.0]])
    >>> sol = gmres(A, np.ones(3), restart=3)
    >>> sol.status.name, bool(np.allclose(A @ sol.value, 1.0)), sol.stats["iterations"]
    ('SUCCESS', True, 3)
    """
    t0 = time.perf_counter()
    restart = check_int(restart, "restart", minimum=1)
    system = setup_system(A, b, x0=x0, M=M, rtol=rtol, atol=atol, max_iter=max_iter)
    extra = {"cycles": 0, "restart": restart}
    if not system.finite:
        return nonfinite(system, t0=t0, extra=extra)
    if system.bnorm == 0.0:
        return zero_rhs(system, t0=t0, extra=extra)
    x, r, rnorm = system.start()
    history = [rnorm / system.bnorm]
    if not np.isfinite(rnorm):
        return nonfinite(system, history=history, t0=t0, extra=extra)
    out = restarted(system, x, r, history, m=min(restart, system.n))
    extra["cycles"] = out.cycles
    if out.status is Status.NONFINITE:
        return nonfinite(system, iterations=out.iterations, history=history, t0=t0, extra=extra)
    return finish(
        system,
        out.x,
        out.status,
        iterations=out.iterations,
        history=history,
        t0=t0,
        rnorm=out.rnorm,
        extra=extra,
    )
