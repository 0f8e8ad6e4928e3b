r"""Poisson :math:`-\Delta u = f` on :math:`(0,1)^2`, :math:`u = 0` on the boundary, with a
random source: every sample shares one matrix."""

from __future__ import annotations

from typing import final

import numpy as np

from ._checks import sample_values
from .family import AbstractStationaryFamily
from .grf import NeumannGRF
from .stencils import frozen, laplacian_matrix

__all__ = ["Poisson"]


@final
class Poisson(AbstractStationaryFamily):
    r"""Random-source Poisson problem.

    .. math::

        -\Delta u = f, \quad u|_{\partial\Omega} = 0, \qquad
        f \sim N(0, \sigma^2(-\Delta + \tau^2 I)^{-\alpha}) \text{ (Neumann)}.

    Discretization: the 5-point Laplacian on the interior nodes of the vertex grid
    (:func:`~sciml.solvers.pde.stencils.laplacian_matrix`), second order. The matrix is
    the same object for every sample (``matrix_varies=False``, read-only): factor it once.

    Parameters
    ----------
    resolution : int
        Nodes per axis ``R >= 3``.
    alpha, tau, sigma : float
        The source field (defaults: ``alpha=2``, ``tau=3``, ``sigma=3``).

    Examples
    --------
    >>> p = Poisson(17)
    >>> f = p.sample_inputs(3, rng=0)
    >>> p.assemble(f[0])[0] is p.assemble(f[1])[0]
    True
    """

    def __init__(
        self, resolution: int, *, alpha: float = 2.0, tau: float = 3.0, sigma: float = 3.0
    ):
        super().__init__(resolution)
        self.field = NeumannGRF(self.grid, alpha=alpha, tau=tau, sigma=sigma)
        self._matrix = frozen(laplacian_matrix(self.grid.shape, self._h))

    order = 2
    channels = ("f",)
    matrix_varies = False
    symmetric = True
    definite = True

    def _parameters(self) -> dict:
        return {
            "equation": "-Laplacian u = f on (0,1)^2, u = 0 on the boundary",
            "resolution": self.resolution,
            "grf": self.field.parameters,
            "discretization": "5-point Laplacian, vertex grid",
        }

    def _draw(self, generator: np.random.Generator, index: int) -> np.ndarray:
        return self.field.draw(generator)[None]

    def assemble(self, inputs_i, *, source=None):
        (f,) = sample_values(inputs_i, self.grid.shape, self.channels)
        return self._matrix, self._rhs(source, f)
