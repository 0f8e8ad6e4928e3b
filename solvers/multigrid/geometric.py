r"""Geometric multigrid for SPD matrices on the interior nodes of vertex-centred grids."""

from __future__ import annotations

import time
from typing import final

import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import LinearOperator, splu

from sciml.core import ParameterError, ShapeError, Solution, Status, TensorGrid
from sciml.core.errors import explain

from ._levels import build_hierarchy

__all__ = ["GeometricMultigrid", "default_omega"]

_CYCLES = ("V", "W")


def default_omega(ndim: int) -> float:
    r"""The weighted-Jacobi damping that minimizes the smoothing factor of the
    :math:`(2d+1)`-point Laplacian: :math:`\omega = 2/3` in 1-D, :math:`4/5` in 2-D
    (Briggs, Henson & McCormick 2000, ch. 2 and 4; in ``d`` dimensions
    :math:`2d/(2d+1)`).

    Examples
    --------
    >>> default_omega(1), default_omega(2)
    (0.6666666666666666, 0.8)
    """
    return 2.0 * ndim / (2.0 * ndim + 1.0)


def _choice(value, allowed, name: str, fix: str) -> str:
    if value not in allowed:
        raise ParameterError(
            explain(
                f"unknown {name}",
                expected=" | ".join(repr(a) for a in allowed),
                received=repr(value),
                fix=fix,
            )
        )
    return value


