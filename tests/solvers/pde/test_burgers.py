"""Burgers 1-D: conservation, an exact (Cole–Hopf) solution, self-convergence in time and
space, and the heat-equation limit."""

import math

import numpy as np
import pytest
import torch
from scipy.special import ive

from sciml.core import Field
from sciml.solvers.pde import Burgers1D


def test_parameters_are_pinned_to_the_fno_paper():
    p = Burgers1D(64).parameters
    ic = p["initial_condition"]
    assert (p["nu"], p["T"], p["record_times"]) == (0.1, 1.0, [1.0])
    assert (ic["alpha"], ic["tau"], ic["sigma"] ** 2, ic["kind"]) == (2.0, 5.0, 625.0, "periodic")


def test_mean_is_conserved():
    burgers = Burgers1D(128, T=0.2, record_times=[0.05, 0.1, 0.2])
    u0 = burgers.sample_inputs(4, rng=0).values + torch.tensor([0.0, 0.3, -0.7, 1.1])[:, None, None]
    u = burgers.solve(u0).values
    torch.testing.assert_close(u.mean(-1), u0.mean(-1).expand(4, 3), rtol=0, atol=1e-13)


def cole_hopf(x, t, amplitude, nu, terms=60):
    """Exact solution from u0 = A sin(2 pi x): u = -2 nu phi_x / phi, phi_t = nu phi_xx,
    phi_0 = exp(a cos 2 pi x), a = A / (4 pi nu) (Bessel series, scaled)."""
    a = amplitude / (4 * math.pi * nu)
    n = np.arange(1, terms)[:, None]
    e = ive(n, a) * np.exp(-4 * math.pi**2 * n**2 * nu * t)
    num = 8 * math.pi * nu * (n * e * np.sin(2 * math.pi * n * x)).sum(0)
    return num / (ive(0, a) + 2 * (e * np.cos(2 * math.pi * n * x)).sum(0))


def test_matches_the_cole_hopf_solution():
    nu, times = 0.05, [0.1, 0.5]
    burgers = Burgers1D(128, nu=nu, T=0.5, dt=5e-4, record_times=times)
    x = burgers.grid.mesh()[0].numpy()
    u = burgers.solve(np.sin(2 * math.pi * x)[None, None]).values[0].numpy()
    for i, t in enumerate(times):
        np.testing.assert_allclose(u[i], cole_hopf(x, t, 1.0, nu), atol=1e-11)


def test_time_self_convergence_nonstiff_is_fourth_order():
    """ETDRK4 (Cox–Matthews) reaches order 4 when the diffusion is not stiff."""
    burgers = Burgers1D(64, nu=0.002, T=0.2)
    u0 = burgers.sample_inputs(2, rng=0).values * 0.5
    ref = Burgers1D(64, nu=0.002, T=0.2, dt=0.2 / 2000).solve(u0).values
    errors = [
        float((Burgers1D(64, nu=0.002, T=0.2, dt=0.2 / k).solve(u0).values - ref).abs().max())
        for k in (20, 40, 80)
    ]
    rates = np.log2(np.array(errors[:-1]) / np.array(errors[1:]))
    assert np.all(np.abs(rates - burgers.time_order) < 0.2), rates


def test_time_self_convergence_at_the_fno_setting():
    """nu = 0.1, T = 1: errors fall with dt (the stiff regime shows the known order reduction
    of ETDRK4, so only a rate >= 1.8 is asserted) and the default dt is below 1e-9."""
    burgers = Burgers1D(256)
    u0 = burgers.sample_inputs(2, rng=1)
    ref = Burgers1D(256, dt=2.5e-4).solve(u0).values
    errors = [
        float((Burgers1D(256, dt=dt).solve(u0).values - ref).abs().max())
        for dt in (2e-2, 1e-2, 5e-3)
    ]
    rates = np.log2(np.array(errors[:-1]) / np.array(errors[1:]))
    assert np.all(rates > 1.8), rates
    default = float((burgers.solve(u0).values - ref).abs().max())
    assert default < 1e-9


def test_space_self_convergence():
    """The same band-limited initial condition at R and 2R: the difference (on the coarse
    grid) shrinks fast with R (spectral accuracy for the smooth viscous solution)."""
    diffs = []
    for R in (32, 64, 128):
        coarse, fine = Burgers1D(R, T=0.5), Burgers1D(2 * R, T=0.5)
        u0 = Burgers1D(32).sample_inputs(3, rng=2).on(coarse.grid)
        uc = coarse.solve(u0)
        uf = fine.solve(u0.on(fine.grid)).on(coarse.grid)
        diffs.append(float((uf.values - uc.values).abs().max()))
    assert diffs[1] < diffs[0] / 10 and diffs[2] < diffs[1] / 10 and diffs[2] < 1e-11, diffs


def test_large_viscosity_limit_is_the_heat_equation():
    """With nu T fixed, the nonlinear correction to exp(-nu k^2 T) u0_hat is O(|u| T k |u|) =
    O(1/nu): the deviation from the exact heat decay falls tenfold per decade of nu."""
    deviations = []
    for nu in (10.0, 100.0):
        T = 0.01 / nu
        burgers = Burgers1D(128, nu=nu, T=T, dt=T / 20)
        u0 = burgers.sample_inputs(3, rng=3)
        u = burgers.solve(u0).values[:, 0].numpy()
        k = burgers.grid.fft_frequencies()[0].numpy()
        decay = np.exp(-nu * k**2 * T)
        heat = np.fft.ifft(np.fft.fft(u0.values[:, 0].numpy()) * decay).real
        deviations.append(np.abs(u - heat).max() / np.abs(heat).max())
    assert deviations[1] < 2e-4
    assert deviations[0] / deviations[1] == pytest.approx(10.0, rel=0.05)


def test_solve_accepts_plain_arrays_and_keeps_the_grid():
    burgers = Burgers1D(32, T=0.01, dt=1e-3)
    u = burgers.solve(np.zeros((2, 1, 32)))
    assert isinstance(u, Field) and u.disc == burgers.grid
    assert float(u.values.abs().max()) == 0.0
