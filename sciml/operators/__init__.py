"""Neural operators on the core's function-space types.

Models (each an :class:`AbstractOperator`, rebuilt from ``spec()`` by :func:`build`):

* :class:`FNO` -- Fourier neural operator in 1-D/2-D/3-D, dense or Tucker/CP-factorized
  spectral weights (TFNO), domain padding in domain units, coordinate embeddings;
* :class:`MultigridPatching` -- MG-TFNO's patches with multigrid context around any model;
* :class:`MgNO` -- multigrid neural operator, every linear map a V-cycle;
* :class:`DeepONet` and :class:`PODDeepONet` -- branch/trunk operators, Cartesian product;
* :class:`T1` -- transform once: one FFT/DCT in, all layers on frequency coefficients.

Grid models take a :class:`~sciml.core.Field` (and return one on the same grid) or a raw
tensor ``(B, c, *shape)`` read on ``TensorGrid.uniform(shape)`` (see :mod:`.embedding`).
This package imports only :mod:`sciml.core`.
"""

from .base import MODELS, AbstractOperator, build, parameter_count, seeded
from .deeponet import DeepONet
from .factorized import AbstractSpectralWeight, CPWeight, DenseWeight, TuckerWeight
from .fno import FNO, Compression
from .mgno import MgNO
from .patching import MultigridPatching
from .pod_deeponet import PODDeepONet
from .spectral_conv import SpectralConv
from .t1 import T1
from .vcycle import VCycle

__all__ = [
    "AbstractOperator",
    "AbstractSpectralWeight",
    "CPWeight",
    "Compression",
    "DeepONet",
    "DenseWeight",
    "FNO",
    "MODELS",
    "MgNO",
    "MultigridPatching",
    "PODDeepONet",
    "SpectralConv",
    "T1",
    "TuckerWeight",
    "VCycle",
    "build",
    "parameter_count",
    "seeded",
]
