"""Gaussian-process PDE solvers with Kronecker structure on tensor grids (spectral mixture
and derivative kernels).

- :mod:`.kernels`: lag profiles with analytic derivatives (SE, Matérn-5/2, spectral mixture);
- :mod:`.gram`: kernel objects, Toeplitz-by-lag Gram and derivative blocks;
- :mod:`.kronecker`: exact Kronecker solve / log-det / quadratic form / derivatives;
- :mod:`.sylvester`: exact separable collocation solve (fast diagonalisation);
- :mod:`.solver`: :class:`KroneckerGPSolver` (exact solves + Adam on the kernel);
- :mod:`.joint`: GP-HM's joint Adam on grid values and kernel (``mode="joint"``);
- :mod:`.periodogram`: refit of spectral mixtures to the periodogram of grid values;
- :mod:`.resolution`: Nyquist checks and :class:`ResolutionWarning`;
- :mod:`.baselines`: finite differences and Chebyshev collocation on the same problems;
- :mod:`.problems`, :mod:`.api`: the benchmarks and ``solve_benchmark``.
"""

from .api import METHODS, solve_benchmark
from .baselines import solve_chebyshev, solve_finite_difference
from .gram import Matern52, SpectralMixture, SquaredExponential, derivative_blocks, lag_matrices
from .kronecker import KroneckerGram, apply_along
from .posterior import ConditionalMean
from .problems import BENCHMARKS, LinearProblem, benchmark
from .resolution import ResolutionWarning
from .solver import KroneckerGPSolver
from .sylvester import solve_separable

__all__ = [
    "BENCHMARKS",
    "METHODS",
    "ConditionalMean",
    "KroneckerGPSolver",
    "KroneckerGram",
    "LinearProblem",
    "ResolutionWarning",
    "Matern52",
    "SpectralMixture",
    "SquaredExponential",
    "apply_along",
    "benchmark",
    "derivative_blocks",
    "lag_matrices",
    "solve_benchmark",
    "solve_chebyshev",
    "solve_finite_difference",
    "solve_separable",
]
