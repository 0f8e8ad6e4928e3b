"""Kinetic energy of Gaussian paths (Shaul et al., ICML 2023): the paper's analytic anchors,
the data separation function against quadrature, and the optimised schedule."""

import math

import numpy as np
import pytest
import torch

from sciml.core import ParameterError, ShapeError
from sciml.solvers.transport.kinetic import (
    Separation,
    cond_ot_path,
    cosine_path,
    kinetic_energy,
    kinetic_optimal_path,
)

T = torch.linspace(0.0, 1.0, 2001, dtype=torch.float64)
TWO_POINTS = torch.tensor([[1.0], [-1.0]], dtype=torch.float64)


@pytest.mark.parametrize("dim", [1, 7])
def test_analytic_anchors(dim):
    gauss, apart = Separation.gaussian(dim), Separation.separated(dim)
    # Gaussian data: KE(Cond-OT) / d = 2 - pi / 2; the cosine path leaves N(0, I) fixed
    assert abs(float(kinetic_energy(*cond_ot_path(T), gauss)) / dim - (2 - math.pi / 2)) < 1e-6
    assert abs(float(kinetic_energy(*cosine_path(T), gauss))) < 1e-12
    # lambda = 1: KE / d = 2 (Cond-OT) and pi^2 / 4 (cosine)
    assert abs(float(kinetic_energy(*cond_ot_path(T), apart)) / dim - 2.0) < 1e-6
    assert abs(float(kinetic_energy(*cosine_path(T), apart)) / dim - math.pi**2 / 4) < 1e-6


def _two_point_lambda(s):
    """E tanh^2(s (s + z)), z ~ N(0, 1), by Gauss-Hermite: lambda for data {+1, -1}."""
    z, w = np.polynomial.hermite_e.hermegauss(120)
    return float((w * np.tanh(s * (s + z)) ** 2).sum() / w.sum())


def test_separation_of_two_points_matches_quadrature():
    sep = Separation.from_samples(
        TWO_POINTS, n_mc=40_000, generator=torch.Generator().manual_seed(0)
    )
    assert sep.m2 == 1.0 and sep.dim == 1
    for s in (0.3, 1.0, 2.0):
        lam = float(sep.separation(torch.tensor(s)))
        assert abs(lam - _two_point_lambda(s)) < 1.5e-2, s
    assert float(sep.separation(torch.tensor(0.0))) == pytest.approx(0.0, abs=1e-12)


def test_kinetic_energy_matches_the_velocity_field_by_quadrature():
    """Cond-OT, data {+1, -1}: u_t(x) = -x / sigma + sigma snr' tanh(alpha x / sigma^2)."""
    tq, wt = np.polynomial.legendre.leggauss(200)
    tq, wt = 0.5 * (tq + 1), 0.5 * wt
    z, wz = np.polynomial.hermite_e.hermegauss(120)
    wz = wz / wz.sum()
    total = 0.0
    for t, w in zip(tq, wt):
        a, s = t, 1 - t
        x = a + s * z  # x1 = +1 (the other point is symmetric)
        u = -x / s + s / s**2 * np.tanh(a * x / s**2)  # snr' = 1 / (1 - t)^2
        total += w * float((wz * u**2).sum())
    sep = Separation.from_samples(
        TWO_POINTS, n_mc=40_000, grid=97, generator=torch.Generator().manual_seed(1)
    )
    assert float(kinetic_energy(*cond_ot_path(T), sep)) == pytest.approx(total, rel=1e-2)


def test_optimal_schedule_limits():
    apart = kinetic_optimal_path(Separation.separated(3), n_steps=16, max_iter=60)
    assert apart["energy"] == pytest.approx(apart["cond_ot"], rel=1e-6)  # Cond-OT optimal
    torch.testing.assert_close(apart["alpha"], apart["t"], atol=1e-3, rtol=0)  # O(h^2) grid
    gauss = kinetic_optimal_path(Separation.gaussian(3), n_steps=16, max_iter=60)
    assert abs(gauss["energy"]) < 1e-10 < gauss["cond_ot"]


def test_optimal_schedule_beats_cond_ot_and_cosine_on_data():
    g = torch.Generator().manual_seed(2)
    sep = Separation.from_samples(TWO_POINTS, n_mc=4096, generator=g)
    res = kinetic_optimal_path(sep, n_steps=32, max_iter=200)
    assert 0.0 <= res["energy"] < 0.9 * min(res["cond_ot"], res["cosine"])
    assert float(res["alpha"][0]) == 0.0 and float(res["sigma"][-1]) == 0.0
    # the reported energy is that of the returned schedule
    assert float(kinetic_energy(res["alpha"], res["sigma"], sep)) == pytest.approx(res["energy"])


def test_bad_input_is_explained():
    with pytest.raises(ShapeError, match="same grid"):
        kinetic_energy(torch.zeros(3), torch.zeros(4), Separation.gaussian(1))
    with pytest.raises(ShapeError, match=r"\(n, d\)"):
        Separation.from_samples(torch.zeros(5))
    with pytest.raises(ParameterError, match="second moment"):
        Separation.from_samples(torch.zeros(5, 2))
    with pytest.raises(ParameterError, match="n_steps"):
        kinetic_optimal_path(Separation.gaussian(1), n_steps=1)


def test_optimal_schedule_approaches_cond_ot_as_n_over_sqrt_d_shrinks():
    """Shaul et al. (2023): lambda -> 1 as n / sqrt(d) -> 0, so Cond-OT becomes optimal."""
    g = torch.Generator().manual_seed(0)
    gaps = []
    for d in (4, 64, 1024):
        x = torch.randn(10, d, generator=g, dtype=torch.float64)
        res = kinetic_optimal_path(
            Separation.from_samples(x, n_mc=512, grid=65, generator=g), n_steps=32, max_iter=100
        )
        assert res["energy"] <= min(res["cond_ot"], res["cosine"])
        gaps.append(1.0 - res["energy"] / res["cond_ot"])
    assert gaps[0] > gaps[1] > gaps[2] > 0.0
    assert gaps[0] > 0.1 and gaps[2] < 0.02
