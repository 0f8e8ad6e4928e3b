"""Preconditioners (Jacobi, ILU, AMG) and the factor-once direct solver."""

import numpy as np
import pytest
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from sciml.core import ShapeError, Status
from sciml.solvers.krylov import ParameterError, amg, cg, direct, gmres, ilu, jacobi


def test_jacobi_applies_the_inverse_diagonal(rng):
    A = sp.random(30, 30, density=0.2, random_state=1) + sp.diags_array(rng.uniform(1, 5, 30))
    M = jacobi(A)
    x = rng.standard_normal((30, 3))
    assert np.allclose(M @ x[:, 0], x[:, 0] / A.diagonal())
    assert np.allclose(M @ x, x / A.diagonal()[:, None])


def test_jacobi_fixes_bad_row_scaling_but_not_a_constant_diagonal(problems, rng):
    A = problems["laplacian"](24)
    b = rng.standard_normal(A.shape[0])
    # a constant diagonal: Jacobi is a multiple of the identity and CG does not change
    assert cg(A, b, M=jacobi(A)).stats["iterations"] == cg(A, b).stats["iterations"]
    D = sp.diags_array(10.0 ** rng.uniform(-2, 2, A.shape[0]))
    scaled = sp.csr_array(D @ A @ D)
    plain, pre = cg(scaled, b, max_iter=20000), cg(scaled, b, M=jacobi(scaled))
    assert pre.ok and pre.stats["iterations"] < plain.stats["iterations"] / 4


def test_jacobi_refuses_a_zero_diagonal_and_operators():
    with pytest.raises(ParameterError, match="nonzero diagonal"):
        jacobi(np.array([[0.0, 1.0], [1.0, 0.0]]))
    with pytest.raises(ParameterError, match="matrix entries"):
        jacobi(spla.aslinearoperator(np.eye(3)))


def test_ilu_without_dropping_is_an_exact_inverse(problems, rng):
    A = problems["convection_diffusion"](16)
    M = ilu(A, drop_tol=0.0, fill_factor=100)
    x = rng.standard_normal(A.shape[0])
    assert np.allclose(M @ (A @ x), x, atol=1e-10)
    assert gmres(A, A @ x, M=M, rtol=1e-10).stats["iterations"] <= 2


def test_amg_pcg_iterations_stay_flat_under_refinement(problems):
    counts = []
    for nx in (32, 64):
        A = problems["laplacian"](nx)
        sol = cg(A, np.ones(A.shape[0]), M=amg(A))
        assert sol.ok
        counts.append(sol.stats["iterations"])
    plain = cg(A, np.ones(A.shape[0])).stats["iterations"]
    assert max(counts) <= 15 and counts[1] <= counts[0] + 3 and plain > 5 * max(counts)


def test_direct_solves_many_right_hand_sides_with_one_factorization(problems, rng):
    A = problems["helmholtz"](16, 10.0)
    lu = direct(A)
    B = rng.standard_normal((A.shape[0], 5))
    sol = lu.solve(B)
    assert sol.ok and sol.value.shape == (A.shape[0], 5)
    assert np.allclose(sol.value, spla.spsolve(A.tocsc(), B), atol=1e-10)
    true = np.max(np.linalg.norm(B - A @ sol.value, axis=0) / np.linalg.norm(B, axis=0))
    assert sol.stats["residual"] == pytest.approx(true, rel=1e-12)
    assert sol.stats["matvecs"] == 5 and sol.stats["iterations"] == 0
    one = lu.solve(B[:, 0])
    assert one.value.shape == (A.shape[0],) and np.allclose(one.value, sol.value[:, 0])
    # as an exact preconditioner GMRES needs one iteration
    assert gmres(A, B[:, 0], M=lu).stats["iterations"] == 1


def test_direct_reports_nan_and_refuses_bad_input(problems):
    A = problems["laplacian"](4)
    lu = direct(A)
    b = np.ones(16)
    b[0] = np.inf
    assert lu.solve(b).status is Status.NONFINITE
    with pytest.raises(ShapeError, match="right-hand side"):
        lu.solve(np.ones(5))
    with pytest.raises(ParameterError, match="LU factorization failed"):
        direct(sp.csr_array(np.diag([1.0, 0.0])))
