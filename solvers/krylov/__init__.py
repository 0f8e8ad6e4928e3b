"""Krylov solvers (CG, GMRES, GCRO-DR with recycling), preconditioners and solve orderings.

Every solver takes ``A`` as a scipy.sparse matrix, a dense array or a scipy
``LinearOperator``, works in float64 or complex128, and returns a
:class:`sciml.core.Solution` whose ``stats`` hold ``iterations``, ``matvecs`` (every product
with ``A``), ``residual`` (the true ``||b - A x|| / ||b||`` at exit), ``residual_history``
and ``seconds``. Non-convergence is a status, never an exception; invalid arguments raise
:class:`ParameterError` or :class:`sciml.core.ShapeError` (both ``ValueError``).

Which solver: the same matrix for many right-hand sides, :func:`direct` (factor once);
small 2-D problems, :func:`direct`; SPD, :func:`cg` with :func:`amg` (or, on the unit-square
grids of the PDE families, with one geometric-multigrid cycle:
:func:`sciml.solvers.multigrid.gmg_preconditioner`, method ``"gmg_cg"``); nonsymmetric or
indefinite, :func:`gcrodr` (deflated restarting), passing ``state`` along slowly varying
sequences with a frozen preconditioner (:func:`solve_sequence`). Recycling between
unrelated (i.i.d.) systems gains little; measure matvecs against these baselines.
:func:`choose_method` makes that choice by a measured pilot on a few systems of a family,
and :class:`SequenceSolver` runs the chosen method over all of them.

Examples
--------
>>> import numpy as np, scipy.sparse as sp
>>> from sciml.solvers.krylov import cg, amg
>>> A = sp.diags([-1.0, 2.0, -1.0], [-1, 0, 1], shape=(200, 200)).tocsr()
>>> sol = cg(A, np.ones(200), M=amg(A))
>>> sol.ok, sol.stats["residual"] <= 1e-8
(True, True)
"""

from ._checks import ParameterError
from .auto import MethodChoice, SequenceSolver, choose_method, valid_methods
from .cg import ITERATIONS_ORDER_IN_H, cg, cg_error_bound
from .counting import CountingOperator
from .gcrodr import gcrodr
from .gmres import gmres
from .ordering import greedy_order, identity_order, solve_sequence
from .preconditioners import DirectSolver, amg, direct, ilu, jacobi
from .subspace import RecycledSubspace, operator_key

__all__ = [
    "ITERATIONS_ORDER_IN_H",
    "CountingOperator",
    "DirectSolver",
    "MethodChoice",
    "ParameterError",
    "RecycledSubspace",
    "SequenceSolver",
    "amg",
    "cg",
    "cg_error_bound",
    "choose_method",
    "direct",
    "gcrodr",
    "gmres",
    "greedy_order",
    "identity_order",
    "ilu",
    "jacobi",
    "operator_key",
    "solve_sequence",
    "valid_methods",
]
