r"""Helmholtz :math:`-\Delta u - (\omega/c(x))^2 u = f` on :math:`(0,1)^2`, :math:`u = 0` on
the boundary, with a random wave speed: symmetric and indefinite."""

from __future__ import annotations

from typing import final

import numpy as np
import scipy.sparse as sp

from sciml.core.errors import explain

from ._checks import ParameterError, check_finite, check_real, sample_values
from .family import AbstractStationaryFamily
from .grf import NeumannGRF
from .stencils import interior, laplacian_matrix

__all__ = ["Helmholtz", "helmholtz_matrix", "wave_speed"]


def helmholtz_matrix(c: np.ndarray, omega: float, h: tuple[float, float]) -> sp.csr_matrix:
    r""":math:`-\Delta_h - \operatorname{diag}((\omega/c)^2)` on the interior nodes.

    Parameters
    ----------
    c : ndarray of shape (nx, ny)
        Nodal wave speed (positive), boundary nodes included.
    omega : float
        Angular frequency.
    h : (hx, hy)
    """
    check_finite(c, "wave speed c", positive=True)
    k2 = (omega / interior(c)) ** 2
    return sp.csr_matrix(laplacian_matrix(c.shape, h) - sp.diags(k2))


def wave_speed(g: np.ndarray, contrast: float) -> np.ndarray:
    r"""The wave-speed model :math:`c = 1 + \delta \tanh(g)`, with values in
    :math:`(1-\delta, 1+\delta)` for ``contrast`` :math:`\delta \in [0, 1)`."""
    return 1.0 + contrast * np.tanh(g)


@final
class Helmholtz(AbstractStationaryFamily):
    r"""Variable-speed Helmholtz problem.

    .. math::

        -\Delta u - \Big(\frac{\omega}{c(x)}\Big)^2 u = f, \quad u|_{\partial\Omega} = 0,
        \qquad c = 1 + \delta\tanh(g), \quad g \sim N(0, \sigma^2(-\Delta+\tau^2)^{-\alpha}).

    Defaults: ``omega=10``, ``contrast`` :math:`\delta = 0.2`, ``g`` with ``alpha=2``,
    ``tau=3``, ``sigma=3``, ``f = 1``.

    Why ``omega = 10``: then :math:`k^2 = (\omega/c)^2 \in (69.4, 156.3)` for every sample,
    while the Dirichlet Laplacian of the unit square has eigenvalues :math:`\pi^2(m^2+n^2)`
    = 19.7, 49.3 (twice), 79.0, 98.7 (twice), 128.3 (twice), 167.8, ... By the min–max
    principle the operator has between 3 and 8 negative eigenvalues for every sample
    (also for the discrete one, whose low eigenvalues lie slightly below): a genuinely
    indefinite problem. The shortest wavelength :math:`2\pi(1-\delta)/\omega \approx 0.5`
    gets 16 grid intervals at ``R = 33``. A singular sample (an eigenvalue exactly at 0)
    has probability zero, but near-resonant samples (large solutions) do occur.

    Discretization: 5-point Laplacian minus the nodal :math:`(\omega/c)^2` on the diagonal
    (:func:`helmholtz_matrix`), second order.

    Parameters
    ----------
    resolution : int
        Nodes per axis ``R >= 3``.
    omega : float
        Angular frequency (``>= 0``).
    contrast : float
        :math:`\delta \in [0, 1)`.
    alpha, tau, sigma : float
        The Gaussian field ``g`` (Neumann).
    source : float
        The constant right-hand side ``f``.

    Examples
    --------
    >>> hh = Helmholtz(17)
    >>> A, b = hh.assemble(hh.sample_inputs(1, rng=0)[0])
    >>> bool(abs(A - A.T).max() == 0), hh.definite
    (True, False)
    """

    def __init__(
        self,
        resolution: int,
        *,
        omega: float = 10.0,
        contrast: float = 0.2,
        alpha: float = 2.0,
        tau: float = 3.0,
        sigma: float = 3.0,
        source: float = 1.0,
    ):
        super().__init__(resolution)
        self.omega = check_real(omega, "omega", nonnegative=True)
        self.contrast = check_real(contrast, "contrast", nonnegative=True)
        if self.contrast >= 1.0:
            raise ParameterError(
                explain(
                    "contrast must be below 1 to keep the wave speed positive",
                    expected="0 <= contrast < 1",
                    received=f"contrast={contrast!r}",
                    fix="pass e.g. contrast=0.2",
                )
            )
        self.field = NeumannGRF(self.grid, alpha=alpha, tau=tau, sigma=sigma)
        self.source = check_real(source, "source")

    order = 2
    channels = ("c",)
    matrix_varies = True
    symmetric = True
    definite = False

    def _parameters(self) -> dict:
        return {
            "equation": "-Laplacian u - (omega/c)^2 u = f on (0,1)^2, u = 0 on the boundary",
            "resolution": self.resolution,
            "omega": self.omega,
            "wave_speed": "c = 1 + contrast * tanh(g)",
            "contrast": self.contrast,
            "grf": self.field.parameters,
            "source": self.source,
            "discretization": "5-point Laplacian, nodal (omega/c)^2, vertex grid",
        }

    def _draw(self, generator: np.random.Generator, index: int) -> np.ndarray:
        return wave_speed(self.field.draw(generator), self.contrast)[None]

    def assemble(self, inputs_i, *, source=None):
        (c,) = sample_values(inputs_i, self.grid.shape, self.channels)
        return helmholtz_matrix(c, self.omega, self._h), self._rhs(source, self.source)
