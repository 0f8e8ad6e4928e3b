"""Preconditioners as scipy LinearOperators approximating ``A^{-1}``, and a factor-once solver.

Every preconditioner here is applied as ``z = M r`` (``M ~ A^{-1}``), the convention of
:func:`cg`, :func:`gmres` and :func:`gcrodr` (and of scipy). Build once, reuse for many
solves: along a sequence of similar systems a frozen preconditioner is what lets recycled
spaces stay useful.
"""

from __future__ import annotations

import time

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla
from scipy.sparse.linalg import LinearOperator

from sciml.core import Solution, Status
from sciml.core.errors import ShapeError, explain

from ._checks import ParameterError, check_operator

__all__ = ["jacobi", "ilu", "amg", "direct", "DirectSolver"]


def _matrix(A, what: str):
    """``A`` as a sparse CSR/CSC-convertible matrix; LinearOperators are refused."""
    A = check_operator(A)
    if isinstance(A, LinearOperator):
        raise ParameterError(
            explain(
                f"{what} needs the matrix entries",
                expected="a scipy.sparse matrix or a dense array",
                received="a LinearOperator",
                fix="pass the assembled matrix",
            )
        )
    return A if sp.issparse(A) else sp.csr_array(A)


def jacobi(A) -> LinearOperator:
    """Diagonal (Jacobi) preconditioner ``M = diag(A)^{-1}``.

    Parameters
    ----------
    A : scipy.sparse matrix or ndarray of shape (n, n)
        With a nonzero diagonal.

    Returns
    -------
    LinearOperator of shape (n, n)

    Examples
    --------
    >>> import numpy as np
    >>> jacobi(np.array([[2.0, 1.0], [1.0, 4.0]])) @ np.array([1.0, 1.0])
    array([0.5 , 0.25])
    """
    d = np.asarray(_matrix(A, "jacobi").diagonal())
    if np.any(d == 0) or not np.all(np.isfinite(d)):
        raise ParameterError(
            explain(
                "the Jacobi preconditioner needs a finite, nonzero diagonal",
                expected="A[i, i] != 0 for every i",
                received=f"{int(np.sum(d == 0))} zero and "
                f"{int(np.sum(~np.isfinite(d)))} non-finite diagonal entries",
                fix="use ilu(A) or amg(A), or reorder the unknowns",
            )
        )
    inv = 1.0 / d

    def apply(x):
        return inv * x if x.ndim == 1 else inv[:, None] * x

    n = d.shape[0]
    return LinearOperator(
        (n, n), matvec=apply, matmat=apply, rmatvec=lambda x: inv.conj() * x, dtype=inv.dtype
    )


def ilu(A, *, drop_tol: float = 1e-4, fill_factor: float = 10.0) -> LinearOperator:
    """Incomplete LU factorization (SuperLU ``spilu``) as a preconditioner.

    Parameters
    ----------
    A : scipy.sparse matrix or ndarray of shape (n, n)
    drop_tol : float
        Entries below ``drop_tol`` (relative) are dropped; 0 keeps everything (exact LU).
    fill_factor : float
        Bound on the factor's fill relative to ``A``.

    Returns
    -------
    LinearOperator of shape (n, n)
        ``M r = (L U)^{-1} r`` with the column permutation of the factorization.

    Examples
    --------
    >>> import numpy as np
    >>> M = ilu(np.array([[4.0, 1.0], [1.0, 3.0]]), drop_tol=0.0)
    >>> np.round(M @ np.array([5.0, 4.0]), 12).tolist()
    [1.0, 1.0]
    """
    A = _matrix(A, "ilu").tocsc()
    try:
        factor = spla.spilu(A, drop_tol=drop_tol, fill_factor=fill_factor)
    except RuntimeError as err:
        raise ParameterError(
            explain(
                "the incomplete LU factorization failed",
                expected="a matrix whose incomplete factor is nonsingular",
                received=str(err),
                fix="lower drop_tol, raise fill_factor, or use direct(A)",
            )
        ) from err
    return LinearOperator(A.shape, matvec=factor.solve, matmat=factor.solve, dtype=A.dtype)


