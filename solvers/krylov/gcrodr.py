"""GCRO-DR(m, k): restarted GMRES with deflated restarting and subspace recycling."""

from __future__ import annotations

import time

import numpy as np
import scipy.linalg as sla

from sciml.core import Solution, Status
from sciml.core.errors import ShapeError, explain

from ._checks import LinearSystem, ParameterError, check_int, setup_system
from ._deflation import independent_columns
from ._report import finish, nonfinite, zero_rhs
from ._restarted import restarted
from .subspace import RecycledSubspace, operator_key

__all__ = ["gcrodr"]


def _check_parameters(restart, recycle, state) -> tuple[int, int]:
    restart = check_int(restart, "restart", minimum=2)
    recycle = check_int(recycle, "recycle", minimum=1)
    if recycle >= restart:
        raise ParameterError(
            explain(
                "GCRO-DR needs a recycled space smaller than the cycle",
                expected="1 <= recycle < restart",
                received=f"restart={restart}, recycle={recycle}",
                fix="raise restart or lower recycle (e.g. restart=40, recycle=20)",
            )
        )
    if state is not None and not isinstance(state, RecycledSubspace):
        raise ParameterError(
            explain(
                "state is not a recycled subspace",
                expected="None or the state of a previous gcrodr Solution (RecycledSubspace)",
                received=type(state).__name__,
                fix="pass solution.state from an earlier gcrodr call",
            )
        )
    return restart, recycle


def _rebuild(system: LinearSystem, U: np.ndarray):
    """For a new operator: ``A M U = Q R``, ``C = Q``, ``U <- U R^{-1}`` (``k`` matvecs).

    Returns rows ``(U, C)``, ``(None, None)`` if ``A M U`` has rank 0, or ``None`` when the
    product is not finite.
    """
    AMU = system.op.apply(system.apply_m(np.asarray(U, dtype=system.dtype)))
    if not np.all(np.isfinite(AMU)):
        return None
    Q, R, piv = independent_columns(AMU)
    if Q.shape[1] == 0:
        return None, None
    U_rows = sla.solve_triangular(R, U[:, piv].T, trans="T", check_finite=False)
    return U_rows.astype(system.dtype, copy=False), np.ascontiguousarray(Q.T)


