"""Exact solve of separable collocation systems (Sylvester / fast diagonalisation).

A linear constant-coefficient operator on a tensor grid acts as a sum of per-axis
matrices, :math:`L U = \\sum_i M_i \\times_i U`, whatever the per-axis differentiation
(GP conditional mean ``K''K^{-1}``, finite differences, Chebyshev). With Dirichlet values
imposed strongly and collocation on interior nodes, the interior unknowns ``W`` satisfy

.. math::

    \\sum_i A_i \\times_i W = \\tilde F, \\qquad A_i = M_i[I_i, I_i], \\qquad
    \\tilde F = F_I - \\big(\\textstyle\\sum_i M_i \\times_i B\\big)_I,

(in 2-D: :math:`A_1 W + W A_2^T = \\tilde F`, a Sylvester equation) where ``B`` holds the
boundary values and zeros inside. With :math:`A_i = P_i \\Lambda_i P_i^{-1}`,

.. math::

    W = \\Big[(\\tilde F \\times_i P_i^{-1}) \\oslash
        \\big(\\textstyle\\bigoplus_i \\lambda_i\\big)\\Big] \\times_i P_i ,

at ``O(sum n_i^3 + N sum n_i)`` cost; complex eigenpairs (non-normal ``A_i``, advection)
are handled and the real part returned.
"""

from __future__ import annotations

import torch

from sciml.core import ShapeError
from sciml.core.errors import explain

from .kronecker import apply_along

__all__ = ["InteriorSolver", "apply_operator", "solve_separable"]


def apply_operator(operators, values: torch.Tensor) -> torch.Tensor:
    """``sum_i M_i x_i U`` for per-axis matrices ``M_i`` (n_i, n_i) and ``U`` (n_1..n_d)."""
    return sum(apply_along(m, values, i) for i, m in enumerate(operators))


def solve_separable(operators, rhs: torch.Tensor, boundary: torch.Tensor) -> dict:
    """Solve ``(sum_i M_i x_i U)_I = F_I`` with ``U = boundary`` on the boundary nodes.

    Parameters
    ----------
    operators : sequence of torch.Tensor of shape (n_i, n_i)
        Per-axis operator matrices on the full grid (a zeroth-order term ``c U`` goes
        into one of them as ``c I``).
    rhs : torch.Tensor of shape (n_1, ..., n_d)
        Right-hand side (only interior entries are used).
    boundary : torch.Tensor of shape (n_1, ..., n_d)
        Dirichlet values (only boundary entries are used).

    Returns
    -------
    dict
        ``"values"``: U (n_1, ..., n_d); ``"min_denominator"``: the smallest
        ``|sum_i lambda_i|`` (near zero: the discrete operator is near singular).

    Examples
    --------
    >>> n = 5
    >>> D2 = torch.diag(torch.full((n - 1,), 1.0), 1) + torch.diag(torch.full((n - 1,), 1.0), -1)
    >>> D2 = (D2 - 2 * torch.eye(n)).double() * (n - 1) ** 2
    >>> x = torch.linspace(0, 1, n, dtype=torch.float64)
    >>> out = solve_separable([-D2], torch.zeros(n, dtype=torch.float64), x)
    >>> bool(torch.allclose(out["values"], x))
    True
    """
    shape = tuple(m.shape[0] for m in operators)
    if tuple(rhs.shape) != shape or tuple(boundary.shape) != shape:
        raise ShapeError(
            explain(
                "right-hand side and boundary values must match the operators",
                expected=f"shape {shape}",
                received=f"rhs {tuple(rhs.shape)}, boundary {tuple(boundary.shape)}",
                fix="pass grid values shaped like the per-axis operator sizes",
            )
        )
    inner = tuple(slice(1, n - 1) for n in shape)
    b = boundary.clone()
    b[inner] = 0.0
    interior = InteriorSolver(operators)
    u = b
    u[inner] = interior((rhs - apply_operator(operators, b))[inner])
    return {"values": u, "min_denominator": interior.min_denominator}


class InteriorSolver:
    """The factorised interior operator ``W -> sum_i A_i x_i W``, ``A_i = M_i[I, I]``:
    eigendecompositions computed once, each solve ``O(N sum n_i)``. Also the
    preconditioner of the Newton iterations for semilinear problems.

    Parameters
    ----------
    operators : sequence of torch.Tensor of shape (n_i, n_i)
        Full-grid per-axis operator matrices.
    """

    def __init__(self, operators):
        self.vectors, self.inverses, denom = [], [], 0.0
        for i, m in enumerate(operators):
            lam, p = torch.linalg.eig(m[1:-1, 1:-1])
            self.vectors.append(p)
            self.inverses.append(torch.linalg.inv(p))
            denom = lam if i == 0 else denom[..., None] + lam
        self.denominator = denom
        self.min_denominator = float(denom.abs().min())

    def __call__(self, rhs: torch.Tensor) -> torch.Tensor:
        """``W`` with ``sum_i A_i x_i W = rhs``; ``rhs`` of shape ``(n_1 - 2, ..., n_d - 2)``."""
        z = rhs.to(torch.complex128)
        for i, q in enumerate(self.inverses):
            z = apply_along(q, z, i)
        z = z / self.denominator
        for i, p in enumerate(self.vectors):
            z = apply_along(p, z, i)
        return z.real
