"""sciml: scientific machine learning and numerics on one function-space abstraction.

Subpackages
-----------
sciml.core        domains, axes, tensor grids, point clouds, fields, solutions
sciml.solvers     classical numerics (PDE families, Krylov, multigrid, GP, transport)
sciml.theory      approximation and sampling theory, rate claims
sciml.validation  claim registry, convergence fits, reports (``sciml validate``)

Importing ``sciml`` is cheap: subpackages load on first attribute access.
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

_SUBPACKAGES = ("core", "solvers", "theory", "validation")


def __getattr__(name: str):
    if name in _SUBPACKAGES:
        return importlib.import_module(f"sciml.{name}")
    raise AttributeError(f"module 'sciml' has no attribute {name!r}")


def __dir__():
    return sorted([*globals(), *_SUBPACKAGES])
