"""Stationary families: manufactured-solution orders, SPD/indefinite structure, coefficients."""

import numpy as np
import pytest
import scipy.sparse as sp
import sympy

from sciml.solvers.pde import (
    ConvectionDiffusion,
    Darcy,
    FrequencySweep,
    Helmholtz,
    Poisson,
    darcy_problem,
    discretization_errors,
    mms_errors,
    observed_order,
)
from sciml.solvers.pde.manufactured import x, y

COARSE = [17, 33, 65, 129]
FINE = [33, 65, 129, 257]  # past the pre-asymptotic range of omega=10 and of upwinding


@pytest.mark.parametrize(
    "family,options,resolutions,order",
    [
        ("darcy", {}, COARSE, 2),
        ("poisson", {}, COARSE, 2),
        ("helmholtz", {"omega": 10}, FINE, 2),
        ("frequency_sweep", {"omega": 10}, FINE, 2),
        ("convection_diffusion", {"peclet": 10, "scheme": "central"}, COARSE, 2),
        ("convection_diffusion", {"peclet": 10, "scheme": "upwind"}, FINE, 1),
    ],
)
def test_manufactured_solution_converges_at_the_declared_order(family, options, resolutions, order):
    errors = mms_errors(family, resolutions, **options)
    assert np.all(np.diff(errors) < 0)
    slope = observed_order(resolutions, errors)
    assert abs(slope - order) < 0.15, (errors, slope)


def test_declared_orders_match_the_schemes():
    assert Darcy(5).order == Poisson(5).order == Helmholtz(5).order == 2
    assert ConvectionDiffusion(5).order == 1
    assert ConvectionDiffusion(5, scheme="central").order == 2


def test_darcy_order_two_with_a_strongly_varying_coefficient_in_max_norm():
    a = sympy.exp(sympy.sin(3 * sympy.pi * x) * sympy.cos(2 * sympy.pi * y))
    problem = darcy_problem(a=a)
    errors = discretization_errors(Darcy, problem, COARSE, norm="max")
    assert abs(observed_order(COARSE, errors) - 2) < 0.15


def test_darcy_matrix_is_symmetric_positive_definite():
    darcy = Darcy(12)
    for sample in darcy.sample_inputs(3, rng=0):
        A, _ = darcy.assemble(sample)
        assert abs(A - A.T).max() == 0.0
        assert np.linalg.eigvalsh(A.toarray())[0] > 0


def test_threshold_coefficient_takes_only_the_two_values():
    a = Darcy(33).sample_inputs(8, rng=1).values
    assert set(a.unique().tolist()) == {3.0, 12.0}
    share = float((a == 12.0).double().mean())
    assert 0.3 < share < 0.7  # zero-mean field thresholded at 0


def test_lognormal_coefficient_is_the_exponential_of_the_field():
    darcy = Darcy(17, "lognormal")
    a = darcy.sample_inputs(1, rng=3).values[0, 0].numpy()
    g = darcy.field.sample(1, rng=3).values[0, 0].numpy()
    np.testing.assert_allclose(a, np.exp(g), rtol=1e-14)
    assert darcy.parameters["grf"]["sigma"] == 3.0 and darcy.parameters["grf"]["tau"] == 3.0


def test_darcy_face_coefficients_are_harmonic_means():
    """Row of the node next to a jump 12 | 3: the coupling across the jump is the harmonic
    mean 2*12*3/15 = 4.8 (not the arithmetic 7.5), and the diagonal is the sum of the four
    face coefficients, all over h^2."""
    R = 5
    h2 = (1.0 / (R - 1)) ** 2
    a = np.full((R, R), 12.0)
    a[3:, :] = 3.0  # jump between node rows i = 2 and i = 3
    A, _ = Darcy(R).assemble(a[None])
    A = A.toarray()
    p, q = 1 * 3 + 1, 2 * 3 + 1  # interior (2, 2) and (3, 2) in C order over 3 x 3
    assert A[p, q] == pytest.approx(-4.8 / h2, rel=1e-14)
    assert A[p, p] == pytest.approx((12.0 + 4.8 + 12.0 + 12.0) / h2, rel=1e-14)
    assert A[q, q] == pytest.approx((4.8 + 3.0 + 3.0 + 3.0) / h2, rel=1e-14)


def test_helmholtz_default_is_indefinite_for_every_sample():
    hh = Helmholtz(17)
    counts = []
    for sample in hh.sample_inputs(4, rng=5):
        A, _ = hh.assemble(sample)
        counts.append(int((np.linalg.eigvalsh(A.toarray()) < 0).sum()))
    assert all(3 <= c <= 8 for c in counts), counts
    c = hh.sample_inputs(4, rng=5).values
    assert float(c.min()) > 0.8 and float(c.max()) < 1.2


def test_helmholtz_small_frequency_is_definite():
    hh = Helmholtz(17, omega=2.0)
    A, _ = hh.assemble(hh.sample_inputs(1, rng=0)[0])
    assert np.linalg.eigvalsh(A.toarray())[0] > 0


def test_poisson_shares_one_read_only_matrix():
    p = Poisson(9)
    f = p.sample_inputs(3, rng=0)
    (A0, b0), (A1, b1) = p.assemble(f[0]), p.assemble(f[1])
    assert A0 is A1 and not np.array_equal(b0, b1)
    with pytest.raises(ValueError):
        A0.data[0] = 1.0
    u = p.solve(f)  # one factorization for the batch
    for i in range(3):
        A, b = p.assemble(f[i])
        assert np.linalg.norm(A @ u.values[i, 0, 1:-1, 1:-1].numpy().ravel() - b) < 1e-10


def test_convection_velocity_is_normalized_and_the_upwind_matrix_is_an_m_matrix():
    cd = ConvectionDiffusion(17, peclet=1000.0)
    v = cd.sample_inputs(2, rng=0).values.numpy()
    speed = np.sqrt(v[:, 0] ** 2 + v[:, 1] ** 2).max(axis=(-2, -1))
    np.testing.assert_allclose(speed, 1.0, rtol=1e-14)
    A, _ = cd.assemble(v[0])
    off = A - sp.diags(A.diagonal())
    assert off.max() <= 0 and A.diagonal().min() > 0
    assert np.all(np.asarray(A.sum(axis=1)).ravel() >= -1e-12)  # weakly diagonally dominant
    assert abs(A - A.T).max() > 1.0
    u = cd.solve(v[:1]).values.numpy()
    assert u.min() >= -1e-12  # discrete maximum principle for f = 1 >= 0


def test_sweep_matrices_differ_only_on_the_diagonal_and_follow_the_frequencies():
    omegas = np.linspace(9.0, 11.0, 5)
    sweep = FrequencySweep(17, omegas)
    x = sweep.sample_inputs(5, rng=0)
    assert np.array_equal(x.values[:, 2, 3, 3].numpy(), omegas)
    A0, _ = sweep.assemble(x[0])
    A1, _ = sweep.assemble(x[1])
    diff = (A1 - A0).tocoo()
    assert np.all(diff.row == diff.col) and diff.nnz == sweep.n_unknowns
    c = x.values[0, 0, 1:-1, 1:-1].numpy().ravel()
    np.testing.assert_allclose(-diff.data, (omegas[1] ** 2 - omegas[0] ** 2) / c**2, rtol=1e-10)
    with pytest.raises(ValueError, match="len\\(omegas\\)"):
        sweep.sample_inputs(2, rng=0, start=4)
