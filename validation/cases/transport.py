"""Optimal-transport claims: own Sinkhorn against the Gaussian closed form, and the
empirical 1-D Wasserstein rate, each with a broken variant that must FAIL.

* ``transport.sinkhorn.gaussian_closed_form``: log-domain Sinkhorn on a fine 1-D grid
  reproduces Janati et al.'s entropic OT between Gaussians to 1e-6 relative, across
  ``sigma^2``. Broken: ``reg = sigma^2`` instead of ``2 sigma^2`` (the classic factor-2
  convention bug).
* ``transport.empirical.w1_rate``: ``E W1(mu_n, nu_n)`` between two n-samples of N(0, 1)
  decays as ``n^-1/2`` (d = 1). Broken: the second sample is drawn from N(0.3, 1), so the
  error stalls at the population distance (slope 0).
"""

from __future__ import annotations

import numpy as np
import torch

from sciml.solvers.transport import entropic_gaussian, sinkhorn, wasserstein_1d

from ..registry import Measurement, register
from ..rules import BelowTolerance, TwoSidedSlope

SIGMA2 = (0.25, 0.5, 1.0, 2.0, 4.0)
_GRID = torch.linspace(-12.0, 14.0, 801, dtype=torch.float64)


def _gaussian_errors(factor: float) -> Measurement:
    x = _GRID
    a = torch.exp(-0.5 * x**2)
    b = torch.exp(-0.5 * (x - 1.0) ** 2 / 4.0)
    a, b = a / a.sum(), b / b.sum()
    C = (x[:, None] - x[None]) ** 2
    err = []
    for s2 in SIGMA2:
        exact = float(entropic_gaussian([0.0], [[1.0]], [1.0], [[4.0]], s2).value)
        value = float(sinkhorn(a, b, C, factor * s2, method="scaling").value.value)
        err.append(abs(value / exact - 1.0))
    return Measurement(SIGMA2, err)


def _gaussian_broken(seed) -> Measurement:
    """reg = sigma^2: the Janati regulariser is 2 sigma^2 KL."""
    return _gaussian_errors(1.0)


@register(
    name="transport.sinkhorn.gaussian_closed_form",
    statement="Sinkhorn on an 801-point grid reproduces the closed-form entropic OT value "
    "between N(0, 1) and N(1, 4) to 1e-6 relative for sigma^2 in [0.25, 4] (reg = 2 sigma^2).",
    source="Janati, Muzellec, Peyre, Cuturi, NeurIPS 2020, thm. 1; Mallasto et al. 2021",
    variable="sigma2",
    scale="loglog",
    rule=BelowTolerance(1e-6),
    broken=_gaussian_broken,
)
def gaussian_closed_form(seed) -> Measurement:
    """Relative error of the full entropic objective against the closed form."""
    return _gaussian_errors(2.0)


_NS = (32, 64, 128, 256, 512, 1024, 2048)
_REPLICATES = 200


def _w1_errors(seed, shift: float) -> Measurement:
    if not isinstance(seed, np.random.SeedSequence):
        seed = np.random.SeedSequence(seed)
    means = []
    for child, n in zip(seed.spawn(len(_NS)), _NS):
        rng = np.random.default_rng(child)
        x = torch.from_numpy(rng.standard_normal((n, _REPLICATES)))
        y = torch.from_numpy(rng.standard_normal((n, _REPLICATES)) + shift)
        means.append(float(wasserstein_1d(x, y, p=1).mean()))
    return Measurement(_NS, means, replicates=_REPLICATES)


def _w1_broken(seed) -> Measurement:
    """The second sample comes from N(0.3, 1): the distance tends to 0.3, not 0."""
    return _w1_errors(seed, 0.3)


@register(
    name="transport.empirical.w1_rate",
    statement="E W1 between two independent n-samples of N(0, 1) decays as n^-1/2.",
    source="Bobkov & Ledoux, One-dimensional empirical measures, order statistics and "
    "Kantorovich transport distances (2019), sec. 3; del Barrio, Gine & Matran (1999)",
    variable="n",
    scale="loglog",
    rule=TwoSidedSlope(-0.5, 0.1),
    broken=_w1_broken,
)
def w1_rate(seed) -> Measurement:
    """200 replicates per n, W1 by sorting (wasserstein_1d, one batched call per n)."""
    return _w1_errors(seed, 0.0)
