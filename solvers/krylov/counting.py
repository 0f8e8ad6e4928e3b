"""A linear operator that counts its products, so solvers can report exact matvec counts."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import LinearOperator

__all__ = ["CountingOperator"]


class CountingOperator(LinearOperator):
    """Wrap a matrix or operator and count every product with it.

    A product with an ``(n, r)`` block counts as ``r`` matvecs, so the count is the number
    of operator applications to vectors, whatever the batching.

    Parameters
    ----------
    A : scipy.sparse matrix/array, numpy.ndarray of shape (n_rows, n_cols), or LinearOperator
        The operator to wrap. It is used, never copied or modified.
    dtype : numpy dtype, optional
        The dtype the wrapper reports. Default: ``A.dtype``. Passing it avoids scipy's
        dtype probe (a hidden product) for operators that do not declare one.

    Attributes
    ----------
    matvecs : int
        Products ``A @ v`` so far (columns of blocks counted one by one).
    rmatvecs : int
        Adjoint products ``A^H @ v`` so far.

    Examples
    --------
    >>> import numpy as np
    >>> op = CountingOperator(np.eye(3))
    >>> op.apply(np.ones(3)).tolist(), op.matvecs
    ([1.0, 1.0, 1.0], 1)
    >>> _ = op @ np.ones((3, 2))
    >>> op.matvecs
    3
    """

    def __init__(self, A, dtype=None):
        if isinstance(A, np.matrix):
            A = np.asarray(A)
        self.base = A
        self._direct = isinstance(A, np.ndarray) or sp.issparse(A)
        if dtype is None:
            dtype = A.dtype
        super().__init__(dtype=np.dtype(dtype), shape=tuple(A.shape))
        self.matvecs = 0
        self.rmatvecs = 0

    def apply(self, x: np.ndarray) -> np.ndarray:
        """``A @ x`` for ``x`` of shape ``(n,)`` or ``(n, r)``, counted, without scipy's checks."""
        self.matvecs += 1 if x.ndim == 1 else x.shape[1]
        if self._direct or x.ndim == 1:
            out = self.base @ x
        else:
            out = self.base.matmat(x)
        return np.asarray(out)

    def reset(self) -> None:
        """Set both counters to zero."""
        self.matvecs = 0
        self.rmatvecs = 0

    def _matvec(self, x):
        return self.apply(np.ravel(x))

    def _matmat(self, X):
        return self.apply(np.asarray(X))

    def _rmatvec(self, x):
        self.rmatvecs += 1
        if self._direct:
            return np.asarray(self.base.conj().T @ np.ravel(x))
        return self.base.rmatvec(x)

    def _adjoint(self):
        return _CountingAdjoint(self)


class _CountingAdjoint(LinearOperator):
    """The adjoint of a :class:`CountingOperator`; its products count as ``rmatvecs``."""

    def __init__(self, parent: CountingOperator):
        self.parent = parent
        super().__init__(dtype=parent.dtype, shape=(parent.shape[1], parent.shape[0]))

    def _matvec(self, x):
        return self.parent._rmatvec(x)

    def _adjoint(self):
        return self.parent
