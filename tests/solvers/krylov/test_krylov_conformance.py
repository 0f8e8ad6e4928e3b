"""What every Krylov solver promises: the right answer, an honest residual, exact product
counts, untouched inputs, statuses instead of exceptions for NaN, errors for bad input."""

import numpy as np
import pytest
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from sciml.core import ShapeError, Status
from sciml.solvers.krylov import ParameterError, cg, gcrodr, gmres

SOLVERS = {"cg": cg, "gmres": gmres, "gcrodr": gcrodr}
# CG applies to symmetric operators only (it still converges on this indefinite one).
CASES = [
    ("cg", "spd"),
    ("cg", "indefinite"),
    ("gmres", "spd"),
    ("gmres", "nonsymmetric"),
    ("gmres", "indefinite"),
    ("gcrodr", "spd"),
    ("gcrodr", "nonsymmetric"),
    ("gcrodr", "indefinite"),
]
NX = 16  # n = 256


def build(problems, kind):
    if kind == "spd":
        return problems["laplacian"](NX)
    if kind == "nonsymmetric":
        return problems["convection_diffusion"](NX)
    return problems["helmholtz"](NX, 10.0)  # 6 negative eigenvalues


def true_relres(A, b, x):
    return np.linalg.norm(b - A @ x) / np.linalg.norm(b)


@pytest.mark.parametrize("name,kind", CASES)
def test_solution_matches_direct_solve_within_the_condition_bound(problems, rng, name, kind):
    A = build(problems, kind)
    b = rng.standard_normal(A.shape[0])
    sol = SOLVERS[name](A, b, rtol=1e-10, max_iter=5000)
    assert sol.status is Status.SUCCESS
    exact = spla.spsolve(A.tocsc(), b)
    kappa = np.linalg.cond(A.toarray())
    error = np.linalg.norm(sol.value - exact) / np.linalg.norm(exact)
    # ||e|| / ||x|| <= kappa ||r|| / ||b||, and ||r|| / ||b|| <= rtol
    assert sol.stats["residual"] <= 1e-10
    assert error <= kappa * sol.stats["residual"] * (1 + 1e-6)
    assert error < 1e-7


@pytest.mark.parametrize("name,kind", CASES)
def test_reported_residual_is_the_true_residual(problems, rng, name, kind):
    A = build(problems, kind)
    b = rng.standard_normal(A.shape[0])
    sol = SOLVERS[name](A, b, rtol=1e-9)
    assert sol.stats["residual"] == pytest.approx(true_relres(A, b, sol.value), rel=1e-12)
    history = sol.stats["residual_history"]
    assert history[0] == pytest.approx(1.0)
    assert len(history) == sol.stats["iterations"] + 1


@pytest.mark.parametrize("name,kind", CASES)
def test_matvec_count_is_exact(problems, rng, counted, name, kind):
    A = build(problems, kind)
    b = rng.standard_normal(A.shape[0])
    op = counted(A)
    sol = SOLVERS[name](op, b, rtol=1e-9)
    assert sol.ok and sol.stats["matvecs"] == op.calls
    # one product per iteration plus the one true-residual check at convergence
    assert op.calls == sol.stats["iterations"] + 1
    op = counted(A)
    warm = SOLVERS[name](op, b, x0=sol.value, rtol=1e-6)  # b - A x0 costs one product
    assert warm.stats["iterations"] == 0 and warm.stats["matvecs"] == op.calls == 1


@pytest.mark.parametrize("name", SOLVERS)
def test_inputs_are_not_mutated(problems, rng, name):
    A = problems["laplacian"](NX)
    A_copy = A.copy()
    b = rng.standard_normal(A.shape[0])
    x0 = rng.standard_normal(A.shape[0])
    b_copy, x0_copy = b.copy(), x0.copy()
    sol = SOLVERS[name](A, b, x0=x0, rtol=1e-8)
    assert sol.ok
    assert np.array_equal(b, b_copy) and np.array_equal(x0, x0_copy)
    assert (A != A_copy).nnz == 0
    assert not np.shares_memory(sol.value, b) and not np.shares_memory(sol.value, x0)


@pytest.mark.parametrize("name", SOLVERS)
def test_nan_in_b_gives_nonfinite_without_products(problems, counted, name):
    op = counted(problems["laplacian"](NX))
    b = np.ones(op.shape[0])
    b[3] = np.nan
    sol = SOLVERS[name](op, b)
    assert sol.status is Status.NONFINITE
    assert np.all(np.isnan(sol.value)) and op.calls == 0 == sol.stats["matvecs"]


