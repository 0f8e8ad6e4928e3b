"""Core function-space types: domains, discretizations (points + quadrature weights) and
fields on them. Imports nothing else from sciml."""

from .axis import Axis
from .discretization import Discretization
from .domain import Domain
from .errors import (
    ConvergenceError,
    DiscretizationError,
    ParameterError,
    SciMLError,
    ShapeError,
)
from .field import Field, relative_l2_error
from .grid import TensorGrid
from .interpolation import interpolation_matrix
from .pointcloud import PointCloud
from .solution import Solution, Status
from .tensors import as_tensor
from .transfer import inject, prolong, prolongation_matrix, restrict, restriction_matrix

__all__ = [
    "Axis",
    "ConvergenceError",
    "Discretization",
    "DiscretizationError",
    "Domain",
    "Field",
    "ParameterError",
    "PointCloud",
    "SciMLError",
    "ShapeError",
    "Solution",
    "Status",
    "TensorGrid",
    "as_tensor",
    "inject",
    "interpolation_matrix",
    "prolong",
    "prolongation_matrix",
    "relative_l2_error",
    "restrict",
    "restriction_matrix",
]
