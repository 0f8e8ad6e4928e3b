r"""The heat equation :math:`u_t = \Delta u` on :math:`(0,1)^2`, :math:`u = 0` on the boundary,
by backward Euler: one shared matrix :math:`I + \Delta t A` for every step and sample."""

from __future__ import annotations

from collections.abc import Generator
from typing import final

import numpy as np
import scipy.sparse as sp
import torch
from scipy.sparse.linalg import splu

from sciml.core import Field
from sciml.core.errors import explain

from ._checks import ParameterError, check_finite, check_int, check_real, sample_values
from .family import AbstractLinearFamily
from .grf import DirichletGRF
from .stencils import embed_interior, frozen, interior, laplacian_matrix

__all__ = ["Heat"]


@final
class Heat(AbstractLinearFamily):
    r"""Backward-Euler heat flow from a random initial condition.

    .. math::

        (I + \Delta t\, A_h)\, u^{m+1} = u^m, \quad m = 0, \dots, \text{steps}-1, \qquad
        u^0 \sim N(0, \sigma^2(-\Delta+\tau^2)^{-\alpha}) \text{ (Dirichlet sine series)},

    with :math:`A_h` the 5-point :math:`-\Delta_h` on the interior nodes. Second order in
    space, first order in time (:attr:`order`, :attr:`time_order`). The initial condition
    is a sine series, zero on the boundary; its modes are the eigenvectors of :math:`A_h`,
    so mode :math:`(k, l)` decays exactly by :math:`(1+\Delta t\,\lambda^h_{kl})^{-m}`.

    Parameters
    ----------
    resolution : int
        Nodes per axis ``R >= 3``.
    dt : float
        Time step ``> 0``.
    steps : int
        Number of steps ``>= 1``.
    alpha, tau, sigma : float
        The initial condition's Gaussian field (defaults 2, 3, 3).

    Examples
    --------
    >>> heat = Heat(17, dt=1e-3, steps=5)
    >>> u0 = heat.sample_inputs(2, rng=0)
    >>> heat.solve(u0).values.shape  # all time levels as channels
    torch.Size([2, 6, 17, 17])

    Driving the step systems by hand (each solution is sent back to get the next system):

    >>> gen = heat.step_systems(u0[0])
    >>> A, b = next(gen)
    >>> lu = splu(sp.csc_matrix(A))
    >>> for _ in range(heat.steps - 1):
    ...     A2, b = gen.send(lu.solve(b))
    ...     assert A2 is A
    """

    def __init__(
        self,
        resolution: int,
        dt: float,
        steps: int,
        *,
        alpha: float = 2.0,
        tau: float = 3.0,
        sigma: float = 3.0,
    ):
        super().__init__(resolution)
        self.dt = check_real(dt, "dt", positive=True)
        self.steps = check_int(steps, "steps", minimum=1)
        self.field = DirichletGRF(self.grid, alpha=alpha, tau=tau, sigma=sigma)
        lap = laplacian_matrix(self.grid.shape, self._h)
        self._matrix = frozen(sp.csr_matrix(sp.identity(self.n_unknowns) + self.dt * lap))

    order = 2
    time_order = 1  # backward Euler

    @property
    def matrix(self) -> sp.csr_matrix:
        """The shared step matrix :math:`I + \\Delta t A_h` (read-only)."""
        return self._matrix

    @property
    def times(self) -> np.ndarray:
        """Time levels ``m dt``, ``m = 0 .. steps``."""
        return self.dt * np.arange(self.steps + 1)

    channels = ("u0",)
    matrix_varies = False
    symmetric = True
    definite = True

    def _parameters(self) -> dict:
        return {
            "equation": "u_t = Laplacian u on (0,1)^2, u = 0 on the boundary",
            "resolution": self.resolution,
            "dt": self.dt,
            "steps": self.steps,
            "grf": self.field.parameters,
            "discretization": "backward Euler, 5-point Laplacian, vertex grid",
        }

    def _draw(self, generator: np.random.Generator, index: int) -> np.ndarray:
        return self.field.draw(generator)[None]

    def step_systems(
        self, inputs_i
    ) -> Generator[tuple[sp.csr_matrix, np.ndarray], np.ndarray, None]:
        """The backward-Euler systems of one trajectory, as a generator.

        ``next(gen)`` gives ``(A, u^0)``; ``gen.send(u^{m+1})`` (the solution of the last
        system, shape ``(n_unknowns,)``) gives ``(A, u^{m+1})``, the next system. ``A`` is
        the same read-only matrix every time. After ``steps`` systems the generator ends
        (``StopIteration``).
        """
        (u0,) = sample_values(inputs_i, self.grid.shape, self.channels)
        u = interior(check_finite(u0, "initial condition u0")).copy()
        for m in range(self.steps):
            x = yield self._matrix, u
            if m == self.steps - 1:
                return
            if x is None:
                raise ParameterError(
                    explain(
                        "step_systems needs the solution of each system to build the next",
                        expected=f"gen.send(u) with u of shape ({self.n_unknowns},)",
                        received="None (next(gen) or gen.send(None))",
                        fix="call next(gen) once, then gen.send(solution) for every step",
                    )
                )
            u = np.asarray(x, dtype=np.float64).reshape(self.n_unknowns).copy()

    def solve(self, inputs) -> Field:
        """Trajectories with one factorization for all steps and samples.

        Returns
        -------
        Field of shape (n, steps + 1, R, R)
            Channel ``m`` is :math:`u^m` at time ``m dt``; boundary values are zero.
        """
        batch = self._batch(inputs)
        lu = splu(sp.csc_matrix(self._matrix))
        u = interior(batch[:, 0]).T.copy()  # n_unknowns, n
        check_finite(u, "initial condition u0")
        levels = [u]
        for _ in range(self.steps):
            u = lu.solve(u)
            levels.append(u)
        traj = np.stack(levels).transpose(2, 0, 1)  # n, steps + 1, n_unknowns
        return Field(torch.from_numpy(embed_interior(traj, self.grid.shape)), self.grid)
