"""Optimal transport and Schroedinger bridges: Sinkhorn, Gaussian closed forms, Monge gap,
Light Schroedinger Bridge.

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
from .lightsb import LightSB
from .monge_gap import fit_map, monge_gap
from .online import sinkhorn_online
from .sinkhorn import SinkhornResult, sinkhorn

__all__ = [
    "EntropicGaussian",
    "GaussianBridge",
    "LightSB",
    "MixtureBenchmark",
    "SinkhornResult",
    "bures_map",
    "bures_w2_squared",
    "cbw2_uvp",
    "cost_matrix",
    "emd",
    "emd2",
    "entropic_gaussian",
    "fit_map",
    "monge_gap",
    "sinkhorn",
    "sinkhorn_divergence",
    "sinkhorn_online",
    "sqrtm_spd",
    "wasserstein_1d",
]
