"""Solve a chain of systems with one fixed method, carrying what the method reuses.

:class:`SequenceSolver` is the production half of :mod:`.auto`: :func:`.auto.choose_method`
pilots the methods named in :data:`METHODS` and this class runs the chosen one on every
sample, with a direct fallback so that no sample leaves above the tolerance silently.
"""

from __future__ import annotations

import time

import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import LinearOperator

from sciml.core import Solution, Status
from sciml.core.errors import explain

from ..multigrid import gmg_preconditioner
from ._checks import ParameterError, check_int, check_operator
from .cg import cg
from .gcrodr import gcrodr
from .gmres import gmres
from .preconditioners import DirectSolver, amg, ilu
from .subspace import operator_key

__all__ = ["METHODS", "SequenceSolver", "OverBudget", "check_method"]

#: Every method :class:`SequenceSolver` runs, simplest first (the tie-breaking order of
#: :func:`sciml.solvers.krylov.auto.choose_method`).
METHODS = (
    "factor_once",
    "direct",
    "amg_cg",
    "gmg_cg",
    "cg",
    "gmres_ilu",
    "gcrodr",
    "gcrodr_recycled",
    "gcrodr_recycled_sorted",
)

_DIRECT = ("factor_once", "direct")
_RECYCLED = ("gcrodr_recycled", "gcrodr_recycled_sorted")
_REFINEMENT_STEPS = 2


def check_method(method) -> str:
    """Return ``method`` if it is one of :data:`METHODS`, else raise ParameterError."""
    if not isinstance(method, str) or method not in METHODS:
        raise ParameterError(
            explain(
                "unknown solution method",
                expected="one of " + ", ".join(repr(m) for m in METHODS),
                received=repr(method),
                fix="pick a name from sciml.solvers.krylov.auto.METHODS, or let "
                "choose_method(...) pick one",
            )
        )
    return method


class OverBudget(Exception):
    """Raised out of :meth:`SequenceSolver.solve` when its ``deadline`` has passed."""


class _Deadline(LinearOperator):
    """An operator that raises :class:`OverBudget` once ``perf_counter()`` passes
    ``deadline``, so a pilot can stop a hopeless iteration mid-solve."""

    def __init__(self, op, deadline: float):
        self.op = op
        self.deadline = deadline
        super().__init__(dtype=op.dtype, shape=op.shape)

    def _matvec(self, x):
        if time.perf_counter() > self.deadline:
            raise OverBudget
        return self.op @ np.ravel(x)

    def _matmat(self, X):
        if time.perf_counter() > self.deadline:
            raise OverBudget
        return self.op @ X


def _matrix_key(A):
    """Fingerprint of a matrix's content (identity for LinearOperators)."""
    return operator_key(A)[0]


def _read_only(A) -> bool:
    """True for a sparse matrix whose arrays cannot change in place (e.g. a family's
    shared matrix), so that identity implies equal content."""
    arrays = [getattr(A, name, None) for name in ("data", "indices", "indptr")]
    return sp.issparse(A) and all(a is not None and not a.flags.writeable for a in arrays)


