r"""Convection–diffusion :math:`-\varepsilon\Delta u + v\cdot\nabla u = f` on :math:`(0,1)^2`,
:math:`u = 0` on the boundary, with a random divergence-free velocity: nonsymmetric."""

from __future__ import annotations

from typing import final

import numpy as np
import scipy.sparse as sp

from sciml.core.errors import explain

from ._checks import ParameterError, check_finite, check_real, sample_values
from .family import AbstractStationaryFamily
from .grf import NeumannGRF
from .stencils import advection_matrix, laplacian_matrix

__all__ = ["ConvectionDiffusion"]

_SCHEMES = {"upwind": 1, "central": 2}


@final
class ConvectionDiffusion(AbstractStationaryFamily):
    r"""Steady advection–diffusion in a random incompressible flow.

    .. math::

        -\varepsilon\Delta u + v\cdot\nabla u = f, \quad u|_{\partial\Omega} = 0, \qquad
        v = \frac{(\partial_y\psi, -\partial_x\psi)}{\max_{\text{nodes}}|\nabla\psi|},
        \quad \varepsilon = 1/\mathrm{Pe},

    with a stream function :math:`\psi \sim N(0, (-\Delta+\tau^2)^{-\alpha})` (Neumann,
    differentiated termwise, so :math:`\nabla\cdot v = 0` exactly). The velocity is scaled to
    unit maximum at the nodes, making ``peclet`` the global Péclet number :math:`UL/\varepsilon`
    (mesh Péclet number :math:`\mathrm{Pe}\,h/2`).

    Discretization: 5-point :math:`-\varepsilon\Delta_h` plus the advective-form
    :func:`~sciml.solvers.pde.stencils.advection_matrix`:

    * ``scheme="upwind"`` (default): first order (:attr:`order` = 1), an M-matrix for any
      Péclet number (no oscillations in boundary layers);
    * ``scheme="central"``: second order, oscillates when the mesh Péclet number exceeds 1.

    Parameters
    ----------
    resolution : int
        Nodes per axis ``R >= 3``.
    peclet : float
        Global Péclet number, ``> 0`` (default 100).
    scheme : {"upwind", "central"}
    alpha, tau : float
        The stream function (defaults ``alpha=3``, ``tau=3``: a velocity with a summable
        spectrum, so its size does not grow with ``R``).
    source : float
        The constant right-hand side ``f``.

    Examples
    --------
    >>> cd = ConvectionDiffusion(17, peclet=50)
    >>> v = cd.sample_inputs(1, rng=0)
    >>> A, b = cd.assemble(v[0])
    >>> bool(abs(A - A.T).max() > 0), cd.order
    (True, 1)
    """

    def __init__(
        self,
        resolution: int,
        peclet: float = 100.0,
        *,
        scheme: str = "upwind",
        alpha: float = 3.0,
        tau: float = 3.0,
        source: float = 1.0,
    ):
        super().__init__(resolution)
        if scheme not in _SCHEMES:
            raise ParameterError(
                explain(
                    "unknown advection scheme",
                    expected=" | ".join(_SCHEMES),
                    received=repr(scheme),
                    fix="pass scheme='upwind' (robust, first order) or 'central'",
                )
            )
        self.scheme = scheme
        self.peclet = check_real(peclet, "peclet", positive=True)
        self.epsilon = 1.0 / self.peclet
        self.field = NeumannGRF(self.grid, alpha=alpha, tau=tau, sigma=1.0)
        self.source = check_real(source, "source")
        self._diffusion = self.epsilon * laplacian_matrix(self.grid.shape, self._h)

    @property
    def order(self) -> int:
        """Declared order of accuracy of the discretization (1 upwind, 2 central)."""
        return _SCHEMES[self.scheme]

    channels = ("vx", "vy")
    matrix_varies = True
    symmetric = False
    definite = False

    def _parameters(self) -> dict:
        return {
            "equation": "-eps Laplacian u + v . grad u = f on (0,1)^2, u = 0 on the boundary",
            "resolution": self.resolution,
            "peclet": self.peclet,
            "epsilon": self.epsilon,
            "velocity": "v = (d_y psi, -d_x psi) / max |grad psi| at the nodes",
            "stream_function_grf": self.field.parameters,
            "scheme": self.scheme,
            "source": self.source,
            "discretization": f"5-point diffusion + {self.scheme} advective differences",
        }

    def _draw(self, generator: np.random.Generator, index: int) -> np.ndarray:
        xi = generator.standard_normal(self.field.noise_shape)
        vx = self.field.from_noise(xi, derivative=(0, 1))
        vy = -self.field.from_noise(xi, derivative=(1, 0))
        return np.stack([vx, vy]) / np.sqrt(vx**2 + vy**2).max()

    def assemble(self, inputs_i, *, source=None):
        vx, vy = sample_values(inputs_i, self.grid.shape, self.channels)
        check_finite(vx, "velocity vx")
        check_finite(vy, "velocity vy")
        A = self._diffusion + advection_matrix(vx, vy, self._h, self.scheme)
        return sp.csr_matrix(A), self._rhs(source, self.source)
