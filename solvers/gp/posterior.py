"""The GP conditional mean of grid values, evaluable anywhere (tensor-product kernel)."""

from __future__ import annotations

import torch

from sciml.core import ShapeError
from sciml.core.errors import explain

__all__ = ["ConditionalMean"]


class ConditionalMean:
    """``u(x*) = sum_{j} prod_i k_i(x*_i, x_{i, j_i}) alpha_j`` with
    ``alpha = (K_1 ⊗ ... ⊗ K_d)^{-1} vec U``; at the nodes it reproduces ``U`` (up to the
    jitter).

    Parameters
    ----------
    kernels : sequence of kernel objects
    nodes : sequence of torch.Tensor of shape (n_i,)
    alpha : torch.Tensor of shape (n_1, ..., n_d)

    Examples
    --------
    See :class:`sciml.solvers.gp.KroneckerGPSolver`.
    """

    def __init__(self, kernels, nodes, alpha: torch.Tensor):
        self.kernels = tuple(kernels)
        self.nodes = tuple(nodes)
        self.alpha = alpha.detach()

    def __call__(self, x) -> torch.Tensor:
        """Mean at points ``x`` of shape ``(*P, d)``; returns shape ``(*P,)``."""
        x = torch.as_tensor(x, dtype=torch.float64)
        d = len(self.nodes)
        if x.shape[-1] != d:
            raise ShapeError(
                explain(
                    "query points have the wrong dimension",
                    expected=f"shape (..., {d})",
                    received=f"shape {tuple(x.shape)}",
                    fix="stack the coordinates in the last axis",
                )
            )
        pts = x.reshape(-1, d)
        with torch.no_grad():
            cross = [
                k.profile(pts[:, i, None] - xi[None, :], 0)[0]
                for i, (k, xi) in enumerate(zip(self.kernels, self.nodes))
            ]
            t = cross[0] @ self.alpha.reshape(self.alpha.shape[0], -1)
            for i in range(1, d):
                t = t.reshape(pts.shape[0], self.alpha.shape[i], -1)
                t = torch.einsum("pj...,pj->p...", t, cross[i])
        return t.reshape(x.shape[:-1])

    def on(self, grid) -> torch.Tensor:
        """Mean on a tensor grid's nodes, shape ``grid.shape`` (per-axis products)."""
        with torch.no_grad():
            t = self.alpha
            for i, (k, xi) in enumerate(zip(self.kernels, self.nodes)):
                c = k.profile(grid.axes[i].nodes[:, None] - xi[None, :], 0)[0]
                t = torch.movedim(torch.movedim(t, i, -1) @ c.transpose(0, 1), -1, i)
        return t


def midpoint_residual(problem, kernels, nodes, alpha: torch.Tensor) -> float:
    """Relative PDE residual of the conditional mean at the cell midpoints (off the
    collocation nodes): ``||L u - f|| / ||f||`` on the midpoint grid, a label-free error
    indicator (the collocation residual itself is zero by construction). Where ``f``
    is small against the operator's terms (e.g. ``f = 0``), the largest per-axis term's
    norm is the denominator.

    Parameters
    ----------
    problem : LinearProblem
    kernels : sequence of kernel objects
    nodes : sequence of torch.Tensor of shape (n_i,)
    alpha : torch.Tensor of shape (n_1, ..., n_d)
        ``K^{-1} vec U``.
    """
    with torch.no_grad():
        mids = [0.5 * (x[1:] + x[:-1]) for x in nodes]
        blocks = [k.profile(m[:, None] - x[None, :], 2) for k, m, x in zip(kernels, mids, nodes)]
        d = len(nodes)
        total, scale = 0.0, 0.0
        for i in range(d):
            t = alpha
            for j, (c0, c1, c2) in enumerate(blocks):
                mat = problem.second[j] * c2 + problem.first[j] * c1 if j == i else c0
                t = torch.movedim(torch.movedim(t, j, -1) @ mat.transpose(0, 1), -1, j)
            total = total + t
            scale = max(scale, float(torch.linalg.norm(t)))
        if problem.zeroth:
            t = alpha
            for j, (c0, _, _) in enumerate(blocks):
                t = torch.movedim(torch.movedim(t, j, -1) @ c0.transpose(0, 1), -1, j)
            total = total + problem.zeroth * t
        pts = torch.stack(torch.meshgrid(*mids, indexing="ij"), dim=-1)
        f = problem.source(pts)
        # relative to ||f||, or to the largest operator term when f = 0 (advection)
        denom = max(float(torch.linalg.norm(f)), scale, 1e-300)
        return float(torch.linalg.norm(total - f)) / denom