def gcrodr(
    A,
    b,
    *,
    x0=None,
    M=None,
    restart=40,
    recycle=20,
    state: RecycledSubspace | None = None,
    rtol=1e-8,
    atol=0.0,
    max_iter=None,
) -> Solution:
    """Solve ``A x = b`` by GCRO-DR(m, k), recycling a deflation space between calls.

    GCRO-DR (Parks, de Sturler, Mackey, Johnson & Maiti, SISC 28, 2006) keeps ``k``
    vectors ``U`` with ``A M U = C``, ``C^H C = I``, and runs each cycle of ``m - k``
    Arnoldi steps on ``(I - C C^H) A M``, minimising the residual over
    ``range(U) + K_{m-k}``. After every cycle ``U`` becomes the ``k`` harmonic Ritz vectors
    of smallest magnitude, which removes the eigenvalues that make restarted GMRES stagnate.
    The final ``U`` is returned in ``Solution.state`` and seeds the next, similar system.

    Parameters
    ----------
    A : scipy.sparse matrix, ndarray or LinearOperator of shape (n, n)
        Any nonsingular operator, real or complex.
    b : array_like of shape (n,) or (n, 1)
    x0 : array_like of shape (n,), optional
        Initial guess (default zero; a given ``x0`` costs one matvec).
    M : matrix or LinearOperator of shape (n, n), optional
        Approximation of ``A^{-1}``, applied on the right (``x = x0 + M y``), as in
        :func:`gmres`: stopping test and residual are in the unpreconditioned 2-norm. The
        recycled ``U`` lives in the preconditioned variable ``y``; keep ``M`` fixed along a
        sequence (e.g. factored once from the first system) for recycling to pay off.
    restart : int
        Cycle length ``m >= 2`` (capped at ``n``).
    recycle : int
        Recycled dimension ``k``, ``1 <= k < m``. Real problems may keep ``k - 1`` vectors
        when the cut would split a complex-conjugate pair.
    state : RecycledSubspace, optional
        ``solution.state`` of a previous call (never modified). If its fingerprint
        (:func:`operator_key`) matches ``(A, M)`` the stored ``C`` is reused for free;
        otherwise ``C`` is recomputed as the QR factor of ``A M U`` (``k`` matvecs,
        counted). A state with more than ``recycle`` vectors is truncated. ``None``: the
        first cycle is a GMRES(m) cycle that builds the space (GMRES-DR style).
    rtol, atol : float
        Stop when ``||b - A x||_2 <= max(rtol ||b||_2, atol)``.
    max_iter : int, optional
        Maximum total number of Arnoldi steps (default ``10 n``).

    Returns
    -------
    Solution
        ``value`` has the shape of ``b``; ``state`` is a new :class:`RecycledSubspace`
        valid for ``(A, M)`` (the given state, unchanged, if no space could be built or the
        run hit NaN/Inf). ``stats`` as for :func:`gmres` (``iterations``, ``cycles``,
        ``matvecs`` including the ``k`` products of a recomputed ``C``, ``precond``,
        ``residual`` true at exit, ``residual_history``, ``seconds``) plus
        ``recycled_dim`` (``k`` of the returned state) and ``recomputed_c``.

    Notes
    -----
    Per cycle: ``m - k`` products with ``A M`` and ``O(n m^2)`` orthogonalization; the
    deflation adds a ``m x m`` generalized eigenproblem and ``O(n m k)`` updates. The
    residual bound of Parks et al. (Thm. 3.1) degrades with ``||(I - P_C) P_Q||``, the
    distance between the recycled space and the new system's invariant subspace, so
    recycling helps for slowly varying sequences (sweeps, time steps, continuation).
    Convergence checks, ``STAGNATION``, ``BREAKDOWN`` and ``NONFINITE`` are as in
    :func:`gmres`.

    Examples
    --------
    >>> import numpy as np
    >>> import scipy.sparse as sp
    >>> A = sp.diags([-1.0, 2.2, -1.0], [-1, 0, 1], shape=(50, 50)).tocsr()
    >>> first = gcrodr(A, np.ones(50), restart=10, recycle=4)
    >>> again = gcrodr(A, np.arange(50.0), restart=10, recycle=4, state=first.state)
    >>> first.ok, again.ok, first.state.k, again.stats["recomputed_c"]
    (True, True, 4, False)
    """
    t0 = time.perf_counter()
    restart, recycle = _check_parameters(restart, recycle, state)
    extra_dtypes = () if state is None else (state.dtype,)
    system = setup_system(
        A, b, x0=x0, M=M, rtol=rtol, atol=atol, max_iter=max_iter, extra_dtypes=extra_dtypes
    )
    if state is not None and state.n != system.n:
        raise ShapeError(
            explain(
                "the recycled state belongs to a system of another size",
                expected=f"a state with n = {system.n}",
                received=f"n = {state.n}",
                fix="pass state=None for the first system of a new size",
            )
        )
    m = min(restart, system.n)
    k = min(recycle, m - 1)
    extra = {"cycles": 0, "restart": restart, "recycle": recycle, "recycled_dim": 0}
    extra["recomputed_c"] = False
    if not system.finite:
        return nonfinite(system, t0=t0, state=state, extra=extra)
    if system.bnorm == 0.0:
        return zero_rhs(system, t0=t0, state=state, extra=extra)
    x, r, rnorm = system.start()
    history = [rnorm / system.bnorm]
    if not np.isfinite(rnorm):
        return nonfinite(system, history=history, t0=t0, state=state, extra=extra)
    if rnorm <= system.tol:  # already converged: keep the state, spend nothing on C
        return finish(
            system,
            x,
            Status.SUCCESS,
            iterations=0,
            history=history,
            t0=t0,
            rnorm=rnorm,
            state=state,
            extra=extra,
        )
    key = operator_key(A, M)
    U = C = None
    if state is not None and k > 0:
        if state.valid_for(key):
            U, C = state.U[:, :k].T, state.C[:, :k].T
        else:
            rebuilt = _rebuild(system, state.U[:, :k])
            extra["recomputed_c"] = True
            if rebuilt is None:
                return nonfinite(system, history=history, t0=t0, state=state, extra=extra)
            U, C = rebuilt
    out = restarted(system, x, r, history, m=m, k=k, U=U, C=C)
    extra["cycles"] = out.cycles
    if out.status is Status.NONFINITE:
        return nonfinite(
            system, iterations=out.iterations, history=history, t0=t0, state=state, extra=extra
        )
    new_state = state
    if out.U is not None:
        new_state = RecycledSubspace(out.U.T, out.C.T, key=key)
        extra["recycled_dim"] = new_state.k
    return finish(
        system,
        out.x,
        out.status,
        iterations=out.iterations,
        history=history,
        t0=t0,
        rnorm=out.rnorm,
        state=new_state,
        extra=extra,
    )
