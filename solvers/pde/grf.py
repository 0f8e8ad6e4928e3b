r"""Gaussian random fields with covariance :math:`\sigma^2(-\Delta + \tau^2 I)^{-\alpha}`.

A field is a Karhunen–Loève sum over the eigenfunctions :math:`\phi_k` of the Laplacian
with the boundary condition of the field,

.. math::

    g(x) = \sum_k \sqrt{\lambda_k}\, \xi_k\, \phi_k(x), \qquad
    \lambda_k = \sigma^2 (\mu_k + \tau^2)^{-\alpha}, \qquad \xi_k \sim N(0, 1),

where :math:`-\Delta \phi_k = \mu_k \phi_k` and the :math:`\phi_k` are orthonormal in
:math:`L^2` of the box. Three versions:

* :class:`NeumannGRF`: cosines :math:`\prod_d \sqrt{(2-\delta_{k_d 0})/L_d}\cos(\pi k_d x_d
  / L_d)` (the FNO Darcy ``GRF.m``: with ``sigma = tau**(alpha - 1)`` mode ``k`` gets
  :math:`\tau^{\alpha-1}(\pi^2|k|^2+\tau^2)^{-\alpha/2}\xi_k`, followed by an inverse DCT);
* :class:`DirichletGRF`: sines, zero on the boundary (initial conditions of the heat
  family; on a vertex grid they are the eigenvectors of the 5-point Laplacian);
* :class:`PeriodicGRF`: Fourier modes on a uniform periodic grid with :math:`\mu_k =
  |2\pi k / L|^2` (Burgers, Navier–Stokes), drawn by filtering white noise with FFTs.

Randomness is per sample (:mod:`.seeding`): ``sample(n, rng=seed)[i]`` does not depend
on ``n``.
"""

from __future__ import annotations

import abc
import math
from typing import final

import numpy as np
import torch

from sciml.core import Field, TensorGrid
from sciml.core.errors import DiscretizationError, explain

from ._checks import ParameterError, check_real
from .seeding import sample_generators

__all__ = ["AbstractGaussianRandomField", "NeumannGRF", "DirichletGRF", "PeriodicGRF"]


