"""GP-HM's published optimisation: grid values and kernel hyperparameters learned jointly
by Adam on the penalised objective (no exact solve).

.. math::

    -\\mathcal L(U, \\theta, \\tau, v) = \\tfrac12 \\operatorname{vec}(U)^T K_\\theta^{-1}
        \\operatorname{vec}(U) + \\tfrac12 \\log|K_\\theta|
        + \\lambda_b \\Big(\\tfrac{\\tau}{2} \\lVert U_b - g \\rVert^2
            - \\tfrac{n_b}{2} \\log \\tau\\Big)
        + \\tfrac{v}{2} \\lVert H_\\theta(U) \\rVert^2 - \\tfrac{n_I}{2} \\log v,

``U_b`` the boundary values, ``g`` the Dirichlet data, ``H`` the PDE residual on the
interior nodes (:mod:`.objective`), everything divided by ``N``; ``U = 0``,
``log tau = log v = 0`` initially (GP-HM's init). GP-HM runs 1e5 to 3e6 steps; this is the
slow path that the exact and hybrid modes of :class:`KroneckerGPSolver` avoid.
"""

from __future__ import annotations

import time

import torch

from .objective import negative_log_objective

__all__ = ["joint_objective", "joint_adam"]


def _boundary_mask(shape) -> torch.Tensor:
    mask = torch.ones(shape, dtype=torch.bool)
    mask[tuple(slice(1, n - 1) for n in shape)] = False
    return mask


def joint_objective(
    kernels, nodes, values, rhs, boundary, problem, log_tau, log_v, *, jitter, boundary_weight
) -> torch.Tensor:
    """``-L / N`` (see the module docstring), differentiable in every argument.

    Parameters
    ----------
    kernels : sequence of kernel objects (one per axis)
    nodes : sequence of torch.Tensor of shape (n_i,)
    values, rhs, boundary : torch.Tensor of shape (n_1, ..., n_d)
        Grid values ``U``, source ``f`` and Dirichlet data (boundary entries used).
    problem : LinearProblem
    log_tau, log_v : torch.Tensor, scalar
    jitter : float
    boundary_weight : float
        ``lambda_b`` (GP-HM: 200, 500 for advection).

    Returns
    -------
    torch.Tensor, scalar
    """
    n_total = values.numel()
    v = torch.exp(log_v)
    base = negative_log_objective(
        kernels, nodes, values, rhs, problem, jitter=jitter, residual_weight=v
    )
    mask = _boundary_mask(values.shape)
    n_b = int(mask.sum())
    n_i = n_total - n_b
    tau = torch.exp(log_tau)
    misfit = ((values - boundary)[mask] ** 2).sum()
    extra = boundary_weight * (0.5 * tau * misfit - 0.5 * n_b * log_tau) - 0.5 * n_i * log_v
    return base + extra / n_total


def joint_adam(
    kernels,
    grid,
    problem,
    rhs,
    boundary,
    *,
    steps: int,
    lr: float = 1e-2,
    jitter: float = 1e-6,
    boundary_weight: float = 200.0,
    time_limit: float | None = None,
    record_every: int = 50,
    reference: torch.Tensor | None = None,
) -> dict:
    """Run Adam on :func:`joint_objective` from ``U = 0``.

    Parameters
    ----------
    kernels : sequence of kernel objects (their parameters are updated in place)
    grid : TensorGrid
    problem : LinearProblem
    rhs, boundary : torch.Tensor of shape ``grid.shape``
    steps : int
        Maximum number of Adam steps.
    lr : float
        Adam learning rate (GP-HM: 1e-2).
    jitter : float
    boundary_weight : float
    time_limit : float, optional
        Stop after this many seconds (the step count reached is reported).
    record_every : int
        Record the objective (and the error, given ``reference``) every so many steps.
    reference : torch.Tensor, optional
        Exact values, only for the recorded error history (never used by the optimiser).

    Returns
    -------
    dict
        ``"values"`` (the final iterate), ``"steps"``, ``"history"`` (list of
        ``{"step", "objective", "seconds"[, "rel_l2"]}``), ``"log_tau"``, ``"log_v"``.
    """
    nodes = [ax.nodes for ax in grid.axes]
    u = torch.zeros(grid.shape, dtype=torch.float64, requires_grad=True)
    log_tau = torch.zeros((), dtype=torch.float64, requires_grad=True)
    log_v = torch.zeros((), dtype=torch.float64, requires_grad=True)
    params = [u, log_tau, log_v] + [p.requires_grad_() for k in kernels for p in k.parameters()]
    opt = torch.optim.Adam(params, lr=lr)
    t0 = time.perf_counter()
    history, done = [], 0
    for step in range(steps + 1):
        opt.zero_grad()
        loss = joint_objective(
            kernels,
            nodes,
            u,
            rhs,
            boundary,
            problem,
            log_tau,
            log_v,
            jitter=jitter,
            boundary_weight=boundary_weight,
        )
        elapsed = time.perf_counter() - t0
        last = step == steps or (time_limit is not None and elapsed >= time_limit)
        if step % record_every == 0 or last:
            entry = {"step": step, "objective": float(loss.detach()), "seconds": elapsed}
            if reference is not None:
                err = torch.linalg.norm(u.detach() - reference) / torch.linalg.norm(reference)
                entry["rel_l2"] = float(err)
            history.append(entry)
        if last:
            break
        loss.backward()
        opt.step()
        done = step + 1
    for p in params:
        p.requires_grad_(False)
    return {
        "values": u.detach(),
        "steps": done,
        "history": history,
        "log_tau": float(log_tau),
        "log_v": float(log_v),
    }
