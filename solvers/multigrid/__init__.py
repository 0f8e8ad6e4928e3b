"""Geometric multigrid: V/W cycles with weighted-Jacobi smoothing on tensor-grid hierarchies,
as a solver and a preconditioner.

Examples
--------
>>> import numpy as np
>>> from sciml.solvers.pde import Darcy
>>> from sciml.solvers.krylov import cg
>>> darcy = Darcy(65)
>>> A, b = darcy.assemble(darcy.sample_inputs(1, rng=0)[0])
>>> mg = GeometricMultigrid(A, darcy.grid)
>>> sol = cg(A, b, M=mg.aspreconditioner(), rtol=1e-10)
>>> sol.ok, sol.stats["iterations"] < 20
(True, True)
"""

from ._levels import build_hierarchy, interior_prolongation, max_levels, nearest_valid_sizes
from .geometric import GeometricMultigrid, default_omega
from .square import gmg_preconditioner, square_grid_for

__all__ = [
    "GeometricMultigrid",
    "build_hierarchy",
    "default_omega",
    "gmg_preconditioner",
    "interior_prolongation",
    "max_levels",
    "nearest_valid_sizes",
    "square_grid_for",
]