class AbstractGaussianRandomField(abc.ABC):
    r"""A centred Gaussian field on a :class:`TensorGrid` with covariance
    :math:`\sigma^2(-\Delta+\tau^2 I)^{-\alpha}` (restricted to the represented modes).

    Subclasses fix the eigenfunctions (boundary condition) and how white noise
    :math:`\xi` of shape :attr:`noise_shape` becomes values on the grid.
    """

    def __init__(self, grid: TensorGrid, *, alpha: float, tau: float, sigma: float):
        if not isinstance(grid, TensorGrid):
            raise DiscretizationError(
                explain(
                    "a Gaussian random field lives on a TensorGrid",
                    expected="a sciml.core.TensorGrid",
                    received=type(grid).__name__,
                    fix="build one with TensorGrid.uniform(shape, ...)",
                )
            )
        self._grid = grid
        self.alpha = check_real(alpha, "alpha", positive=True)
        self.tau = check_real(tau, "tau", nonnegative=True)
        self.sigma = check_real(sigma, "sigma", positive=True)

    # ------------------------------------------------------------------ contract
    @property
    @abc.abstractmethod
    def kind(self) -> str:
        """``"neumann"``, ``"dirichlet"`` or ``"periodic"``."""

    @property
    @abc.abstractmethod
    def noise_shape(self) -> tuple[int, ...]:
        """Shape of the standard normal draws behind one sample."""

    @abc.abstractmethod
    def laplacian_eigenvalues(self) -> np.ndarray:
        r""":math:`\mu_k`, the eigenvalues of :math:`-\Delta` per mode, shape
        :attr:`noise_shape`."""

    @abc.abstractmethod
    def eigenvalues(self) -> np.ndarray:
        r"""Covariance eigenvalues :math:`\lambda_k` per mode, shape :attr:`noise_shape`
        (zero for a removed mean mode)."""

    @abc.abstractmethod
    def from_noise(self, xi: np.ndarray) -> np.ndarray:
        """Map white noise of shape ``(..., *noise_shape)`` to values ``(..., *grid.shape)``."""

    # ------------------------------------------------------------------ concrete
    @property
    def grid(self) -> TensorGrid:
        """The grid the field is evaluated on."""
        return self._grid

    def _spectral_weights(self, mu: np.ndarray, zero_mean: bool) -> np.ndarray:
        shifted = mu + self.tau**2
        lam = np.zeros_like(shifted)
        keep = shifted > 0
        lam[keep] = self.sigma**2 * shifted[keep] ** (-self.alpha)
        if zero_mean:
            lam[mu == 0] = 0.0
        elif not keep.all():
            raise ParameterError(
                explain(
                    "tau = 0 makes the constant mode's variance infinite",
                    expected="tau > 0, or zero_mean=True",
                    received=f"tau={self.tau}, zero_mean=False",
                    fix="pass tau > 0 or remove the mean mode",
                )
            )
        return lam

    def draw(self, generator: np.random.Generator) -> np.ndarray:
        """One sample from one generator, shape ``grid.shape``, float64."""
        return self.from_noise(generator.standard_normal(self.noise_shape))

    def sample(self, n: int, *, rng, start: int = 0) -> Field:
        """Samples ``start, ..., start + n - 1`` as a Field of shape ``(n, 1, *grid.shape)``.

        Parameters
        ----------
        n : int
        rng : int, SeedSequence or numpy Generator
            See :func:`sciml.solvers.pde.seeding.root_sequence`.
        start : int
            Index of the first sample (resuming a dataset).

        Notes
        -----
        Sample ``i`` is bit-for-bit the same whatever ``n`` and ``start`` are.
        """
        gens = sample_generators(n, rng, start=start)
        # one transform per sample: a batched BLAS product may round differently with n
        draws = [self.draw(g) for g in gens]
        values = np.stack(draws) if draws else np.zeros((0, *self.grid.shape))
        return Field(torch.from_numpy(values[:, None]), self.grid)

    @property
    def parameters(self) -> dict:
        """JSON-serializable description of the field."""
        return {
            "kind": self.kind,
            "alpha": self.alpha,
            "tau": self.tau,
            "sigma": self.sigma,
            "covariance": "sigma^2 (-Laplacian + tau^2 I)^(-alpha)",
            "modes": list(self.noise_shape),
        }


