r"""A frequency sweep: Helmholtz problems in one fixed medium at a slowly varying sequence of
frequencies, the setting where Krylov subspace recycling pays off."""

from __future__ import annotations

from typing import final

import numpy as np

from sciml.core.errors import explain

from ._checks import ParameterError, check_int, check_real, sample_values
from .family import AbstractStationaryFamily
from .grf import NeumannGRF
from .helmholtz import helmholtz_matrix, wave_speed

__all__ = ["FrequencySweep"]


@final
class FrequencySweep(AbstractStationaryFamily):
    r"""Helmholtz problems :math:`-\Delta u - (\omega_i/c)^2 u = f_i` where sample ``i`` has
    frequency ``omegas[i]``.

    The medium :math:`c = 1 + \delta\tanh(g)` is one draw (fixed by ``medium_seed``) shared
    by every sample, so consecutive matrices differ only by the diagonal shift
    :math:`(\omega_{i+1}^2 - \omega_i^2)/c^2`; the source :math:`f_i` is a fresh Gaussian
    field per sample (from ``rng``). Inputs carry everything :meth:`assemble` needs: channels
    ``("c", "f", "omega")``, the last one constant at :math:`\omega_i`.

    Discretization: as :class:`~sciml.solvers.pde.helmholtz.Helmholtz` (second order).
    ``definite`` is False: whether a frequency is below the first resonance is not checked.

    Parameters
    ----------
    resolution : int
        Nodes per axis ``R >= 3``.
    omegas : sequence of float
        The frequencies, in solve order (e.g. ``numpy.linspace(9.0, 11.0, 100)``).
    medium_seed : int
        Seed of the medium.
    contrast : float
        :math:`\delta \in [0, 1)` of the wave speed.
    alpha, tau, sigma : float
        The Gaussian field behind the medium and the sources (Neumann).

    Examples
    --------
    >>> sweep = FrequencySweep(17, [9.0, 9.5, 10.0])
    >>> x = sweep.sample_inputs(3, rng=0)
    >>> x.values[:, 2, 0, 0].tolist()
    [9.0, 9.5, 10.0]
    >>> bool((x.values[0, 0] == x.values[2, 0]).all())
    True
    """

    def __init__(
        self,
        resolution: int,
        omegas,
        *,
        medium_seed: int = 0,
        contrast: float = 0.2,
        alpha: float = 2.0,
        tau: float = 3.0,
        sigma: float = 3.0,
    ):
        super().__init__(resolution)
        om = np.atleast_1d(np.asarray(omegas, dtype=np.float64))
        if om.ndim != 1 or om.size == 0 or not np.isfinite(om).all() or (om < 0).any():
            raise ParameterError(
                explain(
                    "omegas must be a non-empty 1-D sequence of finite frequencies >= 0",
                    expected="e.g. numpy.linspace(9, 11, 100)",
                    received=repr(omegas),
                    fix="pass finite, non-negative frequencies in solve order",
                )
            )
        self.omegas = tuple(float(w) for w in om)
        self.medium_seed = check_int(medium_seed, "medium_seed", minimum=0)
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
        g = self.field.draw(np.random.default_rng(np.random.SeedSequence(self.medium_seed)))
        self.medium = wave_speed(g, self.contrast)

    order = 2
    channels = ("c", "f", "omega")
    matrix_varies = True
    symmetric = True
    definite = False

    def _parameters(self) -> dict:
        return {
            "equation": "-Laplacian u - (omega_i/c)^2 u = f_i on (0,1)^2, u = 0 on the boundary",
            "resolution": self.resolution,
            "omegas": list(self.omegas),
            "medium_seed": self.medium_seed,
            "wave_speed": "c = 1 + contrast * tanh(g), one draw for all samples",
            "contrast": self.contrast,
            "grf": self.field.parameters,
            "discretization": "5-point Laplacian, nodal (omega/c)^2, vertex grid",
        }

    def _draw(self, generator: np.random.Generator, index: int) -> np.ndarray:
        if index >= len(self.omegas):
            raise ParameterError(
                explain(
                    f"sample {index} has no frequency",
                    expected=f"sample indices below len(omegas) = {len(self.omegas)}",
                    received=f"index {index}",
                    fix="request at most len(omegas) - start samples",
                )
            )
        f = self.field.draw(generator)
        return np.stack([self.medium, f, np.full(self.grid.shape, self.omegas[index])])

    def assemble(self, inputs_i, *, source=None):
        c, f, om = sample_values(inputs_i, self.grid.shape, self.channels)
        if not np.isfinite(om).all() or om.min() != om.max():
            raise ParameterError(
                explain(
                    "the omega channel must be one constant frequency",
                    expected="a constant channel",
                    received=f"values from {om.min()!r} to {om.max()!r}",
                    fix="pass inputs from FrequencySweep.sample_inputs",
                )
            )
        return helmholtz_matrix(c, float(om.flat[0]), self._h), self._rhs(source, f)
