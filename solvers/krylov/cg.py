"""Preconditioned conjugate gradients for Hermitian positive definite systems."""

from __future__ import annotations

import math
import time

import numpy as np

from sciml.core import Solution, Status

from ._checks import setup_system
from ._report import TrueResidualCheck, finish, nonfinite, zero_rhs

__all__ = ["cg", "cg_error_bound", "ITERATIONS_ORDER_IN_H"]

#: Declared growth of CG iterations with the mesh size on second-order elliptic problems:
#: ``kappa(A) ~ h^-2`` and iterations ``~ sqrt(kappa)``, so iterations ``~ h^-1``.
ITERATIONS_ORDER_IN_H = -1.0


def cg_error_bound(kappa: float, iterations: int) -> float:
    """The classical bound on ``||e_k||_A / ||e_0||_A`` after ``k`` CG iterations.

    .. math:: 2 \\left(\\frac{\\sqrt{\\kappa} - 1}{\\sqrt{\\kappa} + 1}\\right)^k

    Examples
    --------
    >>> round(cg_error_bound(100.0, 10), 4)
    0.2689
    """
    s = math.sqrt(kappa)
    return 2.0 * ((s - 1.0) / (s + 1.0)) ** iterations


def cg(A, b, *, x0=None, M=None, rtol=1e-8, atol=0.0, max_iter=None) -> Solution:
    """Solve ``A x = b`` for Hermitian positive definite ``A`` by preconditioned CG.

    Parameters
    ----------
    A : scipy.sparse matrix, ndarray or LinearOperator of shape (n, n)
        Hermitian positive definite.
    b : array_like of shape (n,) or (n, 1)
    x0 : array_like of shape (n,), optional
        Initial guess (default zero; a given ``x0`` costs one matvec for ``b - A x0``).
    M : matrix or LinearOperator of shape (n, n), optional
        Hermitian positive definite approximation of ``A^{-1}`` (applied as ``z = M r``).
    rtol, atol : float
        Stop when ``||b - A x||_2 <= max(rtol ||b||_2, atol)``.
    max_iter : int, optional
        Maximum number of CG iterations (default ``10 n``).

    Returns
    -------
    Solution
        ``value`` has the shape of ``b``. ``stats``: ``iterations``, ``matvecs`` (every
        product with ``A``, including the initial residual and true-residual checks),
        ``precond``, ``residual`` (true ``||b - A x|| / ||b||`` at exit),
        ``residual_history`` (recurrence residuals relative to ``||b||``, one per
        iteration after the initial one), ``seconds``, ``indefinite`` (a curvature
        ``p^H A p <= 0`` was met: ``A`` or ``M`` is not positive definite).

    Notes
    -----
    The residual is the unpreconditioned one; ``M`` changes the iteration, not the stopping
    test. When the recurrence residual meets the tolerance the true residual is computed
    (one matvec); if it fails, CG restarts from it, and stops with ``STAGNATION`` when a
    restart no longer halves it. ``p^H A p = 0`` or ``r^H M r = 0`` before convergence gives
    ``BREAKDOWN``; NaN/Inf in ``b``, ``x0`` or a product gives ``NONFINITE`` with an all-NaN
    value (nothing is raised for these).

    Convergence: ``||e_k||_A <= 2 ((sqrt(kappa) - 1) / (sqrt(kappa) + 1))^k ||e_0||_A``
    (:func:`cg_error_bound`), so iterations grow like ``sqrt(kappa)``; for a second-order
    elliptic operator on a mesh of size ``h``, like ``h^-1`` (:data:`ITERATIONS_ORDER_IN_H`).

    Examples
    --------
    >>> import numpy as np
    >>> sol = cg(np.array([[4.0, 1.0], [1.0, 3.0]]), np.array([1.0, 2.0]))
    >>> sol.status.name, np.round(sol.value, 6).tolist(), sol.stats["iterations"]
    ('SUCCESS', [0.090909, 0.636364], 2)
    """
    t0 = time.perf_counter()
    system = setup_system(A, b, x0=x0, M=M, rtol=rtol, atol=atol, max_iter=max_iter)
    if not system.finite:
        return nonfinite(system, t0=t0)
    if system.bnorm == 0.0:
        return zero_rhs(system, t0=t0)
    x, r, rnorm = system.start()
    history = [rnorm / system.bnorm]
    if not np.isfinite(rnorm):
        return nonfinite(system, history=history, t0=t0)
    extra = {"indefinite": False}
    if rnorm <= system.tol:
        return finish(
            system,
            x,
            Status.SUCCESS,
            iterations=0,
            history=history,
            t0=t0,
            rnorm=rnorm,
            extra=extra,
        )
    check = TrueResidualCheck(system)
    z = system.apply_m(r)
    rho = np.vdot(r, z).real
    p = z.copy()
    status = Status.MAX_ITERATIONS
    iterations = 0
    while iterations < system.max_iter:
        if rho == 0.0:
            status = Status.BREAKDOWN
            break
        q = system.op.apply(p)
        curvature = np.vdot(p, q).real
        if not np.isfinite(curvature):
            return nonfinite(system, iterations=iterations, history=history, t0=t0, extra=extra)
        if curvature <= 0.0:
            extra["indefinite"] = True
            if curvature == 0.0:
                status = Status.BREAKDOWN
                break
        alpha = rho / curvature
        x += alpha * p
        r -= alpha * q
        iterations += 1
        rnorm = float(np.linalg.norm(r))
        history.append(rnorm / system.bnorm)
        if rnorm <= system.tol:
            r, rnorm, verdict = check(x)
            if verdict is Status.NONFINITE:
                return nonfinite(system, iterations=iterations, history=history, t0=t0, extra=extra)
            if verdict is not None:
                return finish(
                    system,
                    x,
                    verdict,
                    iterations=iterations,
                    history=history,
                    t0=t0,
                    rnorm=rnorm,
                    extra=extra,
                )
            z = system.apply_m(r)  # restart from the true residual
            rho = np.vdot(r, z).real
            p = z.copy()
            continue
        z = system.apply_m(r)
        rho_next = np.vdot(r, z).real
        p *= rho_next / rho
        p += z
        rho = rho_next
    return finish(system, x, status, iterations=iterations, history=history, t0=t0, extra=extra)
