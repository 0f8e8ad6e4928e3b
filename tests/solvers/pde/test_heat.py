"""Heat family: exact discrete decay of eigenmodes, the step-system protocol, one shared
matrix."""

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.sparse.linalg import splu

from sciml.solvers.pde import Heat, ParameterError


def discrete_eigenvalue(k, l, h):
    return 4 / h**2 * (np.sin(np.pi * k * h / 2) ** 2 + np.sin(np.pi * l * h / 2) ** 2)


def test_sine_modes_decay_by_the_backward_euler_factor():
    R, dt, steps = 17, 2e-3, 10
    heat = Heat(R, dt=dt, steps=steps)
    X, Y = (m.numpy() for m in heat.grid.mesh())
    modes = [(1, 1), (3, 2)]
    u0 = sum(np.sin(np.pi * k * X) * np.sin(np.pi * l * Y) for k, l in modes)
    traj = heat.solve(u0[None, None]).values[0].numpy()
    h = 1 / (R - 1)
    m = np.arange(steps + 1)[:, None, None]
    want = sum(
        (1 + dt * discrete_eigenvalue(k, l, h)) ** (-m.astype(float))
        * np.sin(np.pi * k * X)
        * np.sin(np.pi * l * Y)
        for k, l in modes
    )
    np.testing.assert_allclose(traj, want, atol=1e-12)
    np.testing.assert_allclose(heat.times, dt * np.arange(steps + 1))


def test_backward_euler_is_first_order_in_time():
    """Mode (1, 1) against exp(-2 pi^2 t): halving dt halves the error (space error of the
    discrete eigenvalue removed by comparing with exp(-lambda_h t))."""
    R, T = 9, 0.05
    h = 1 / (R - 1)
    lam = discrete_eigenvalue(1, 1, h)
    errors = []
    for steps in (10, 20, 40, 80):
        heat = Heat(R, dt=T / steps, steps=steps)
        X, Y = (m.numpy() for m in heat.grid.mesh())
        mode = np.sin(np.pi * X) * np.sin(np.pi * Y)
        final = heat.solve(mode[None, None]).values[0, -1].numpy()
        errors.append(np.abs(final - np.exp(-lam * T) * mode).max())
    rates = np.log2(np.array(errors[:-1]) / np.array(errors[1:]))
    assert np.all(np.abs(rates - heat.time_order) < 0.1), rates


def test_step_systems_share_the_matrix_and_reproduce_solve():
    heat = Heat(11, dt=1e-3, steps=4)
    u0 = heat.sample_inputs(1, rng=0)
    gen = heat.step_systems(u0[0])
    A, b = next(gen)
    assert A is heat.matrix and sp.isspmatrix_csr(A)
    np.testing.assert_allclose(
        (A - sp.identity(heat.n_unknowns)).diagonal(), 4 * 1e-3 * (10**2), rtol=1e-12
    )
    lu = splu(sp.csc_matrix(A))
    states = [b]
    for _ in range(heat.steps - 1):
        x = lu.solve(b)
        A2, b = gen.send(x)
        assert A2 is A
        states.append(b)
    states.append(lu.solve(b))
    with pytest.raises(StopIteration):
        gen.send(states[-1])
    traj = heat.solve(u0).values[0].numpy()[:, 1:-1, 1:-1].reshape(heat.steps + 1, -1)
    np.testing.assert_allclose(np.stack(states), traj, atol=1e-14)


def test_step_systems_demand_the_previous_solution():
    heat = Heat(7, dt=1e-3, steps=3)
    gen = heat.step_systems(heat.sample_inputs(1, rng=0)[0])
    next(gen)
    with pytest.raises(ParameterError, match="gen.send"):
        next(gen)


def test_random_initial_conditions_vanish_on_the_boundary_and_energy_decays():
    heat = Heat(17, dt=1e-3, steps=5)
    traj = heat.solve(heat.sample_inputs(3, rng=2)).values.numpy()
    assert np.abs(traj[..., 0, :]).max() < 1e-13 and np.abs(traj[..., :, -1]).max() < 1e-13
    energy = (traj**2).sum(axis=(-2, -1))
    assert np.all(np.diff(energy, axis=1) < 0)
