"""Newton iterations for semilinear problems ``L u + N(u) = f`` (Allen–Cahn: ``N(u) =
u(u^2 - 1)``), with the exact separable solve of ``L`` as the preconditioner of GMRES on the
Newton systems ``(L_II + diag N'(U_I)) delta = -R(U)``."""

from __future__ import annotations

import numpy as np
import torch
from scipy.sparse.linalg import LinearOperator, gmres

from .sylvester import InteriorSolver, apply_operator, solve_separable

__all__ = ["newton_solve", "collocation_solve"]


def newton_solve(
    operators,
    rhs: torch.Tensor,
    boundary: torch.Tensor,
    nonlinearity,
    derivative,
    *,
    initial: torch.Tensor | None = None,
    rtol: float = 1e-12,
    max_iter: int = 30,
) -> dict:
    """Solve ``(sum_i M_i x_i U + N(U))_I = F_I`` with ``U = boundary`` on the boundary.

    Parameters
    ----------
    operators : sequence of torch.Tensor of shape (n_i, n_i)
    rhs, boundary : torch.Tensor of shape (n_1, ..., n_d)
    nonlinearity, derivative : callable
        ``N(U)`` and ``N'(U)`` elementwise.
    initial : torch.Tensor, optional
        Starting grid values (default: the solution of the linear part).
    rtol : float
        Stop when ``||R|| <= rtol ||F_I||``.
    max_iter : int

    Returns
    -------
    dict
        ``"values"``, ``"iterations"``, ``"residuals"`` (history of ``||R|| / ||F_I||``),
        ``"converged"``, ``"min_denominator"``.
    """
    shape = tuple(m.shape[0] for m in operators)
    inner = tuple(slice(1, n - 1) for n in shape)
    interior_shape = tuple(n - 2 for n in shape)
    pre = InteriorSolver(operators)
    u = boundary.clone()
    b = boundary.clone()
    b[inner] = 0.0
    if initial is None:
        u[inner] = pre((rhs - apply_operator(operators, b))[inner])
    else:
        u[inner] = initial[inner]
    scale = float(torch.linalg.norm(rhs[inner])) or 1.0
    history, converged = [], False
    for _ in range(max_iter + 1):
        res = (apply_operator(operators, u) + nonlinearity(u) - rhs)[inner]
        history.append(float(torch.linalg.norm(res)) / scale)
        if history[-1] <= rtol:
            converged = True
            break
        if len(history) > max_iter:
            break
        diag = derivative(u)[inner]

        def jac(v, diag=diag):
            w = torch.zeros(shape, dtype=torch.float64)
            w[inner] = torch.from_numpy(v.reshape(interior_shape))
            out = apply_operator(operators, w)[inner] + diag * w[inner]
            return out.reshape(-1).numpy()

        def prec(v):
            w = torch.from_numpy(np.ascontiguousarray(v).reshape(interior_shape))
            return pre(w).reshape(-1).numpy()

        n = int(np.prod(interior_shape))
        step, _ = gmres(
            LinearOperator((n, n), matvec=jac, dtype=np.float64),
            -res.reshape(-1).numpy(),
            M=LinearOperator((n, n), matvec=prec, dtype=np.float64),
            # inexact Newton: the step's own residual below a tenth of the final target
            rtol=1e-10,
            atol=0.1 * rtol * scale,
            restart=50,
            maxiter=20,
        )
        u[inner] = u[inner] + torch.from_numpy(step.reshape(interior_shape))
    return {
        "values": u,
        "iterations": len(history) - 1,
        "residuals": history,
        "converged": converged,
        "min_denominator": pre.min_denominator,
    }


def collocation_solve(problem, operators, rhs, boundary, *, initial=None) -> dict:
    """The exact separable solve for linear problems, Newton–GMRES (preconditioned by it)
    when ``problem.nonlinearity`` is set."""
    if getattr(problem, "nonlinearity", None) is None:
        return solve_separable(operators, rhs, boundary)
    return newton_solve(
        operators,
        rhs,
        boundary,
        problem.nonlinearity,
        problem.nonlinear_derivative,
        initial=initial,
    )
