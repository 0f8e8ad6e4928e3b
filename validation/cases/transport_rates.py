"""Rates of optimal-transport estimators and the kinetic-energy quadrature, each with a
broken variant that must FAIL.

* ``transport.empirical.w2_rate_d5`` / ``_d10``: ``E W2^2(mu_n, nu_n)`` between two
  independent n-samples of the uniform measure on the flat torus ``T^d`` decays as
  ``n^(-2/d)`` (d = 5, 10; the torus removes the boundary terms that bend the slope on the
  cube at these ``n``). Broken: ``W2`` instead of ``W2^2`` (POT's ``emd2`` returns the
  squared distance for a squared cost; taking a root halves the slope).
* ``transport.entropic.plugin_rate``: the plug-in estimator of the full entropic OT value
  between two Gaussians in d = 10 converges at ``n^(-1/2)``, independent of the dimension.
  Broken: the unregularised plug-in ``W2^2(mu_n, nu_n)`` against the Bures value, whose
  error decays at the dimension-dependent ``n^(-2/d)``.
* ``transport.kinetic.energy_order``: the kinetic energy of the Cond-OT path for Gaussian
  data (exact ``d (2 - pi / 2)``) computed by :func:`kinetic_energy` on ``N`` intervals
  is second order in ``1 / N``. Broken: the separation function of infinitely separated
  data in place of the Gaussian one (the energy converges to the wrong value).
"""

from __future__ import annotations

import math

import numpy as np
import ot
import torch

from sciml.solvers.transport import (
    Separation,
    bures_w2_squared,
    cond_ot_path,
    cost_matrix,
    entropic_gaussian,
    kinetic_energy,
    sinkhorn,
)

from ..registry import Measurement, register
from ..rules import TwoSidedSlope


def _seed_sequence(seed) -> np.random.SeedSequence:
    return seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)


# ---------------------------------------------------------------- W2^2 on the flat torus

_W2_NS = (64, 128, 256, 512, 1024)
_W2_REPLICATES = 3


