"""Joint-Adam mode, periodogram refit and resolution warnings of the Kronecker GP solver."""

import math
import warnings

import pytest
import torch

from sciml.solvers.gp import KroneckerGPSolver, LinearProblem, ResolutionWarning, benchmark
from sciml.solvers.gp.periodogram import axis_periodogram, refit_to_spectrum, spectral_peaks

torch.set_num_threads(1)


def _sine(k: float, length: float = 2 * math.pi) -> LinearProblem:
    return LinearProblem(
        f"poisson1d-sin{k:g}",
        ((0.0, length),),
        (-1.0,),
        (0.0,),
        0.0,
        lambda x: torch.sin(k * x[..., 0]),
        lambda x: k * k * torch.sin(k * x[..., 0]),
        k / (2 * math.pi),
    )


def test_joint_adam_decreases_the_objective_and_reaches_a_modest_accuracy():
    p = _sine(2.0)
    solver = KroneckerGPSolver(mode="joint", n_components=5, steps=300, lr=1e-2, jitter=1e-3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResolutionWarning)
        sol = solver.solve(p, p.grid(20))
    hist = sol.stats["history"]
    assert sol.ok and sol.stats["adam_steps"] == 300
    assert hist[0]["rel_l2"] == pytest.approx(1.0)  # U = 0 initially
    assert hist[-1]["objective"] < hist[0]["objective"] - 10.0
    assert sol.stats["rel_l2"] < 0.1


def test_joint_adam_stops_at_the_time_limit():
    p = _sine(2.0)
    solver = KroneckerGPSolver(mode="joint", n_components=3, steps=10**6, time_limit=0.5)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResolutionWarning)
        sol = solver.solve(p, p.grid(12))
    assert 0 < sol.stats["adam_steps"] < 10**6


def test_periodogram_locates_a_sine_and_refit_prunes_the_comb():
    n, k = 200, 2 * math.pi * 31.83
    x = torch.arange(n, dtype=torch.float64) / (n - 1)
    f, p = axis_periodogram(torch.sin(k * x)[None, :].repeat(3, 1), 1, 1.0 / (n - 1))
    (top, power), *_ = spectral_peaks(f, p, count=3, rtol=1e-3)
    assert top == pytest.approx(31.83, rel=1e-3) and power == pytest.approx(1.0, rel=0.1)

    prob = benchmark("advection2d-beta20")
    grid = prob.grid(40)
    solver = KroneckerGPSolver(mode="fixed", jitter=1e-12)
    kernels = solver.initial_kernels(grid)
    before = solver.solve(prob, grid, kernels=kernels)
    peaks = refit_to_spectrum(kernels, grid, before.value.values[0])
    assert min(abs(f / prob.frequency - 1) for f in peaks[1]) < 1e-2
    assert (kernels[1].weights < 1e-6 * kernels[1].weights.max()).sum() >= 20
    after = solver.solve(prob, grid, kernels=kernels)
    assert after.stats["rel_l2"] < 0.1 * before.stats["rel_l2"]


def test_a_frequency_above_nyquist_warns_with_the_fix():
    p = _sine(100.0)  # 15.92 cycles/unit: Nyquist needs n > 2 f L + 1 = 201 nodes
    with pytest.warns(ResolutionWarning, match="Fix: use at least 202 nodes"):
        KroneckerGPSolver(mode="fixed", n_components=4).solve(p, p.grid(150))
    with pytest.warns(ResolutionWarning, match="max_frequency"):
        KroneckerGPSolver(max_frequency=50.0).initial_kernels(p.grid(50))


def test_a_resolved_problem_does_not_warn():
    p = _sine(3.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ResolutionWarning)
        sol = KroneckerGPSolver(mode="fixed", n_components=4, jitter=1e-12).solve(p, p.grid(40))
    assert sol.ok and math.isfinite(sol.stats["rel_l2"])