def amg(A, **options) -> LinearOperator:
    """Smoothed-aggregation algebraic multigrid (pyamg), one V-cycle per application.

    Parameters
    ----------
    A : scipy.sparse matrix or ndarray of shape (n, n)
        Meant for symmetric positive definite (elliptic) matrices.
    **options
        Passed to ``pyamg.smoothed_aggregation_solver``.

    Returns
    -------
    LinearOperator of shape (n, n)
        ``ml.aspreconditioner(cycle="V")``: symmetric, so usable with :func:`cg`.

    Examples
    --------
    >>> import numpy as np, scipy.sparse as sp
    >>> A = sp.diags([-1.0, 2.0, -1.0], [-1, 0, 1], shape=(100, 100)).tocsr()
    >>> amg(A).shape
    (100, 100)
    """
    import pyamg

    A = _matrix(A, "amg").tocsr()
    return pyamg.smoothed_aggregation_solver(A, **options).aspreconditioner(cycle="V")


class DirectSolver(LinearOperator):
    """A sparse LU factorization (SuperLU ``splu``), factored once, solved many times.

    Use :func:`direct` to build it. As a LinearOperator it applies ``A^{-1}`` (an exact
    preconditioner); :meth:`solve` returns a :class:`Solution` with the true residual.
    """

    def __init__(self, A):
        self.A = _matrix(A, "direct").tocsc()
        t0 = time.perf_counter()
        try:
            self.factor = spla.splu(self.A)
        except RuntimeError as err:
            raise ParameterError(
                explain(
                    "the LU factorization failed",
                    expected="a nonsingular matrix",
                    received=str(err),
                    fix="check A for zero rows/columns or a missing boundary condition",
                )
            ) from err
        self.factor_seconds = time.perf_counter() - t0
        super().__init__(dtype=self.A.dtype, shape=self.A.shape)

    def _matvec(self, x):
        return self.factor.solve(np.asarray(x).reshape(-1))

    def _matmat(self, X):
        return self.factor.solve(np.asarray(X))

    def solve(self, b) -> Solution:
        """Solve ``A x = b`` for ``b`` of shape ``(n,)`` or ``(n, r)`` (``r`` right-hand sides).

        Returns
        -------
        Solution
            ``value`` shaped like ``b``; ``stats``: ``iterations`` (0), ``matvecs`` (one per
            right-hand side, for the true residual), ``residual`` (largest true relative
            residual over the columns), ``residual_history`` (``[residual]``), ``seconds``
            (this solve) and ``factor_seconds``. NaN/Inf in ``b`` gives ``NONFINITE``.
        """
        t0 = time.perf_counter()
        b = np.asarray(b)
        n = self.shape[0]
        if b.ndim not in (1, 2) or b.shape[0] != n:
            raise ShapeError(
                explain(
                    "the right-hand side does not match the factored matrix",
                    expected=f"shape ({n},) or ({n}, r)",
                    received=f"shape {b.shape}",
                    fix="pass one row of b per row of A",
                )
            )
        cols = 1 if b.ndim == 1 else b.shape[1]
        stats = {"iterations": 0, "matvecs": 0, "factor_seconds": self.factor_seconds}
        if not np.all(np.isfinite(b)):
            stats.update(residual=float("nan"), residual_history=[], seconds=0.0)
            stats["seconds"] = time.perf_counter() - t0
            return Solution(np.full(b.shape, np.nan), Status.NONFINITE, stats)
        dtype = np.result_type(self.dtype, b.dtype, np.float64)
        x = self.factor.solve(b.astype(dtype, copy=False))
        r = b - self.A @ x
        bnorm = np.linalg.norm(b.reshape(n, -1), axis=0)
        rnorm = np.linalg.norm(r.reshape(n, -1), axis=0)
        rel = np.where(bnorm > 0, rnorm / np.where(bnorm > 0, bnorm, 1.0), rnorm)
        residual = float(np.max(rel))
        stats.update(matvecs=cols, residual=residual, residual_history=[residual])
        status = Status.SUCCESS if np.isfinite(residual) else Status.NONFINITE
        stats["seconds"] = time.perf_counter() - t0
        return Solution(x, status, stats)


def direct(A) -> DirectSolver:
    """Factor ``A`` once (sparse LU) for many right-hand sides.

    Parameters
    ----------
    A : scipy.sparse matrix or ndarray of shape (n, n)
        Nonsingular.

    Returns
    -------
    DirectSolver
        ``.solve(b)`` returns a :class:`Solution`; ``solver @ b`` applies ``A^{-1}``.

    Examples
    --------
    >>> import numpy as np
    >>> lu = direct(np.array([[4.0, 1.0], [1.0, 3.0]]))
    >>> sol = lu.solve(np.array([[5.0, 1.0], [4.0, 3.0]]))
    >>> sol.status.name, np.round(sol.value, 12).tolist()
    ('SUCCESS', [[1.0, 0.0], [1.0, 1.0]])
    """
    return DirectSolver(A)