def _count(value, name: str, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ParameterError(
            explain(
                f"{name} must be an integer >= {minimum}",
                expected=f"{name} >= {minimum}",
                received=repr(value),
                fix=f"pass e.g. {name}={max(minimum, 2)}",
            )
        )
    return int(value)


def _check_matrix(A, grid: TensorGrid) -> sp.csr_matrix:
    if not isinstance(grid, TensorGrid):
        raise ParameterError(
            explain(
                "GeometricMultigrid needs the TensorGrid the matrix was assembled on",
                expected="a TensorGrid of vertex axes (boundary nodes included)",
                received=type(grid).__name__,
                fix="pass family.grid, e.g. Darcy(65).grid",
            )
        )
    n = int(np.prod([m - 2 for m in grid.shape]))
    shape = getattr(A, "shape", None)
    if shape is None or len(shape) != 2 or shape[0] != shape[1] or shape[0] != n:
        raise ShapeError(
            explain(
                f"the matrix does not act on the interior nodes of a grid of shape {grid.shape}",
                expected=f"a square matrix of shape ({n}, {n}) (prod(R_i - 2) interior unknowns)",
                received=f"shape {shape}",
                fix="pass the grid the matrix was assembled on (boundary nodes included)",
            )
        )
    A = sp.csr_matrix(A, dtype=np.float64)
    diag = A.diagonal()
    if not np.all(np.isfinite(A.data)) or not np.all(diag > 0):
        raise ParameterError(
            explain(
                "Jacobi smoothing needs a finite matrix with a positive diagonal",
                expected="a symmetric positive definite matrix",
                received=f"min diagonal {diag.min():.3g}, finite={np.all(np.isfinite(A.data))}",
                fix="check the coefficients; for indefinite systems use GMRES or a direct solve",
            )
        )
    return A


@final
class GeometricMultigrid:
    r"""Geometric multigrid V/W cycles for a symmetric positive definite matrix on the
    interior nodes of a 1-D or 2-D vertex-centred grid (zero Dirichlet boundary values).

    Components, level :math:`\ell` finest (:math:`\ell = 0`) to coarsest (:math:`L - 1`):

    * prolongation :math:`P_\ell`: (bi)linear interpolation between the interior nodes,
      the Kronecker product of the core's 1-D :func:`~sciml.core.prolongation_matrix`
      restricted to interior nodes (:func:`interior_prolongation`);
    * restriction :math:`R_\ell = W_c^{-1} P_\ell^T W_f = (h_f/h_c)^d P_\ell^T` (uniform
      axes: all interior weights equal), i.e. full weighting: :math:`P^T/2` in 1-D
      (stencil :math:`\tfrac14[1, 2, 1]`) and :math:`P^T/4` in 2-D
      (:math:`\tfrac1{16}[1,2,1]\otimes[1,2,1]`), the same map as :func:`sciml.core.restrict`;
    * Galerkin coarse operators :math:`A_{\ell+1} = R_\ell A_\ell P_\ell`: symmetric
      positive definite because :math:`R_\ell` is a constant multiple of :math:`P_\ell^T`,
      and faithful to variable coefficients (Darcy) without rediscretizing;
    * weighted Jacobi smoothing :math:`x \leftarrow x + \omega D^{-1}(b - A x)`, ``pre``
      sweeps before and ``post`` after the coarse correction;
    * a sparse LU solve on the coarsest level.

    With ``pre == post`` the cycle is a symmetric operator, so :meth:`aspreconditioner` can
    precondition CG.

    Parameters
    ----------
    A : sparse matrix of shape (n, n)
        SPD, ``n = prod(R_i - 2)``, unknowns in C order (first axis slowest).
    grid : TensorGrid
        The vertex grid the matrix was assembled on, boundary nodes included
        (``Axis.uniform(R, (0, 1))`` per axis).
    levels : int, optional
        Number of grids, finest included (default: as many as the sizes allow, down to one
        interior node per axis).
    smoother : {"jacobi"}
    omega : float, optional
        Jacobi damping. Default :func:`default_omega`: ``2/3`` in 1-D, ``4/5`` in 2-D (the
        damping that minimizes the smoothing factor of the 5-point Laplacian; ``2/3`` there
        gives a smoothing factor 0.67 instead of 0.6). ``omega=1`` does not damp the
        checkerboard mode in 2-D, and the cycle stops converging as ``h -> 0``.
    pre, post : int
        Smoothing sweeps before and after the coarse correction.
    cycle : {"V", "W"}
        One (V) or two (W) recursive coarse corrections per level.
    coarse : {"direct"}
        Coarsest-level solver.
    nested : bool
        True (default): standard coarsening ``R = 2^k m + 1 -> 2^(k-1) m + 1`` only;
        sizes that do not allow ``levels`` raise ParameterError. False: coarsen any size to
        ``(R + 1) // 2`` nodes, nested where the cell count is even, non-nested linear
        interpolation elsewhere (Galerkin keeps the coarse operators SPD).

    Attributes
    ----------
    grids : tuple of TensorGrid
    operators : list of csr_matrix
        :math:`A_\ell`, finest first.
    prolongations, restrictions : list of csr_matrix

    Raises
    ------
    ShapeError
        The matrix does not match the grid's interior.
    ParameterError
        Invalid options, or levels the grid sizes do not allow (naming the nearest valid
        sizes).

    Examples
    --------
    >>> from sciml.solvers.pde import Poisson
    >>> p = Poisson(33)
    >>> A, b = p.assemble(p.sample_inputs(1, rng=0)[0])
    >>> mg = GeometricMultigrid(A, p.grid)
    >>> len(mg.grids), mg.omega
    (5, 0.8)
    >>> sol = mg.solve(b, rtol=1e-10)
    >>> sol.ok, sol.stats["convergence_factor"] < 0.2
    (True, True)
    """

    def __init__(
        self,
        A,
        grid: TensorGrid,
        *,
        levels: int | None = None,
        smoother: str = "jacobi",
        omega: float | None = None,
        pre: int = 2,
        post: int = 2,
        cycle: str = "V",
        coarse: str = "direct",
        nested: bool = True,
    ):
        A = _check_matrix(A, grid)
        if grid.ndim not in (1, 2):
            raise ParameterError(
                explain(
                    "GeometricMultigrid supports 1-D and 2-D grids",
                    expected="grid.ndim in (1, 2)",
                    received=f"ndim={grid.ndim}",
                    fix="use sciml.solvers.krylov.amg for other dimensions",
                )
            )
        self.smoother = _choice(smoother, ("jacobi",), "smoother", "pass smoother='jacobi'")
        self.cycle = _choice(cycle, _CYCLES, "cycle", "pass cycle='V' or cycle='W'")
        self.coarse = _choice(coarse, ("direct",), "coarse solver", "pass coarse='direct'")
        self.omega = default_omega(grid.ndim) if omega is None else float(omega)
        if not 0.0 < self.omega <= 2.0:
            raise ParameterError(
                explain(
                    "Jacobi damping out of range",
                    expected="0 < omega <= 2 (4/5 in 2-D, 2/3 in 1-D)",
                    received=repr(omega),
                    fix="pass omega=None for the optimal damping",
                )
            )
        self.pre = _count(pre, "pre", 0)
        self.post = _count(post, "post", 0)
        if self.pre + self.post == 0:
            raise ParameterError(
                explain(
                    "a multigrid cycle needs smoothing",
                    expected="pre + post >= 1",
                    received=f"pre={pre}, post={post}",
                    fix="pass pre=2, post=2",
                )
            )
        self.grids, self.prolongations = build_hierarchy(grid, levels, nested=bool(nested))
        self.restrictions, self.operators = [], [A]
        for fine, coarse_grid, P in zip(self.grids, self.grids[1:], self.prolongations):
            scale = float(
                np.prod([c.spacing / f.spacing for f, c in zip(fine.axes, coarse_grid.axes)])
            )
            R = sp.csr_matrix(P.T / scale)
            self.restrictions.append(R)
            self.operators.append(sp.csr_matrix(R @ (self.operators[-1] @ P)))
        self._dinv = [1.0 / Al.diagonal() for Al in self.operators[:-1]]
        self._lu = splu(sp.csc_matrix(self.operators[-1]))

    @property
    def shape(self) -> tuple[int, int]:
        """Shape of the finest operator."""
        return self.operators[0].shape

    # ------------------------------------------------------------------ cycle
    def _smooth(self, level: int, x: np.ndarray, b: np.ndarray, sweeps: int) -> np.ndarray:
        A, dinv = self.operators[level], self._dinv[level]
        for _ in range(sweeps):
            x = x + self.omega * dinv * (b - A @ x)
        return x

    def _cycle(self, level: int, x: np.ndarray, b: np.ndarray) -> np.ndarray:
        if level == len(self.operators) - 1:
            return self._lu.solve(b)
        x = self._smooth(level, x, b, self.pre)
        rc = self.restrictions[level] @ (b - self.operators[level] @ x)
        ec = np.zeros_like(rc)
        repeats = 2 if self.cycle == "W" and level + 2 < len(self.operators) else 1
        for _ in range(repeats):
            ec = self._cycle(level + 1, ec, rc)
        x = x + self.prolongations[level] @ ec
        return self._smooth(level, x, b, self.post)

    def apply(self, r: np.ndarray) -> np.ndarray:
        """One cycle on ``A e = r`` from ``e = 0``: the preconditioner :math:`B r`,
        shape ``(n,)``."""
        r = np.asarray(r, dtype=np.float64).ravel()
        return self._cycle(0, np.zeros_like(r), r)

    def aspreconditioner(self) -> LinearOperator:
        """One cycle per application, as a ``LinearOperator`` of shape ``(n, n)``
        (symmetric when ``pre == post``: usable with CG)."""
        return LinearOperator(self.shape, matvec=self.apply, dtype=np.float64)

    # ------------------------------------------------------------------ solve
    def solve(self, b, x0=None, *, rtol: float = 1e-8, max_iter: int = 100) -> Solution:
        r"""Stationary iteration of cycles until :math:`\|b - A x\| \le \text{rtol}\,\|b\|`.

        Parameters
        ----------
        b : array_like of shape (n,)
        x0 : array_like of shape (n,), optional
            Initial guess (default zero).
        rtol : float
        max_iter : int
            Maximum number of cycles.

        Returns
        -------
        Solution
            ``value`` ndarray ``(n,)``; ``stats``: ``iterations`` (cycles),
            ``residual`` (true relative residual), ``residual_history`` (residual norms,
            initial first), ``convergence_factor`` (geometric mean of the residual ratios,
            :math:`(\|r_k\|/\|r_0\|)^{1/k}`), ``levels``, ``seconds``.
        """
        t0 = time.perf_counter()
        A = self.operators[0]
        b = np.asarray(b, dtype=np.float64).ravel()
        if b.shape[0] != A.shape[0]:
            raise ShapeError(
                explain(
                    "right-hand side has the wrong length",
                    expected=f"shape ({A.shape[0]},)",
                    received=f"shape {b.shape}",
                    fix="pass interior values in C order",
                )
            )
        max_iter = _count(max_iter, "max_iter", 0)
        x = np.zeros_like(b) if x0 is None else np.array(x0, dtype=np.float64).ravel()
        bnorm = float(np.linalg.norm(b))
        history = [float(np.linalg.norm(b - A @ x))]
        target = float(rtol) * bnorm
        status = Status.MAX_ITERATIONS
        k = 0
        while True:
            if not np.isfinite(history[-1]):
                status = Status.NONFINITE
                break
            if history[-1] <= target:
                status = Status.SUCCESS
                break
            if k >= max_iter:
                break
            x = self._cycle(0, x, b)
            history.append(float(np.linalg.norm(b - A @ x)))
            k += 1
        factor = (history[-1] / history[0]) ** (1.0 / k) if k and history[0] > 0 else 0.0
        stats = {
            "iterations": k,
            "residual": history[-1] / bnorm if bnorm > 0 else history[-1],
            "residual_history": history,
            "convergence_factor": float(factor),
            "levels": len(self.grids),
            "seconds": time.perf_counter() - t0,
        }
        return Solution(x, status, stats)
