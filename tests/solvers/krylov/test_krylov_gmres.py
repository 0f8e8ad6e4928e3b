"""Restarted GMRES: max_iter, right preconditioning, breakdown and the Givens least squares."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sciml.core import Status
from sciml.solvers.krylov import gmres, ilu
from sciml.solvers.krylov._hessenberg import HessenbergLSQ


def test_hitting_max_iter_reports_max_iterations_and_the_true_residual(problems, counted, rng):
    A = problems["helmholtz"](16, 10.0)
    op = counted(A)
    b = rng.standard_normal(A.shape[0])
    sol = gmres(op, b, restart=10, max_iter=50)
    assert sol.status is Status.MAX_ITERATIONS
    assert sol.stats["iterations"] == 50 and sol.stats["cycles"] == 5
    true = np.linalg.norm(b - A @ sol.value) / np.linalg.norm(b)
    assert sol.stats["residual"] == pytest.approx(true, rel=1e-12) and true > 1e-8
    assert sol.stats["matvecs"] == op.calls == 51  # 50 iterations + the exit residual


def test_right_preconditioning_reports_the_unpreconditioned_residual(problems, rng):
    A = problems["convection_diffusion"](32, velocity=300.0)
    b = rng.standard_normal(A.shape[0])
    plain = gmres(A, b)
    M = ilu(A, drop_tol=1e-2, fill_factor=3)
    pre = gmres(A, b, M=M)
    assert plain.ok and pre.ok
    assert pre.stats["iterations"] < plain.stats["iterations"] / 3
    true = np.linalg.norm(b - A @ pre.value) / np.linalg.norm(b)
    assert pre.stats["residual"] == pytest.approx(true, rel=1e-12) and true <= 1e-8
    assert pre.stats["precond"] == pre.stats["iterations"] + pre.stats["cycles"]


def test_full_gmres_is_exact_after_n_steps(rng):
    n = 7
    A = rng.standard_normal((n, n)) + n * np.eye(n)
    sol = gmres(A, rng.standard_normal(n), restart=40, rtol=1e-12)
    assert sol.ok and sol.stats["iterations"] <= n and sol.stats["cycles"] == 1


def test_invariant_subspace_without_solution_is_a_breakdown():
    sol = gmres(np.diag([1.0, 0.0]), np.array([1.0, 1.0]))
    assert sol.status is Status.BREAKDOWN
    assert sol.stats["residual"] == pytest.approx(np.sqrt(0.5))


def test_restart_must_be_positive(problems):
    with pytest.raises(ValueError, match="restart"):
        gmres(problems["laplacian"](4), np.ones(16), restart=0)


@settings(max_examples=40, deadline=None)
@given(p=st.integers(1, 12), seed=st.integers(0, 2**31 - 1), complex_=st.booleans())
def test_givens_least_squares_matches_lstsq(p, seed, complex_):
    rng = np.random.default_rng(seed)
    G = np.triu(rng.standard_normal((p + 1, p)), k=-1)
    g = rng.standard_normal(p + 1)
    if complex_:
        G = G + 1j * np.triu(rng.standard_normal((p + 1, p)), k=-1)
        g = g + 1j * rng.standard_normal(p + 1)
    lsq = HessenbergLSQ(g)
    for j in range(p):
        residual = lsq.add_column(G[: j + 2, j])
        ref = np.linalg.lstsq(G[: j + 2, : j + 1], g[: j + 2], rcond=None)
        full = np.linalg.norm(g - G[:, : j + 1] @ ref[0])
        assert residual == pytest.approx(full, rel=1e-8, abs=1e-12)
    assert np.allclose(lsq.solve(), np.linalg.lstsq(G, g, rcond=None)[0], atol=1e-8)
