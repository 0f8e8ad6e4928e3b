"""Input checks shared by the Krylov solvers: operators, right-hand sides, tolerances.

Everything a solver needs from its arguments is gathered in one :class:`LinearSystem`:
counting wrappers around ``A`` and ``M``, the right-hand side as a 1-D array of the working
dtype, and the absolute stopping threshold.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import LinearOperator

from sciml.core.errors import ParameterError, ShapeError, explain

from .counting import CountingOperator

__all__ = ["ParameterError", "LinearSystem", "setup_system", "check_operator", "check_int"]


def check_operator(A, name: str = "A"):
    """Return ``A`` as an ndarray, sparse matrix or LinearOperator, checked to be square."""
    if isinstance(A, np.matrix):
        A = np.asarray(A)
    if not (isinstance(A, (np.ndarray, LinearOperator)) or sp.issparse(A)):
        raise ParameterError(
            explain(
                f"{name} is not a supported linear operator",
                expected="a scipy.sparse matrix, a 2-D numpy array or a scipy LinearOperator",
                received=type(A).__name__,
                fix=f"convert {name} with scipy.sparse.csr_array or wrap it in a LinearOperator",
            )
        )
    shape = tuple(A.shape)
    if len(shape) != 2 or shape[0] != shape[1] or shape[0] < 1:
        raise ShapeError(
            explain(
                f"{name} must be a square operator",
                expected="shape (n, n) with n >= 1",
                received=f"shape {shape}",
                fix=f"pass a square {name}; least-squares problems need another solver",
            )
        )
    return A


def check_int(value, name: str, *, minimum: int) -> int:
    """An integer parameter ``>= minimum``."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ParameterError(
            explain(
                f"{name} must be an integer >= {minimum}",
                expected=f"an int >= {minimum}",
                received=repr(value),
                fix=f"pass a valid {name}",
            )
        )
    return int(value)


def _check_tolerance(value, name: str) -> float:
    value = float(value)
    if not np.isfinite(value) or value < 0:
        raise ParameterError(
            explain(
                f"{name} must be a finite, non-negative tolerance",
                expected=f"{name} >= 0",
                received=repr(value),
                fix=f"pass e.g. {name}=1e-8 (rtol) or 0.0 (atol)",
            )
        )
    return value


def _check_vector(v, n: int, name: str) -> np.ndarray:
    v = np.asarray(v)
    if v.shape not in ((n,), (n, 1)):
        raise ShapeError(
            explain(
                f"{name} does not match the operator",
                expected=f"shape ({n},) or ({n}, 1)",
                received=f"shape {v.shape}",
                fix=f"pass one entry of {name} per row of A",
            )
        )
    if not (np.issubdtype(v.dtype, np.number) or v.dtype == np.bool_):
        raise ParameterError(
            explain(
                f"{name} must be numeric",
                expected="a float or complex array",
                received=f"dtype {v.dtype}",
                fix=f"convert {name} with numpy.asarray(..., dtype=float)",
            )
        )
    return v


@dataclass
class LinearSystem:
    """A checked ``A x = b`` (with optional preconditioner) ready for an iteration.

    Attributes
    ----------
    op : CountingOperator
        ``A``, counting its products.
    prec : CountingOperator or None
        ``M`` (an approximation of ``A^{-1}``), counting its applications.
    b : ndarray of shape (n,)
        Right-hand side in the working dtype.
    x0 : ndarray of shape (n,) or None
        Initial guess in the working dtype (``None``: zero).
    out_shape : tuple
        Shape of the user's ``b``; the solution is returned in it.
    bnorm : float
        ``||b||_2``.
    tol : float
        Absolute threshold ``max(rtol ||b||, atol)`` on ``||b - A x||_2``.
    max_iter : int
    finite : bool
        Whether ``b`` and ``x0`` are free of NaN/Inf.
    """

    op: CountingOperator
    prec: CountingOperator | None
    b: np.ndarray
    x0: np.ndarray | None
    out_shape: tuple
    bnorm: float
    tol: float
    max_iter: int
    finite: bool

    @property
    def n(self) -> int:
        return self.b.shape[0]

    @property
    def dtype(self) -> np.dtype:
        return self.b.dtype

    def apply_m(self, v: np.ndarray) -> np.ndarray:
        """``M v`` (identity when there is no preconditioner)."""
        return v if self.prec is None else self.prec.apply(v)

    def residual(self, x: np.ndarray) -> np.ndarray:
        """The true residual ``b - A x`` (one counted matvec)."""
        return self.b - self.op.apply(x)

    def start(self) -> tuple[np.ndarray, np.ndarray, float]:
        """Initial iterate, its true residual and the residual norm (a matvec only when an
        ``x0`` was given)."""
        if self.x0 is None:
            x, r = np.zeros(self.n, dtype=self.dtype), self.b.copy()
        else:
            x = self.x0.copy()
            r = self.residual(x)
        return x, r, float(np.linalg.norm(r))


def setup_system(
    A, b, *, x0=None, M=None, rtol=1e-8, atol=0.0, max_iter=None, extra_dtypes=()
) -> LinearSystem:
    """Check a solver's common arguments and wrap them in a :class:`LinearSystem`.

    ``max_iter=None`` becomes ``10 n``. The working dtype is the common type of ``A``, ``b``,
    ``x0``, ``M`` and ``extra_dtypes``, at least float64.
    """
    A = check_operator(A)
    n = A.shape[0]
    b = _check_vector(b, n, "b")
    out_shape = b.shape
    dtypes = [np.float64, b.dtype, *extra_dtypes]
    if A.dtype is not None:
        dtypes.append(A.dtype)
    if x0 is not None:
        x0 = _check_vector(x0, n, "x0")
        dtypes.append(x0.dtype)
    if M is not None:
        M = check_operator(M, "M")
        if M.shape != A.shape:
            raise ShapeError(
                explain(
                    "the preconditioner M does not match A",
                    expected=f"shape {A.shape}",
                    received=f"shape {M.shape}",
                    fix="build M from the same matrix as A",
                )
            )
        if M.dtype is not None:
            dtypes.append(M.dtype)
    rtol = _check_tolerance(rtol, "rtol")
    atol = _check_tolerance(atol, "atol")
    max_iter = 10 * n if max_iter is None else check_int(max_iter, "max_iter", minimum=0)
    dtype = np.result_type(*dtypes)
    if dtype.kind not in "fc":
        dtype = np.dtype(np.float64)
    b = np.array(b, dtype=dtype).reshape(n)
    if x0 is not None:
        x0 = np.array(x0, dtype=dtype).reshape(n)
    finite = bool(np.isfinite(b).all()) and (x0 is None or bool(np.isfinite(x0).all()))
    bnorm = float(np.linalg.norm(b)) if finite else float("nan")
    return LinearSystem(
        op=CountingOperator(A, dtype=dtype),
        prec=None if M is None else CountingOperator(M, dtype=dtype),
        b=b,
        x0=x0,
        out_shape=out_shape,
        bnorm=bnorm,
        tol=max(rtol * bnorm, atol) if finite else float("nan"),
        max_iter=max_iter,
        finite=finite,
    )
