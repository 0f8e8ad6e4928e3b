"""Geometric multigrid: h-independent V(2,2) convergence, W <= V, Galerkin symmetry, the
interior prolongation against the core's, MG-preconditioned CG on Darcy, clear errors."""

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.sparse.linalg import spsolve

from sciml.core import (
    Axis,
    ParameterError,
    ShapeError,
    TensorGrid,
    prolongation_matrix,
    restriction_matrix,
)
from sciml.solvers.krylov import SequenceSolver, cg
from sciml.solvers.multigrid import (
    GeometricMultigrid,
    gmg_preconditioner,
    interior_prolongation,
    square_grid_for,
)
from sciml.solvers.pde import Darcy, Poisson


def poisson_system(R, rng=0):
    p = Poisson(R)
    A, b = p.assemble(p.sample_inputs(1, rng=rng)[0])
    return A, b, p.grid


def darcy_system(R, rng=0):
    d = Darcy(R, "threshold", high=12.0, low=3.0)
    A, b = d.assemble(d.sample_inputs(1, rng=rng)[0])
    return A, b, d.grid


@pytest.fixture(scope="module")
def factors():
    out = {}
    for R in (33, 65, 129, 257):
        A, b, grid = poisson_system(R)
        out[R] = {c: GeometricMultigrid(A, grid, cycle=c).solve(b, rtol=1e-10) for c in ("V", "W")}
    return out


def test_multigrid_vcycle_factor_is_small_and_h_independent(factors):
    v = [factors[R]["V"].stats["convergence_factor"] for R in sorted(factors)]
    assert all(f < 0.2 for f in v), v
    assert max(v) - min(v) <= 0.05, v
    assert all(factors[R]["V"].ok for R in factors)


def test_multigrid_wcycle_no_worse_than_vcycle(factors):
    for pair in factors.values():
        assert pair["W"].ok
        assert pair["W"].stats["convergence_factor"] <= pair["V"].stats["convergence_factor"] + 1e-3


@pytest.mark.parametrize("cycle", ["V", "W"])
def test_multigrid_solution_matches_spsolve(cycle):
    A, b, grid = poisson_system(65, rng=3)
    sol = GeometricMultigrid(A, grid, cycle=cycle).solve(b, rtol=1e-10)
    ref = spsolve(A.tocsc(), b)
    assert sol.ok and sol.stats["residual"] <= 1e-10
    assert np.linalg.norm(sol.value - ref) <= 1e-8 * np.linalg.norm(ref)
    hist = sol.stats["residual_history"]
    assert len(hist) == sol.stats["iterations"] + 1 and sol.stats["seconds"] > 0


def test_multigrid_one_dimensional():
    R = 129
    ax = Axis.uniform(R, (0.0, 1.0))
    h = 1.0 / (R - 1)
    A = sp.diags([-1.0, 2.0, -1.0], [-1, 0, 1], shape=(R - 2, R - 2), format="csr") / h**2
    b = np.random.default_rng(0).standard_normal(R - 2)
    mg = GeometricMultigrid(A, TensorGrid((ax,)))
    assert mg.omega == pytest.approx(2 / 3) and len(mg.grids) == 7
    sol = mg.solve(b, rtol=1e-10)
    assert sol.ok and sol.stats["convergence_factor"] < 0.2
    ref = spsolve(A.tocsc(), b)
    assert np.linalg.norm(sol.value - ref) <= 1e-8 * np.linalg.norm(ref)


def test_multigrid_interior_prolongation_equals_core_and_stencil():
    coarse, fine = Axis.uniform(9, (0, 1)), Axis.uniform(17, (0, 1))
    P = interior_prolongation(coarse, fine).toarray()
    core = prolongation_matrix(coarse, fine).double().numpy()[1:-1, 1:-1]
    np.testing.assert_allclose(P, core, atol=1e-15)
    stencil = np.zeros((15, 7))
    for j in range(7):  # coarse interior node j+1 sits at fine node 2(j+1)
        i = 2 * (j + 1) - 1  # fine interior index
        stencil[i - 1 : i + 2, j] = [0.5, 1.0, 0.5]
    np.testing.assert_allclose(P, stencil, atol=1e-15)
    # the weighted adjoint of the core, on interior nodes, is full weighting P^T / 2
    core_r = restriction_matrix(fine, coarse).double().numpy()[1:-1, 1:-1]
    np.testing.assert_allclose(core_r, P.T / 2, atol=1e-15)


