"""The recycled subspace GCRO-DR hands from one solve to the next.

A :class:`RecycledSubspace` holds ``U`` (``n x k``) and ``C = A M U`` with orthonormal
columns, plus a fingerprint of the ``(A, M)`` pair for which ``C`` was computed. The next
solve reuses ``C`` when its operator has the same fingerprint and otherwise recomputes it
as the QR factor of ``A_new M_new U`` (``k`` matvecs), as GCRO-DR prescribes for a new
system. The object is frozen and its arrays are read-only: solvers return a new one.
"""

from __future__ import annotations

import hashlib
import weakref
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from sciml.core.errors import ShapeError, explain

__all__ = ["RecycledSubspace", "operator_key"]


class _Identity:
    """Equal only to a token for the very same live object (no id reuse after deletion)."""

    __slots__ = ("ref",)

    def __init__(self, obj):
        self.ref = weakref.ref(obj)

    def __eq__(self, other):
        target = self.ref()
        return isinstance(other, _Identity) and target is not None and target is other.ref()

    def __hash__(self):
        return 0


def _digest(*arrays: np.ndarray) -> str:
    h = hashlib.blake2b(digest_size=16)
    for a in arrays:
        h.update(np.ascontiguousarray(a).view(np.uint8).reshape(-1))
    return h.hexdigest()


def _fingerprint(obj):
    if obj is None:
        return None
    if isinstance(obj, np.ndarray):
        return ("dense", obj.shape, obj.dtype.str, _digest(obj))
    if sp.issparse(obj):
        csr = obj.tocsr()
        return ("sparse", csr.shape, csr.dtype.str, _digest(csr.data, csr.indices, csr.indptr))
    try:
        return _Identity(obj)
    except TypeError:
        return object()  # cannot be referenced weakly: never equal, C is always recomputed


def operator_key(A, M=None) -> tuple:
    """A fingerprint of the operator ``A M`` that ``C = A M U`` depends on.

    Matrices (dense or sparse) are fingerprinted by content (a hash of their entries, one
    pass over memory per call), so changing entries in place is detected. Other operators
    (LinearOperators, preconditioners) are compared by identity: build a new object when
    the matrix behind it changes.

    Examples
    --------
    >>> import numpy as np
    >>> A = np.eye(3)
    >>> operator_key(A) == operator_key(A.copy()), operator_key(A) == operator_key(2 * A)
    (True, False)
    """
    return (_fingerprint(A), _fingerprint(M))


def _frozen(a, name: str, n: int | None) -> np.ndarray:
    a = np.array(a, order="F")
    if a.ndim != 2 or (n is not None and a.shape[0] != n) or a.dtype.kind not in "fc":
        raise ShapeError(
            explain(
                f"recycled {name} must be a 2-D float or complex array",
                expected=f"shape (n, k){'' if n is None else f' with n = {n}'}",
                received=f"shape {a.shape}, dtype {a.dtype}",
                fix="pass the vectors as columns",
            )
        )
    a.setflags(write=False)
    return a


@dataclass(frozen=True, eq=False)
class RecycledSubspace:
    """A recycled space for GCRO-DR: ``U`` of shape ``(n, k)`` and ``C = A M U``.

    Parameters
    ----------
    U : array_like of shape (n, k)
        Directions in the (right-preconditioned) search space. Seeding with your own ``U``
        (e.g. known near-null vectors) and ``C=None`` is allowed: the next solve computes
        ``C`` by QR of ``A M U``.
    C : array_like of shape (n, k), optional
        ``A M U``, with orthonormal columns, valid for the operator fingerprinted by ``key``.
    key : object, optional
        :func:`operator_key` of ``(A, M)`` for which ``C`` holds. ``None``: unknown.

    Examples
    --------
    >>> import numpy as np
    >>> s = RecycledSubspace(np.eye(4)[:, :2])
    >>> s.n, s.k, s.C is None, s.U.flags.writeable
    (4, 2, True, False)
    """

    U: np.ndarray
    C: np.ndarray | None = None
    key: object = field(default=None, repr=False)

    def __post_init__(self):
        U = _frozen(self.U, "U", None)
        object.__setattr__(self, "U", U)
        if self.C is not None:
            C = _frozen(self.C, "C", U.shape[0])
            if C.shape != U.shape:
                raise ShapeError(
                    explain(
                        "recycled U and C must have the same shape",
                        expected=f"C of shape {U.shape}",
                        received=f"shape {C.shape}",
                        fix="pass C = A M U as computed by gcrodr, or C=None",
                    )
                )
            object.__setattr__(self, "C", C)

    @property
    def n(self) -> int:
        return self.U.shape[0]

    @property
    def k(self) -> int:
        return self.U.shape[1]

    @property
    def dtype(self) -> np.dtype:
        return self.U.dtype if self.C is None else np.result_type(self.U, self.C)

    def valid_for(self, key) -> bool:
        """Whether ``C = A M U`` is known to hold for the operator with this fingerprint."""
        return self.C is not None and self.key is not None and self.key == key
