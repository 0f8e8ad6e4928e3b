"""Navier–Stokes 2-D: exact decaying and forced single-shell solutions, zero mean vorticity,
self-convergence in time (first order) and space (spectral)."""

import math

import numpy as np
import pytest

from sciml.solvers.pde import NavierStokes2D


def shell_field(ns):
    """A Taylor–Green-like steady Euler flow: modes on the shell |k|^2 = 5 only, so
    u . grad w = 0 and the vorticity decays as exp(-nu 4 pi^2 5 t)."""
    X, Y = (m.numpy() for m in ns.grid.mesh())
    return (
        np.cos(2 * math.pi * (X + 2 * Y))
        + 0.7 * np.sin(2 * math.pi * (2 * X - Y))
        + 0.3 * np.cos(2 * math.pi * (2 * X + Y) + 0.4)
    )


def test_defaults_are_the_fno_setup():
    ns = NavierStokes2D(64)
    p = ns.parameters
    assert (p["nu"], p["T"], p["dt"]) == (1e-3, 50.0, 1e-4)
    ic = p["initial_condition"]
    assert (ic["alpha"], ic["tau"], ic["kind"]) == (2.5, 7.0, "periodic")
    assert ic["sigma"] == pytest.approx(NavierStokes2D.LEGACY_SIGMA)  # the published data
    assert NavierStokes2D.LEGACY_SIGMA**2 == pytest.approx(2 * 7**3)
    X, Y = (m.numpy() for m in ns.grid.mesh())
    want = 0.1 * (np.sin(2 * math.pi * (X + Y)) + np.cos(2 * math.pi * (X + Y)))
    np.testing.assert_allclose(ns.forcing_field().numpy(), want, atol=1e-15)


def test_unforced_shell_flow_decays_exactly():
    nu, times = 1e-2, [0.1, 0.2]
    ns = NavierStokes2D(32, nu=nu, T=0.2, dt=1e-4, record_times=times, forcing=0.0)
    w0 = shell_field(ns)
    w = ns.solve(w0[None, None]).values[0].numpy()
    lam = 4 * math.pi**2 * 5
    z = ns.dt * nu * lam
    for i, t in enumerate(times):
        steps = round(t / ns.dt)
        # the discrete Crank–Nicolson factor: advection cancels to round-off
        discrete = ((1 - z / 2) / (1 + z / 2)) ** steps * w0
        np.testing.assert_allclose(w[i], discrete, atol=1e-13)
        # and the exact solution of the PDE
        np.testing.assert_allclose(w[i], math.exp(-nu * lam * t) * w0, atol=1e-8)


def test_forced_shell_flow_follows_the_forced_ode():
    """w0 on the forcing's shell |k|^2 = 2: w = a(t) (sin + cos)(2 pi (x + y)) + b(t) cos(2 pi
    (x - y)) with a' = -nu lam a + 0.1, b' = -nu lam b."""
    nu, T = 1e-2, 0.2
    ns = NavierStokes2D(32, nu=nu, T=T, dt=1e-4)
    X, Y = (m.numpy() for m in ns.grid.mesh())
    s = np.sin(2 * math.pi * (X + Y)) + np.cos(2 * math.pi * (X + Y))
    c = np.cos(2 * math.pi * (X - Y))
    w = ns.solve((0.5 * s + 0.8 * c)[None, None]).values[0, 0].numpy()
    decay = math.exp(-nu * 8 * math.pi**2 * T)
    a = 0.5 * decay + 0.1 / (nu * 8 * math.pi**2) * (1 - decay)
    np.testing.assert_allclose(w, a * s + 0.8 * decay * c, atol=1e-8)


@pytest.mark.parametrize("sigma", [7**0.75, NavierStokes2D.LEGACY_SIGMA])
def test_mean_vorticity_stays_zero(sigma):
    ns = NavierStokes2D(32, T=0.2, dt=1e-3, record_times=[0.1, 0.2], sigma=sigma)
    w0 = ns.sample_inputs(3, rng=0)
    w = ns.solve(w0).values
    assert float(w0.values.mean((-2, -1)).abs().max()) < 1e-15
    assert float(w.mean((-2, -1)).abs().max()) < 1e-14 * float(w.abs().max())
    assert float((w[:, -1] - w0.values[:, 0]).abs().max()) > 1e-3  # it did evolve


def test_time_self_convergence_is_first_order():
    T = 0.5
    ns = NavierStokes2D(32, T=T, sigma=NavierStokes2D.LEGACY_SIGMA)
    w0 = ns.sample_inputs(2, rng=0)
    ref = NavierStokes2D(32, T=T, dt=T / 1600).solve(w0).values
    errors = [
        float((NavierStokes2D(32, T=T, dt=T / k).solve(w0).values - ref).abs().max())
        for k in (25, 50, 100)
    ]
    rates = np.log2(np.array(errors[:-1]) / np.array(errors[1:]))
    assert np.all(np.abs(rates - ns.time_order) < 0.15), rates


def test_space_self_convergence():
    """One band-limited initial vorticity solved at R and 2R (compared on the R grid): the
    difference falls by orders of magnitude per doubling."""
    sigma = NavierStokes2D.LEGACY_SIGMA
    diffs = []
    for R in (16, 32, 64):
        coarse = NavierStokes2D(R, T=0.5, dt=2e-3)
        fine = NavierStokes2D(2 * R, T=0.5, dt=2e-3)
        w0 = NavierStokes2D(16, sigma=sigma).sample_inputs(2, rng=1).on(coarse.grid)
        wc = coarse.solve(w0)
        wf = fine.solve(w0.on(fine.grid)).on(coarse.grid)
        diffs.append(float((wc.values - wf.values).abs().max()))
    assert diffs[1] < diffs[0] / 100 and diffs[2] < diffs[1] / 1000 and diffs[2] < 1e-9, diffs


def test_record_times_must_be_whole_steps():
    with pytest.raises(ValueError, match="Fix:"):
        NavierStokes2D(16, T=1.0, dt=0.3)
    with pytest.raises(ValueError, match="Fix:"):
        NavierStokes2D(16, T=1.0, dt=0.1, record_times=[0.5, 0.25])
    ns = NavierStokes2D(16, T=1.0, dt=0.1, record_times=[0.0, 0.5, 1.0])
    w0 = ns.sample_inputs(1, rng=0)
    w = ns.solve(w0).values
    assert w.shape == (1, 3, 16, 16) and ns.record_times == (0.0, 0.5, 1.0)
    np.testing.assert_allclose(w[:, 0].numpy(), w0.values[:, 0].numpy(), atol=1e-15)