class _AbstractModalGRF(AbstractGaussianRandomField):
    """Fields on a box whose eigenfunctions are products of 1-D cosines or sines, evaluated
    by dense per-axis basis matrices (exact at any nodes; on a uniform vertex grid the
    product equals an inverse DCT-I / DST-I)."""

    def __init__(self, grid, *, alpha, tau, sigma, n_modes):
        super().__init__(grid, alpha=alpha, tau=tau, sigma=sigma)
        for i, ax in enumerate(grid.axes):
            if ax.periodic:
                raise DiscretizationError(
                    explain(
                        f"axis {i} is periodic; cosine/sine fields need bounded axes",
                        expected="non-periodic axes",
                        received=repr(ax),
                        fix="use PeriodicGRF on periodic grids",
                    )
                )
        default = tuple(self._default_modes(ax) for ax in grid.axes)
        modes = default if n_modes is None else tuple(np.broadcast_to(n_modes, len(default)))
        if any(int(m) < 1 for m in modes):
            raise ParameterError(
                explain(
                    "a random field needs at least one mode per axis",
                    expected="n_modes >= 1 on every axis",
                    received=repr(n_modes),
                    fix="pass n_modes=None (one mode per node) or a positive int",
                )
            )
        self._modes = tuple(int(m) for m in modes)

    @abc.abstractmethod
    def _default_modes(self, axis) -> int: ...

    @abc.abstractmethod
    def _first_mode(self) -> int: ...

    @abc.abstractmethod
    def _function(self, phase: np.ndarray) -> np.ndarray:
        """``cos`` or ``sin`` of the phase."""

    @property
    def noise_shape(self) -> tuple[int, ...]:
        return self._modes

    def _wavenumbers(self, axis_index: int) -> np.ndarray:
        k = np.arange(self._first_mode(), self._first_mode() + self._modes[axis_index])
        return math.pi * k / self.grid.axes[axis_index].length

    def basis(self, axis_index: int, derivative: int = 0) -> np.ndarray:
        """Orthonormal 1-D eigenfunctions (or their ``derivative``-th derivatives) at the
        nodes of one axis, shape ``(n_nodes, n_modes)``."""
        ax = self.grid.axes[axis_index]
        kappa = self._wavenumbers(axis_index)
        x = ax.nodes.numpy() - ax.bounds[0]
        norm = np.sqrt(np.where(kappa == 0, 1.0, 2.0) / ax.length)
        phase = np.outer(x, kappa) + derivative * math.pi / 2
        return norm * kappa**derivative * self._function(phase)

    def laplacian_eigenvalues(self) -> np.ndarray:
        mu = np.zeros(self._modes)
        for d in range(self.grid.ndim):
            shape = [1] * self.grid.ndim
            shape[d] = -1
            mu = mu + self._wavenumbers(d).reshape(shape) ** 2
        return mu

    def from_noise(self, xi: np.ndarray, derivative=None) -> np.ndarray:
        """Values (or a partial derivative) of the field for white noise ``xi``.

        Parameters
        ----------
        xi : ndarray of shape (..., *noise_shape)
        derivative : sequence of int, optional
            Order of differentiation along each axis (exact, termwise).

        Returns
        -------
        ndarray of shape (..., *grid.shape)
        """
        xi = np.asarray(xi, dtype=np.float64)
        d = self.grid.ndim
        if xi.shape[xi.ndim - d :] != self._modes:
            raise ParameterError(
                explain(
                    "white noise does not match the field's modes",
                    expected=f"shape (..., {', '.join(map(str, self._modes))})",
                    received=f"shape {xi.shape}",
                    fix="draw xi with generator.standard_normal(field.noise_shape)",
                )
            )
        orders = (0,) * d if derivative is None else tuple(int(o) for o in derivative)
        out = np.sqrt(self.eigenvalues()) * xi
        for axis_index in range(d):
            pos = out.ndim - d + axis_index
            phi = self.basis(axis_index, orders[axis_index])
            out = np.moveaxis(np.tensordot(out, phi, axes=([pos], [1])), -1, pos)
        return out


@final
class NeumannGRF(_AbstractModalGRF):
    r"""Cosine-series field (zero normal derivative): the FNO Darcy ``GRF.m``.

    Parameters
    ----------
    grid : TensorGrid
        Non-periodic axes (any nodes; the FNO convention is a uniform grid on [0, 1]).
    alpha, tau, sigma : float
        Covariance :math:`\sigma^2(-\Delta+\tau^2)^{-\alpha}`; FNO Darcy: ``alpha=2``,
        ``tau=3``, ``sigma=tau**(alpha - 1)``.
    zero_mean : bool
        Drop the constant mode (as ``GRF.m`` does with ``L(1,1) = 0``).
    n_modes : int or sequence of int, optional
        Cosine modes per axis, ``0 .. n_modes - 1``; default one per node.

    Examples
    --------
    >>> grid = TensorGrid.uniform((33, 33))
    >>> g = NeumannGRF(grid, alpha=2, tau=3, sigma=3).sample(4, rng=0)
    >>> tuple(g.values.shape)
    (4, 1, 33, 33)
    """

    def __init__(self, grid, *, alpha, tau, sigma, zero_mean: bool = True, n_modes=None):
        super().__init__(grid, alpha=alpha, tau=tau, sigma=sigma, n_modes=n_modes)
        self.zero_mean = bool(zero_mean)
        self._lam = self._spectral_weights(self.laplacian_eigenvalues(), self.zero_mean)

    @property
    def kind(self) -> str:
        return "neumann"

    def _default_modes(self, axis) -> int:
        return axis.n

    def _first_mode(self) -> int:
        return 0

    def _function(self, phase):
        return np.cos(phase)

    def eigenvalues(self) -> np.ndarray:
        return self._lam