def test_multigrid_restriction_is_full_weighting_and_galerkin_symmetric():
    A, _, grid = darcy_system(33)
    mg = GeometricMultigrid(A, grid)
    R0, P0 = mg.restrictions[0].toarray(), mg.prolongations[0].toarray()
    np.testing.assert_allclose(R0, P0.T / 4, atol=1e-15)
    row = R0[0].reshape(31, 31)  # coarse interior node (0, 0) = fine interior node (1, 1)
    stencil = np.outer([1.0, 2.0, 1.0], [1.0, 2.0, 1.0]) / 16
    np.testing.assert_allclose(row[:3, :3], stencil, atol=1e-15)
    assert row.sum() == pytest.approx(1.0)
    for Ac in mg.operators[1:]:
        asym = abs(Ac - Ac.T).max()
        assert asym <= 1e-12 * abs(Ac).max()
        if Ac.shape[0] < 300:
            assert np.linalg.eigvalsh(Ac.toarray()).min() > 0


def test_multigrid_preconditioned_cg_on_darcy_beats_plain_cg():
    A, b, grid = darcy_system(65)
    plain = cg(A, b, rtol=1e-8)
    mg = cg(A, b, M=GeometricMultigrid(A, grid).aspreconditioner(), rtol=1e-8)
    assert plain.ok and mg.ok
    assert mg.stats["iterations"] * 5 <= plain.stats["iterations"], (
        mg.stats["iterations"],
        plain.stats["iterations"],
    )
    ref = spsolve(A.tocsc(), b)
    assert np.linalg.norm(mg.value - ref) <= 1e-6 * np.linalg.norm(ref)


def test_multigrid_non_nested_coarsening_for_even_sizes():
    A, b, grid = darcy_system(64)
    mg = GeometricMultigrid(A, grid, nested=False)
    assert [g.shape[0] for g in mg.grids] == [64, 32, 16, 8, 4]
    for Ac in mg.operators[1:]:
        assert abs(Ac - Ac.T).max() <= 1e-12 * abs(Ac).max()
    sol = cg(A, b, M=gmg_preconditioner(A), rtol=1e-8)
    assert sol.ok and sol.stats["iterations"] < 20
    assert square_grid_for(A.shape[0]).shape == (64, 64)


def test_multigrid_sequence_solver_gmg_cg_solves_darcy():
    d = Darcy(65)
    solver = SequenceSolver("gmg_cg", rtol=1e-8)
    for a in d.sample_inputs(2, rng=5):
        A, b = d.assemble(a)
        sol = solver.solve(A, b)
        assert sol.ok and sol.stats["fallback"] is False and sol.stats["residual"] <= 1e-8
        assert sol.stats["iterations"] < 20
        ref = spsolve(A.tocsc(), b)
        assert np.linalg.norm(sol.value - ref) <= 1e-6 * np.linalg.norm(ref)


def test_multigrid_errors_are_clear():
    A, _, grid = poisson_system(33)
    with pytest.raises(ShapeError, match=r"\(961, 961\)"):
        GeometricMultigrid(A[:900, :900], grid)
    with pytest.raises(ParameterError, match="64 nodes -> 63 or 65") as err:
        GeometricMultigrid(*poisson_system(64)[::2], levels=2)
    assert "nested=False" in str(err.value) and "Fix:" in str(err.value)
    with pytest.raises(ParameterError, match="at most 5") as err:
        GeometricMultigrid(A, grid, levels=7)
    assert "33 nodes -> 129" in str(err.value)
    with pytest.raises(ParameterError, match="cycle"):
        GeometricMultigrid(A, grid, cycle="F")
    with pytest.raises(ParameterError, match="smoother"):
        GeometricMultigrid(A, grid, smoother="sor")
    with pytest.raises(ParameterError, match="square"):
        square_grid_for(10)
