"""Conjugate gradients: iteration growth h^-1, the kappa error bound, honest failure."""

import numpy as np
import pytest
import scipy.sparse.linalg as spla

from sciml.core import Status
from sciml.solvers.krylov import ITERATIONS_ORDER_IN_H, cg, cg_error_bound


def test_iterations_grow_like_inverse_mesh_size(problems):
    sizes = (23, 47, 95)  # h = 1/24, 1/48, 1/96
    iterations = []
    for nx in sizes:
        A = problems["laplacian"](nx)
        sol = cg(A, np.ones(A.shape[0]), rtol=1e-8)
        assert sol.ok
        iterations.append(sol.stats["iterations"])
    ratios = np.array(iterations[1:]) / np.array(iterations[:-1])
    assert np.all((1.8 < ratios) & (ratios < 2.2)), iterations
    h = 1.0 / (np.array(sizes) + 1)
    slope = np.polyfit(np.log(h), np.log(iterations), 1)[0]
    assert slope == pytest.approx(ITERATIONS_ORDER_IN_H, abs=0.1)


def test_energy_error_respects_the_condition_number_bound(problems, rng):
    nx = 31
    A = problems["laplacian"](nx)
    h = 1.0 / (nx + 1)
    lam = 4 / h**2 * np.sin(np.pi * h * np.arange(1, nx + 1) / 2) ** 2  # 1-D eigenvalues
    kappa = lam.max() / lam.min()  # 2-D: (2 lam_max) / (2 lam_min)
    b = rng.standard_normal(A.shape[0])
    exact = spla.spsolve(A.tocsc(), b)

    def energy(e):
        return np.sqrt(e @ (A @ e))

    for k in (5, 10, 20, 40):
        sol = cg(A, b, max_iter=k, rtol=0.0)
        assert sol.status is Status.MAX_ITERATIONS and sol.stats["iterations"] == k
        ratio = energy(exact - sol.value) / energy(exact)
        assert ratio <= cg_error_bound(kappa, k)
    assert cg_error_bound(kappa, 40) < 0.5  # the bound is not vacuous at k = 40


def test_cg_on_a_nonsymmetric_matrix_does_not_claim_success(problems):
    A = problems["convection_diffusion"](16)
    b = np.ones(A.shape[0])
    sol = cg(A, b, max_iter=300)
    assert not sol.ok
    true = np.linalg.norm(b - A @ sol.value) / np.linalg.norm(b)
    assert sol.stats["residual"] == pytest.approx(true, rel=1e-12) and true > 1e-8


def test_unattainable_tolerance_stops_with_stagnation(problems):
    A = problems["laplacian"](31)
    sol = cg(A, np.ones(A.shape[0]), rtol=1e-18)
    assert sol.status is Status.STAGNATION
    assert sol.stats["iterations"] < 10 * A.shape[0] and sol.stats["residual"] < 1e-12


def test_breakdown_on_a_singular_semidefinite_matrix():
    sol = cg(np.diag([1.0, 0.0]), np.array([1.0, 1.0]))
    assert sol.status is Status.BREAKDOWN and sol.stats["residual"] > 0.5


def test_preconditioner_is_applied_once_per_iteration(problems):
    # once for the initial residual, then after every iteration but the converged last one
    A = problems["laplacian"](16)
    M = spla.LinearOperator(A.shape, matvec=lambda r: r / A.diagonal(), dtype=float)
    sol = cg(A, np.ones(A.shape[0]), M=M)
    assert sol.ok and sol.stats["precond"] == sol.stats["iterations"]
