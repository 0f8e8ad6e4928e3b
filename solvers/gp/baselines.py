"""Classical baselines for the GP benchmarks, solved by the same separable exact solve:
second-order finite differences on uniform nodes and Chebyshev collocation on
Chebyshev–Lobatto nodes (tensor differentiation matrices)."""

from __future__ import annotations

import time

import torch

from sciml.core import Axis, Field, Solution, Status, TensorGrid, relative_l2_error

from .problems import LinearProblem
from .semilinear import collocation_solve

__all__ = [
    "finite_difference_matrices",
    "chebyshev_matrices",
    "operator_matrices",
    "solve_finite_difference",
    "solve_chebyshev",
]


def finite_difference_matrices(axis: Axis) -> tuple[torch.Tensor, torch.Tensor]:
    """Centred second-order ``(D1, D2)`` of shape (n, n) on a uniform axis; the boundary
    rows are zero (Dirichlet rows are never used).

    Examples
    --------
    >>> d1, d2 = finite_difference_matrices(Axis.uniform(5, (0.0, 1.0)))
    >>> x = Axis.uniform(5, (0.0, 1.0)).nodes
    >>> d2 @ x**2
    tensor([0., 2., 2., 2., 0.], dtype=torch.float64)
    """
    n, h = axis.n, float(axis.nodes[1] - axis.nodes[0])
    d1 = torch.zeros(n, n, dtype=torch.float64)
    d2 = torch.zeros(n, n, dtype=torch.float64)
    i = torch.arange(1, n - 1)
    d1[i, i - 1], d1[i, i + 1] = -0.5 / h, 0.5 / h
    d2[i, i - 1], d2[i, i], d2[i, i + 1] = 1 / h**2, -2 / h**2, 1 / h**2
    return d1, d2


def chebyshev_matrices(axis: Axis) -> tuple[torch.Tensor, torch.Tensor]:
    """Spectral differentiation matrices ``(D, D^2)`` on Chebyshev–Lobatto nodes, from the
    barycentric formula ``D_ij = (w_j / w_i) / (x_i - x_j)``, ``D_ii = -sum_{j != i} D_ij``
    with weights ``w_j = (-1)^j`` (halved at the ends).

    Examples
    --------
    >>> ax = Axis.chebyshev(6, (0.0, 1.0))
    >>> d1, d2 = chebyshev_matrices(ax)
    >>> bool(torch.allclose(d2 @ ax.nodes**3, 6 * ax.nodes))
    True
    """
    x = axis.nodes.to(torch.float64)
    n = x.numel()
    w = (-1.0) ** torch.arange(n, dtype=torch.float64)
    w[0], w[-1] = 0.5 * w[0], 0.5 * w[-1]
    diff = x[:, None] - x[None, :] + torch.eye(n, dtype=torch.float64)
    d = (w[None, :] / w[:, None]) / diff
    d.fill_diagonal_(0.0)
    d -= torch.diag(d.sum(1))
    return d, d @ d


def operator_matrices(problem: LinearProblem, derivatives) -> list[torch.Tensor]:
    """Per-axis ``M_i = a_i D2_i + b_i D1_i`` (+ ``c I`` on axis 0) from ``(D1_i, D2_i)``."""
    mats = []
    for i, (d1, d2) in enumerate(derivatives):
        m = problem.second[i] * d2 + problem.first[i] * d1
        if i == 0 and problem.zeroth:
            m = m + problem.zeroth * torch.eye(m.shape[0], dtype=m.dtype)
        mats.append(m)
    return mats


def _solve(problem: LinearProblem, grid: TensorGrid, build, method: str) -> Solution:
    start = time.perf_counter()
    f, u = problem.data(grid)
    ops = operator_matrices(problem, [build(a) for a in grid.axes])
    out = collocation_solve(problem, ops, f, u)
    seconds = time.perf_counter() - start
    value = Field(out["values"], grid)
    stats = {
        "method": method,
        "seconds": seconds,
        "rel_l2": float(relative_l2_error(value, Field(u, grid))),
        "min_denominator": out["min_denominator"],
    }
    if "iterations" in out:
        stats["newton_iterations"] = out["iterations"]
        stats["newton_residuals"] = out["residuals"]
    return Solution(value, Status.SUCCESS, stats)


def solve_finite_difference(problem: LinearProblem, n) -> Solution:
    """Second-order finite differences on a uniform grid with ``n`` nodes per axis."""
    return _solve(problem, problem.grid(n, "uniform"), finite_difference_matrices, "fd")


def solve_chebyshev(problem: LinearProblem, n) -> Solution:
    """Chebyshev collocation with ``n`` Chebyshev–Lobatto nodes per axis."""
    return _solve(problem, problem.grid(n, "chebyshev"), chebyshev_matrices, "chebyshev")
