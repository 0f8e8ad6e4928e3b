"""PDE problem families: seeded input samplers and their discretizations on tensor grids.

Stationary linear families (``sample_inputs``, ``assemble``, ``solve``,
``solution_field``): :class:`Darcy`, :class:`Poisson`, :class:`Helmholtz`,
:class:`ConvectionDiffusion`, :class:`FrequencySweep`. Time-dependent: :class:`Heat`
(backward-Euler step systems), :class:`Burgers1D` and :class:`NavierStokes2D`
(pseudo-spectral, batched in torch). Inputs come from Gaussian random fields
(:class:`NeumannGRF`, :class:`DirichletGRF`, :class:`PeriodicGRF`) drawn per sample
(:mod:`.seeding`), and :mod:`.manufactured` measures every stationary discretization's order.

Examples
--------
>>> from sciml.solvers.pde import Darcy
>>> darcy = Darcy(17)
>>> a = darcy.sample_inputs(2, rng=0)
>>> u = darcy.solve(a)
>>> tuple(u.values.shape), darcy.parameters["coefficient"]
((2, 1, 17, 17), 'threshold')
"""

from ._checks import ParameterError
from .burgers import Burgers1D
from .convection_diffusion import ConvectionDiffusion
from .darcy import Darcy
from .family import AbstractLinearFamily, AbstractProblemFamily, AbstractStationaryFamily
from .grf import AbstractGaussianRandomField, DirichletGRF, NeumannGRF, PeriodicGRF
from .heat import Heat
from .helmholtz import Helmholtz
from .manufactured import (
    ManufacturedProblem,
    convection_diffusion_problem,
    darcy_problem,
    discretization_errors,
    helmholtz_problem,
    mms_errors,
    observed_order,
    poisson_problem,
    sweep_problem,
)
from .navier_stokes import NavierStokes2D
from .poisson import Poisson
from .seeding import root_sequence, sample_generators, sample_sequences
from .sweep import FrequencySweep

__all__ = [
    "AbstractGaussianRandomField",
    "AbstractLinearFamily",
    "AbstractProblemFamily",
    "AbstractStationaryFamily",
    "Burgers1D",
    "ConvectionDiffusion",
    "Darcy",
    "DirichletGRF",
    "FrequencySweep",
    "Heat",
    "Helmholtz",
    "ManufacturedProblem",
    "NavierStokes2D",
    "NeumannGRF",
    "ParameterError",
    "PeriodicGRF",
    "Poisson",
    "convection_diffusion_problem",
    "darcy_problem",
    "discretization_errors",
    "helmholtz_problem",
    "mms_errors",
    "observed_order",
    "poisson_problem",
    "root_sequence",
    "sample_generators",
    "sample_sequences",
    "sweep_problem",
]
