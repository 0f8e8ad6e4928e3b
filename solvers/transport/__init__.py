"""Optimal transport and Schroedinger bridges: Sinkhorn, Gaussian closed forms, Monge gap,
Light Schroedinger Bridge (training: :mod:`.lightsb_fit`; mixtures benchmark:
:mod:`.lightsb_benchmark`), kinetic energy of Gaussian probability paths (:mod:`.kinetic`).

Conventions: costs are ``||x - y||^2`` unless a function says otherwise; ``reg`` multiplies
``KL(P || a b^T)``; values named ``*_squared`` are squared distances.
"""

from .costs import cost_matrix
from .divergence import sinkhorn_divergence
from .eot_benchmark import MixtureBenchmark, cbw2_uvp
from .exact import emd, emd2, wasserstein_1d
from .gaussian import (
    EntropicGaussian,
    GaussianBridge,
    bures_map,
    bures_w2_squared,
    entropic_gaussian,
    sqrtm_spd,
)
from .kinetic import (
    Separation,
    cond_ot_path,
    cosine_path,
    kinetic_energy,
    kinetic_optimal_path,
)
from .lightsb import LightSB
from .lightsb_benchmark import run_lightsb_benchmark
from .lightsb_fit import fit_lightsb
from .monge_gap import fit_map, monge_gap
from .online import OnlineSinkhornResult, sinkhorn_online
from .sinkhorn import SinkhornResult, sinkhorn

__all__ = [
    "EntropicGaussian",
    "GaussianBridge",
    "LightSB",
    "MixtureBenchmark",
    "OnlineSinkhornResult",
    "Separation",
    "SinkhornResult",
    "bures_map",
    "bures_w2_squared",
    "cbw2_uvp",
    "cond_ot_path",
    "cosine_path",
    "cost_matrix",
    "emd",
    "emd2",
    "entropic_gaussian",
    "fit_lightsb",
    "fit_map",
    "kinetic_energy",
    "kinetic_optimal_path",
    "monge_gap",
    "run_lightsb_benchmark",
    "sinkhorn",
    "sinkhorn_divergence",
    "sinkhorn_online",
    "sqrtm_spd",
    "wasserstein_1d",
]
