"""The counting operator and the operator fingerprint."""

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from sciml.solvers.krylov import CountingOperator, operator_key


def test_counts_vectors_blocks_and_adjoints(rng):
    dense = rng.standard_normal((5, 5))
    for A in (dense, sp.csr_array(dense), spla.aslinearoperator(dense)):
        op = CountingOperator(A)
        x = rng.standard_normal(5)
        X = rng.standard_normal((5, 3))
        assert np.allclose(op.apply(x), dense @ x)
        assert np.allclose(op @ X, dense @ X)
        assert np.allclose(op.matvec(x), dense @ x)
        assert op.matvecs == 1 + 3 + 1
        assert np.allclose(op.H @ x, dense.T @ x) and op.rmatvecs == 1
        op.reset()
        assert op.matvecs == op.rmatvecs == 0


def test_operator_key_sees_content_for_matrices_and_identity_for_operators():
    A = sp.csr_array(np.diag([1.0, 2.0, 3.0]))
    assert operator_key(A) == operator_key(A.copy())
    B = A.copy()
    B.data[0] = 5.0
    assert operator_key(A) != operator_key(B)
    L = spla.aslinearoperator(A)
    assert operator_key(A, L) == operator_key(A, L)
    assert operator_key(A, L) != operator_key(A, spla.aslinearoperator(A))
    assert operator_key(A, None) != operator_key(A, L)
