r"""Darcy flow :math:`-\nabla\cdot(a\nabla u) = f` on :math:`(0,1)^2`, :math:`u = 0` on the
boundary: the FNO benchmark with a random (thresholded or log-normal) permeability."""

from __future__ import annotations

from typing import final

import numpy as np

from sciml.core.errors import explain

from ._checks import ParameterError, check_finite, check_real, sample_values
from .family import AbstractStationaryFamily
from .grf import NeumannGRF
from .stencils import diffusion_matrix

__all__ = ["Darcy"]

_COEFFICIENTS = ("threshold", "lognormal")


@final
class Darcy(AbstractStationaryFamily):
    r"""Random-coefficient diffusion, discretized by 5-point finite volumes.

    .. math::

        -\nabla\cdot(a(x)\nabla u) = f \ \text{in } (0,1)^2, \qquad u = 0 \text{ on the
        boundary}, \qquad g \sim N(0, \sigma^2(-\Delta + \tau^2 I)^{-\alpha}) \text{ (Neumann)}.

    * ``coefficient="threshold"`` (FNO): :math:`a = 12` where :math:`g \ge 0`, :math:`3`
      where :math:`g < 0`;
    * ``coefficient="lognormal"``: :math:`a = \exp(g)`.

    Defaults are the FNO setup: ``alpha=2``, ``tau=3``, ``sigma = tau**(alpha - 1) = 3``,
    ``f = 1``. The legacy ``demo.m`` uses the values 12/4 instead of 12/3: pass ``low=4``.

    Discretization: nodal ``a`` on the vertex grid ``Axis.uniform(R, (0, 1))`` (boundary
    nodes included), harmonic-mean face coefficients, unknowns at the :math:`(R-2)^2`
    interior nodes (:func:`~sciml.solvers.pde.stencils.diffusion_matrix`). The matrix is
    symmetric positive definite; second order for smooth ``a``.

    Parameters
    ----------
    resolution : int
        Nodes per axis ``R >= 3``.
    coefficient : {"threshold", "lognormal"}
    alpha, tau, sigma : float
        The Gaussian field ``g``; ``sigma=None`` means ``tau**(alpha - 1)``.
    high, low : float
        Values of the thresholded coefficient.
    source : float
        The constant right-hand side ``f``.
    grf_modes : int, optional
        Cosine modes ``0 .. grf_modes - 1`` per axis of ``g``. With the default ``None`` there
        is one mode per node, so grids of different sizes draw different functions from one
        seed. With a fixed number of modes, sample ``i`` of a seed is the same function ``g``
        at every resolution, evaluated at each grid's nodes. Files generated at 33 and 65
        then share their coefficients on the common nodes. The modes left out carry a
        small share of the variance. For the default covariance, ``1 - sum_{k < K} lambda_k /
        sum_k lambda_k`` is 7e-4 for ``K = 32`` and 1.7e-4 for ``K = 64`` (summed to 421
        modes).

    Examples
    --------
    >>> darcy = Darcy(33)
    >>> a = darcy.sample_inputs(2, rng=0)
    >>> sorted(set(a.values.unique().tolist()))
    [3.0, 12.0]
    >>> A, b = darcy.assemble(a[0])
    >>> A.shape, b.shape
    ((961, 961), (961,))
    >>> darcy.solve(a).values.shape
    torch.Size([2, 1, 33, 33])
    """

    def __init__(
        self,
        resolution: int,
        coefficient: str = "threshold",
        *,
        alpha: float = 2.0,
        tau: float = 3.0,
        sigma: float | None = None,
        high: float = 12.0,
        low: float = 3.0,
        source: float = 1.0,
        grf_modes: int | None = None,
    ):
        super().__init__(resolution)
        if coefficient not in _COEFFICIENTS:
            raise ParameterError(
                explain(
                    "unknown Darcy coefficient model",
                    expected=" | ".join(_COEFFICIENTS),
                    received=repr(coefficient),
                    fix="pass coefficient='threshold' (FNO) or 'lognormal'",
                )
            )
        self.coefficient = coefficient
        sigma = float(tau) ** (float(alpha) - 1.0) if sigma is None else sigma
        if grf_modes is not None and (
            isinstance(grf_modes, bool) or not isinstance(grf_modes, int) or grf_modes < 1
        ):
            raise ParameterError(
                explain(
                    "grf_modes must be a positive int",
                    expected="grf_modes >= 1, or None for one mode per node",
                    received=repr(grf_modes),
                    fix="pass grf_modes=64 (the same at every resolution) or None",
                )
            )
        self.field = NeumannGRF(self.grid, alpha=alpha, tau=tau, sigma=sigma, n_modes=grf_modes)
        self.high = check_real(high, "high", positive=True)
        self.low = check_real(low, "low", positive=True)
        self.source = check_real(source, "source")

    order = 2
    channels = ("a",)
    matrix_varies = True
    symmetric = True
    definite = True

    def _parameters(self) -> dict:
        out = {
            "equation": "-div(a grad u) = f on (0,1)^2, u = 0 on the boundary",
            "resolution": self.resolution,
            "coefficient": self.coefficient,
            "grf": self.field.parameters,
            "source": self.source,
            "discretization": "5-point finite volumes, harmonic-mean faces, vertex grid",
        }
        if self.coefficient == "threshold":
            out["values"] = {"g >= 0": self.high, "g < 0": self.low}
        return out

    def _draw(self, generator: np.random.Generator, index: int) -> np.ndarray:
        g = self.field.draw(generator)
        if self.coefficient == "threshold":
            a = np.where(g >= 0.0, self.high, self.low)
        else:
            a = np.exp(g)
        return a[None]

    def assemble(self, inputs_i, *, source=None):
        (a,) = sample_values(inputs_i, self.grid.shape, self.channels)
        check_finite(a, "Darcy coefficient a", positive=True)
        return diffusion_matrix(a, self._h), self._rhs(source, self.source)