@final
class DirichletGRF(_AbstractModalGRF):
    r"""Sine-series field, zero on the boundary of the box.

    Modes :math:`k_d = 1 .. m_d` with eigenfunctions :math:`\prod_d\sqrt{2/L_d}\sin(\pi k_d
    x_d/L_d)`; the default ``m_d = n_d - 2`` on an axis with both endpoints as nodes (the
    interior count, where the modes are exactly the 5-point Laplacian's eigenvectors).

    Examples
    --------
    >>> grid = TensorGrid.uniform((17, 17))
    >>> u0 = DirichletGRF(grid, alpha=2, tau=3, sigma=3).sample(2, rng=1).values
    >>> float(u0[..., 0, :].abs().max()) < 1e-12
    True
    """

    def __init__(self, grid, *, alpha, tau, sigma, n_modes=None):
        super().__init__(grid, alpha=alpha, tau=tau, sigma=sigma, n_modes=n_modes)
        self._lam = self._spectral_weights(self.laplacian_eigenvalues(), False)

    @property
    def kind(self) -> str:
        return "dirichlet"

    def _default_modes(self, axis) -> int:
        lo, hi = axis.bounds
        x = axis.nodes
        ends = abs(float(x[0]) - lo) < 1e-12 and abs(float(x[-1]) - hi) < 1e-12
        return max(axis.n - 2, 1) if ends else axis.n

    def _first_mode(self) -> int:
        return 1

    def _function(self, phase):
        return np.sin(phase)

    def eigenvalues(self) -> np.ndarray:
        return self._lam


@final
class PeriodicGRF(AbstractGaussianRandomField):
    r"""Fourier-series field on a uniform periodic grid (Burgers, Navier–Stokes inputs).

    White noise :math:`W` on the grid (``S`` points, box volume ``V``) is filtered,
    :math:`g = \mathcal F^{-1}[\sqrt{\lambda_k S / V}\,\mathcal F W]`, so that the
    covariance of the grid values is exactly :math:`\sum_k \lambda_k e^{ik\cdot(x-y)}/V`
    over the grid's wavenumbers (the Nyquist modes included, as real cosines).

    Parameters
    ----------
    grid : TensorGrid
        Uniform periodic axes.
    alpha, tau, sigma : float
        Covariance :math:`\sigma^2(-\Delta+\tau^2)^{-\alpha}`, :math:`\mu_k = |k|^2` with
        angular wavenumbers :math:`k = 2\pi m / L`. FNO Burgers: ``alpha=2, tau=5,
        sigma=25`` (variance 625).
    zero_mean : bool
        Drop the constant mode.

    Examples
    --------
    >>> grid = TensorGrid.uniform((64,), periodic=True)
    >>> u0 = PeriodicGRF(grid, alpha=2, tau=5, sigma=25).sample(3, rng=0)
    >>> abs(float(u0.values.mean(-1).abs().max())) < 1e-12
    True
    """

    def __init__(self, grid, *, alpha, tau, sigma, zero_mean: bool = True):
        super().__init__(grid, alpha=alpha, tau=tau, sigma=sigma)
        freqs = [k.numpy() for k in grid.fft_frequencies()]  # checks uniform periodic axes
        mu = np.zeros(grid.shape)
        for d, k in enumerate(freqs):
            shape = [1] * grid.ndim
            shape[d] = -1
            mu = mu + k.reshape(shape) ** 2
        self._mu = mu
        self.zero_mean = bool(zero_mean)
        self._lam = self._spectral_weights(mu, self.zero_mean)
        volume = math.prod(ax.length for ax in grid.axes)
        self._filter = np.sqrt(self._lam * grid.size / volume)

    @property
    def kind(self) -> str:
        return "periodic"

    @property
    def noise_shape(self) -> tuple[int, ...]:
        return self.grid.shape

    def laplacian_eigenvalues(self) -> np.ndarray:
        return self._mu

    def eigenvalues(self) -> np.ndarray:
        return self._lam

    def from_noise(self, xi: np.ndarray) -> np.ndarray:
        """Filter white noise of shape ``(..., *grid.shape)`` (FFT order of modes)."""
        xi = np.asarray(xi, dtype=np.float64)
        axes = tuple(range(xi.ndim - self.grid.ndim, xi.ndim))
        return np.fft.ifftn(self._filter * np.fft.fftn(xi, axes=axes), axes=axes).real