def _torus_cost(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Squared geodesic distance on ``[0, 1)^d`` with periodic identification."""
    gap = np.abs(x[:, None, :] - y[None, :, :])
    return (np.minimum(gap, 1.0 - gap) ** 2).sum(-1)


def _w2_torus(seed, dim: int, power: float) -> Measurement:
    means = []
    for child, n in zip(_seed_sequence(seed).spawn(len(_W2_NS)), _W2_NS):
        rng = np.random.default_rng(child)
        values = []
        for _ in range(_W2_REPLICATES):
            x, y = rng.random((n, dim)), rng.random((n, dim))
            values.append(ot.emd2([], [], _torus_cost(x, y), numItermax=10**7) ** power)
        means.append(float(np.mean(values)))
    return Measurement(_W2_NS, means, replicates=_W2_REPLICATES)


def _register_w2(dim: int, tolerance: float) -> None:
    def broken(seed) -> Measurement:
        """W2 (the root of emd2's value) instead of W2^2: slope -1/d."""
        return _w2_torus(seed, dim, 0.5)

    def run(seed) -> Measurement:
        return _w2_torus(seed, dim, 1.0)

    run.__doc__ = f"Mean exact W2^2 (network simplex) over {_W2_REPLICATES} pairs per n, d={dim}."
    register(
        name=f"transport.empirical.w2_rate_d{dim}",
        statement=f"E W2^2 between two independent n-samples of the uniform measure on the "
        f"flat torus T^{dim} decays as n^(-2/{dim}).",
        source="Fournier & Guillin, PTRF 162 (2015), thm. 1 (d > 4); Dudley (1969)",
        variable="n",
        scale="loglog",
        rule=TwoSidedSlope(-2.0 / dim, tolerance),
        broken=broken,
    )(run)


_register_w2(5, 0.07)
_register_w2(10, 0.04)


# ---------------------------------------------------------------- entropic plug-in estimator

_ENT_DIM = 10
_ENT_SIGMA2 = 4.0  # Janati's sigma^2; reg = 2 sigma^2 for the cost ||x - y||^2
_ENT_NS = (128, 192, 288, 432, 648, 972)
_ENT_REPLICATES = (512, 400, 320, 256, 200, 160)


def _gaussian_pair():
    d = _ENT_DIM
    m1 = torch.full((d,), d**-0.5, dtype=torch.float64)
    s1 = torch.diag(torch.linspace(0.5, 2.0, d, dtype=torch.float64))
    return torch.zeros(d, dtype=torch.float64), torch.eye(d, dtype=torch.float64), m1, s1


def _plugin_errors(seed, entropic: bool, replicates: tuple[int, ...]) -> Measurement:
    m0, s0, m1, s1 = _gaussian_pair()
    if entropic:
        exact = float(entropic_gaussian(m0, s0, m1, s1, _ENT_SIGMA2).value)
    else:
        exact = float(bures_w2_squared(m0, s0, m1, s1))
    chol = torch.linalg.cholesky(s1)
    errors = []
    for child, n, reps in zip(_seed_sequence(seed).spawn(len(_ENT_NS)), _ENT_NS, replicates):
        g = torch.Generator().manual_seed(int(child.generate_state(1)[0]))
        err = []
        for _ in range(reps):
            x = torch.randn(n, _ENT_DIM, generator=g, dtype=torch.float64)
            y = m1 + torch.randn(n, _ENT_DIM, generator=g, dtype=torch.float64) @ chol.T
            C = cost_matrix(x, y)
            if entropic:
                value = float(
                    sinkhorn(None, None, C, 2.0 * _ENT_SIGMA2, method="scaling").value.value
                )
            else:
                value = float(ot.emd2([], [], C.numpy(), numItermax=10**7))
            err.append(abs(value - exact))
        errors.append(float(np.mean(err)))
    return Measurement(_ENT_NS, errors, replicates=min(replicates))


def _plugin_broken(seed) -> Measurement:
    """Unregularised plug-in W2^2 against the Bures value: the curse of dimension (its
    error is mostly bias, so a quarter of the replicates suffice)."""
    return _plugin_errors(seed, False, tuple(r // 4 for r in _ENT_REPLICATES))


@register(
    name="transport.entropic.plugin_rate",
    statement="In d = 10, the plug-in estimate of the entropic OT value (sigma^2 = 4) between "
    "two Gaussians from n samples each has mean absolute error decaying as n^(-1/2).",
    source="Genevay, Chizat, Bach, Cuturi, Peyre, AISTATS 2019; Mena & Niles-Weed, NeurIPS "
    "2019, thm. 2; closed form: Janati et al., NeurIPS 2020",
    variable="n",
    scale="loglog",
    rule=TwoSidedSlope(-0.5, 0.15),
    broken=_plugin_broken,
    tier="slow",
)
def plugin_rate(seed) -> Measurement:
    """Mean |Sinkhorn(mu_n, nu_n) - closed form| over 160-512 replicates per n (slow tier:
    the sampling noise of the mean needs them)."""
    return _plugin_errors(seed, True, _ENT_REPLICATES)


# ---------------------------------------------------------------- kinetic-energy quadrature

_KE_NS = (8, 16, 32, 64, 128)
_KE_DIM = 3


def _energy_errors(sep: Separation) -> Measurement:
    exact = _KE_DIM * (2.0 - math.pi / 2.0)
    errors = []
    for n in _KE_NS:
        t = torch.linspace(0.0, 1.0, n + 1, dtype=torch.float64)
        errors.append(abs(float(kinetic_energy(*cond_ot_path(t), sep)) - exact))
    return Measurement(_KE_NS, errors)


def _energy_broken(seed) -> Measurement:
    """The separated-data limit (lambda = 1) in place of the Gaussian separation function:
    the energy tends to 2 d, the error stalls at d pi / 2."""
    return _energy_errors(Separation.separated(_KE_DIM))


@register(
    name="transport.kinetic.energy_order",
    statement="The kinetic energy of the Cond-OT path for Gaussian data, d (2 - pi/2), is "
    "computed to second order in the number of time intervals.",
    source="Shaul, Chen, Nickel, Le, Lipman, ICML 2023, sec. 4 (kinetic energy of Gaussian paths)",
    variable="N",
    scale="loglog",
    rule=TwoSidedSlope(-2.0, 0.15),
    broken=_energy_broken,
)
def energy_order(seed) -> Measurement:
    """|kinetic_energy(Cond-OT) - d (2 - pi/2)| for N = 8 ... 128."""
    return _energy_errors(Separation.gaussian(_KE_DIM))