@pytest.mark.parametrize("name", SOLVERS)
def test_nan_in_the_operator_gives_nonfinite(problems, name):
    A = problems["laplacian"](NX).tolil()
    A[5, 6] = np.nan
    sol = SOLVERS[name](A.tocsr(), np.ones(A.shape[0]))
    assert sol.status is Status.NONFINITE and np.all(np.isnan(sol.value))
    assert np.isnan(sol.stats["residual"])


@pytest.mark.parametrize("name", SOLVERS)
def test_zero_right_hand_side_returns_zero_without_products(problems, counted, name):
    op = counted(problems["laplacian"](NX))
    sol = SOLVERS[name](op, np.zeros(op.shape[0]), x0=np.ones(op.shape[0]))
    assert sol.ok and not sol.value.any() and op.calls == 0


@pytest.mark.parametrize("name", SOLVERS)
def test_column_right_hand_side_keeps_its_shape(problems, name):
    A = problems["laplacian"](8)
    sol = SOLVERS[name](A, np.ones((A.shape[0], 1)))
    assert sol.ok and sol.value.shape == (A.shape[0], 1)


@pytest.mark.parametrize("name", SOLVERS)
def test_invalid_arguments_raise_clear_errors(problems, name):
    A = problems["laplacian"](4)
    solve = SOLVERS[name]
    with pytest.raises(ShapeError, match="square"):
        solve(sp.random(16, 12, density=0.5, random_state=0), np.ones(16))
    with pytest.raises(ShapeError, match=r"expected shape \(16,\)"):
        solve(A, np.ones(15))
    with pytest.raises(ShapeError, match="x0"):
        solve(A, np.ones(16), x0=np.ones(3))
    with pytest.raises(ShapeError, match="preconditioner"):
        solve(A, np.ones(16), M=sp.identity(15))
    with pytest.raises(ParameterError, match="rtol"):
        solve(A, np.ones(16), rtol=-1e-8)
    with pytest.raises(ValueError, match="atol"):  # ParameterError is a ValueError
        solve(A, np.ones(16), atol=-1.0)
    with pytest.raises(ParameterError, match="max_iter"):
        solve(A, np.ones(16), max_iter=-1)
    with pytest.raises(ParameterError, match="LinearOperator"):
        solve([[1.0]], np.ones(1))


@pytest.mark.parametrize("name", ["gmres", "gcrodr"])
def test_complex_nonhermitian_system(problems, rng, name):
    A = problems["helmholtz"](NX, 10.0, damping=0.3)
    b = rng.standard_normal(A.shape[0]) + 1j * rng.standard_normal(A.shape[0])
    sol = SOLVERS[name](A, b, rtol=1e-10)
    exact = spla.spsolve(A.tocsc(), b)
    assert sol.ok and sol.value.dtype == np.complex128
    assert np.linalg.norm(sol.value - exact) / np.linalg.norm(exact) < 1e-7
    assert sol.stats["residual"] == pytest.approx(true_relres(A, b, sol.value), rel=1e-12)


def test_cg_complex_hermitian(problems, rng):
    A = problems["laplacian"](NX)
    b = rng.standard_normal(A.shape[0]) + 1j * rng.standard_normal(A.shape[0])
    sol = cg(A, b, rtol=1e-10)
    assert sol.ok and np.allclose(sol.value, spla.spsolve(A.tocsc(), b), rtol=1e-7)


@pytest.mark.parametrize("name", ["gmres", "gcrodr"])
def test_minimal_residual_history_never_increases(problems, rng, name):
    A = problems["convection_diffusion"](NX)
    options = {"restart": 12} | ({"recycle": 5} if name == "gcrodr" else {})
    sol = SOLVERS[name](A, rng.standard_normal(A.shape[0]), rtol=1e-10, **options)
    history = np.array(sol.stats["residual_history"])
    assert sol.ok and sol.stats["cycles"] > 1
    assert np.all(np.diff(history) <= 1e-12 * history[:-1])


def test_cg_flags_indefiniteness_only_when_present(problems, rng):
    b = rng.standard_normal(NX * NX)
    assert not cg(problems["laplacian"](NX), b).stats["indefinite"]
    assert cg(problems["helmholtz"](NX, 10.0), b).stats["indefinite"]