class SequenceSolver:
    """Solve a chain of systems one after another with a fixed method.

    What the method reuses travels from one :meth:`solve` to the next: the LU factors
    (``"factor_once"``, while the matrix stays the same), the preconditioner (every
    preconditioned method, while the matrix stays the same), and for the recycled methods
    the GCRO-DR subspace together with an ILU preconditioner frozen from an earlier system.
    Build one solver per chain (per worker); the object is not thread-safe.

    Parameters
    ----------
    method : str
        One of :data:`METHODS`:

        * ``"factor_once"``: SuperLU factors of the first matrix, reused while the matrix
          is unchanged (refactored otherwise);
        * ``"direct"``: SuperLU per system;
        * ``"amg_cg"``: CG with a smoothed-aggregation AMG V-cycle (symmetric positive
          definite matrices only);
        * ``"gmg_cg"``: CG with one geometric-multigrid V(2,2) cycle
          (:func:`~sciml.solvers.multigrid.gmg_preconditioner`; SPD matrices of the unit-square
          families only: the grid is inferred from the size, ``n = (R - 2)^2 -> R``, and a
          size that is not a square raises ParameterError, i.e. a direct fallback);
        * ``"cg"``: unpreconditioned CG (symmetric positive definite only);
        * ``"gmres_ilu"``: GMRES(``restart``) with ILU built per matrix;
        * ``"gcrodr"``: GCRO-DR(``restart``, ``recycle``) with ILU per matrix, deflated
          restarting only (a fresh subspace per system);
        * ``"gcrodr_recycled"``: GCRO-DR carrying its subspace from system to system, with
          an ILU frozen from the first system and rebuilt when a solve needs more than
          ``refresh`` times the products of the first solve after the last rebuild, or fails;
        * ``"gcrodr_recycled_sorted"``: the same solver; the name records that the caller
          feeds the systems in :func:`~sciml.solvers.krylov.greedy_order`.
    rtol : float
        Required true relative residual ``||b - A x|| / ||b||``.
    max_iter : int, optional
        Iteration cap of the iterative methods (default: the solvers' ``10 n``).
    fallback : bool
        Replace a failed iterative solve by a direct one (default True). With False the
        method's own result is returned, failed or not (what a pilot measures).
    restart, recycle : int
        GMRES/GCRO-DR cycle length and recycled dimension (SKR's 40 and 20).
    refresh : float
        Rebuild factor of the frozen ILU of the recycled methods (see above).
    deadline : float, optional
        A ``time.perf_counter()`` value after which an iterative solve stops by raising
        :class:`OverBudget` (checked at every preconditioner application, or product with
        ``A`` for ``"cg"``). Meant for pilots; the default None never stops.

    Examples
    --------
    >>> import numpy as np, scipy.sparse as sp
    >>> A = sp.diags([-1.0, 2.5, -1.0], [-1, 0, 1], shape=(60, 60)).tocsr()
    >>> solver = SequenceSolver("gcrodr_recycled", restart=10, recycle=4)
    >>> first = solver.solve(A, np.ones(60))
    >>> second = solver.solve(A + 0.01 * sp.identity(60), np.ones(60))
    >>> first.ok, second.ok, second.stats["method"], second.stats["residual"] <= 1e-8
    (True, True, 'gcrodr_recycled', True)
    """

    def __init__(
        self,
        method: str,
        *,
        rtol: float = 1e-8,
        max_iter: int | None = None,
        fallback: bool = True,
        restart: int = 40,
        recycle: int = 20,
        refresh: float = 2.0,
        deadline: float | None = None,
    ):
        self.method = check_method(method)
        self.rtol = float(rtol)
        if not np.isfinite(self.rtol) or self.rtol <= 0:
            raise ParameterError(
                explain(
                    "rtol must be a positive, finite tolerance",
                    expected="rtol > 0",
                    received=repr(rtol),
                    fix="pass e.g. rtol=1e-8",
                )
            )
        self.max_iter = None if max_iter is None else check_int(max_iter, "max_iter", minimum=0)
        self.fallback = bool(fallback)
        self.restart = check_int(restart, "restart", minimum=2)
        self.recycle = check_int(recycle, "recycle", minimum=1)
        self.refresh = float(refresh)
        self.deadline = deadline
        self.reset()

    def reset(self) -> None:
        """Forget everything carried (factors, preconditioner, recycled subspace)."""
        self._A = None  # the matrix the carried factors/preconditioner were built from
        self._key = None
        self._factor = None
        self._prec = None
        self._state = None
        self._baseline = None  # products of the first recycled solve after an ILU rebuild
        self._stale = True  # the frozen ILU must be rebuilt before the next recycled solve

    # ------------------------------------------------------------------ helpers
    def _same_matrix(self, A) -> bool:
        """Whether ``A`` equals the matrix the carried objects were built for."""
        if self._A is None:
            return False
        if A is self._A and _read_only(A):
            return True
        return self._key is not None and _matrix_key(A) == self._key

    def _remember(self, A) -> None:
        self._A = A
        self._key = None if _read_only(A) else _matrix_key(A)

    def _direct(self, A, b, factor=None) -> tuple[Solution, DirectSolver]:
        """SuperLU solve with up to two steps of iterative refinement."""
        factor = DirectSolver(A) if factor is None else factor
        sol = factor.solve(b)
        x, steps, matvecs = sol.value, 0, sol.stats["matvecs"]
        residual = sol.stats["residual"]
        while sol.ok and residual > self.rtol and steps < _REFINEMENT_STEPS:
            x = x + factor.solve(b - factor.A @ x).value
            steps += 1
            matvecs += 2
            residual = _relative_residual(factor.A, x, b)
        status = sol.status
        if status is Status.SUCCESS and not residual <= self.rtol:
            status = Status.STAGNATION
        stats = {"iterations": steps, "matvecs": matvecs, "residual": residual}
        return Solution(x, status, stats), factor

    def _timed(self, op):
        return op if self.deadline is None else _Deadline(op, self.deadline)

    def _preconditioner(self, A, build):
        """The preconditioner of ``A``: reused while the matrix is unchanged."""
        if self._prec is None or not self._same_matrix(A):
            self._prec = self._timed(build(A))
            self._remember(A)
            return self._prec, False
        return self._prec, True

    # ------------------------------------------------------------------ methods
    def _run(self, A, b) -> tuple[Solution, bool]:
        """The method's own solve; returns it and whether something carried was reused."""
        opts = {"rtol": self.rtol, "max_iter": self.max_iter}
        gmres_opts = {**opts, "restart": self.restart}
        dr_opts = {**gmres_opts, "recycle": self.recycle}
        method = self.method
        if method == "direct":
            return self._direct(A, b)[0], False
        if method == "factor_once":
            reused = self._factor is not None and self._same_matrix(A)
            if not reused:
                self._factor = None
                self._factor = DirectSolver(A)
                self._remember(A)
            return self._direct(A, b, self._factor)[0], reused
        if method == "cg":
            return cg(self._timed(A), b, **opts), False
        if method == "amg_cg":
            M, reused = self._preconditioner(A, amg)
            return cg(A, b, M=M, **opts), reused
        if method == "gmg_cg":
            M, reused = self._preconditioner(A, gmg_preconditioner)
            return cg(A, b, M=M, **opts), reused
        if method == "gmres_ilu":
            M, reused = self._preconditioner(A, ilu)
            return gmres(A, b, M=M, **gmres_opts), reused
        if method == "gcrodr":
            M, reused = self._preconditioner(A, ilu)
            return gcrodr(A, b, M=M, **dr_opts), reused
        return self._run_recycled(A, b, dr_opts)

    def _run_recycled(self, A, b, opts) -> tuple[Solution, bool]:
        rebuilt = self._stale or self._prec is None or self._prec.shape != A.shape
        if rebuilt:
            self._prec = self._timed(ilu(A))
            self._baseline = None
            self._stale = False
        if self._state is not None and self._state.n != A.shape[0]:
            self._state = None
        reused = self._state is not None or not rebuilt
        sol = gcrodr(A, b, M=self._prec, state=self._state, **opts)
        self._state = sol.state
        matvecs = sol.stats["matvecs"]
        if self._baseline is None:
            self._baseline = matvecs
        if not sol.ok or matvecs > self.refresh * max(self._baseline, 1):
            self._stale = True
        return sol, reused

    # ------------------------------------------------------------------ public
    def solve(self, A, b) -> Solution:
        """Solve ``A x = b`` with the solver's method.

        Parameters
        ----------
        A : scipy.sparse matrix or ndarray of shape (n, n)
        b : array_like of shape (n,)

        Returns
        -------
        Solution
            ``value``: ndarray of shape ``(n,)``. ``status``: SUCCESS when the true
            relative residual is at most ``rtol``. ``stats``: ``method``, ``iterations``,
            ``matvecs`` (products with ``A``, including true-residual checks and a
            fallback's), ``residual`` (true ``||b - A x|| / ||b||`` of the returned value),
            ``seconds`` (everything: setup, solve, fallback), ``fallback`` (True when the
            method failed the tolerance and SuperLU replaced its result), ``method_status``
            (the method's own status name), ``method_residual`` and ``reused`` (whether
            factors, a preconditioner or a recycled subspace carried over).
        """
        t0 = time.perf_counter()
        A = check_operator(A)
        b = np.asarray(b)
        try:
            sol, reused = self._run(A, b)
        except ParameterError:
            if not self.fallback or self.method in _DIRECT:
                raise
            sol, reused = Solution(None, Status.BREAKDOWN, {"residual": float("nan")}), False
            self._stale = True
        own = {
            "method_status": sol.status.name,
            "method_residual": float(sol.stats.get("residual", float("nan"))),
        }
        iterations = int(sol.stats.get("iterations", 0))
        matvecs = int(sol.stats.get("matvecs", 0))
        used_fallback = False
        failed = not (sol.ok and sol.stats["residual"] <= self.rtol)
        if failed and self.fallback and self.method not in _DIRECT:
            sol = self._direct(A, b)[0]
            matvecs += sol.stats["matvecs"]
            used_fallback = True
        stats = {
            "method": self.method,
            "iterations": iterations,
            "matvecs": matvecs,
            "residual": float(sol.stats["residual"]),
            "seconds": time.perf_counter() - t0,
            "fallback": used_fallback,
            "reused": reused,
            **own,
        }
        value = None if sol.value is None else np.asarray(sol.value).reshape(b.shape[0])
        return Solution(value, sol.status, stats)


def _relative_residual(A, x, b) -> float:
    bnorm = float(np.linalg.norm(b))
    rnorm = float(np.linalg.norm(b - A @ x))
    return rnorm / bnorm if bnorm > 0 else rnorm
