"""Kernel objects with trainable (log-)parameters, and their Gram/derivative blocks on an
axis, built by lag (Toeplitz gather) when the nodes are uniform."""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch

from sciml.core import Axis, ParameterError
from sciml.core.errors import explain

from .kernels import matern52_profile, se_profile, spectral_mixture_profile
from .resolution import nyquist

__all__ = [
    "SquaredExponential",
    "Matern52",
    "SpectralMixture",
    "lag_matrices",
    "derivative_blocks",
    "nyquist",
]


@dataclass(eq=False)
class SquaredExponential:
    """``k = s^2 exp(-tau^2 / 2 ell^2)``; parameters stored as logs."""

    log_lengthscale: torch.Tensor
    log_scale: torch.Tensor

    @classmethod
    def create(cls, lengthscale: float = 1.0, scale: float = 1.0) -> SquaredExponential:
        _positive(lengthscale=lengthscale, scale=scale)
        t = torch.tensor
        return cls(t(math.log(lengthscale)), t(math.log(scale)))

    def parameters(self) -> list[torch.Tensor]:
        return [self.log_lengthscale, self.log_scale]

    def profile(self, tau: torch.Tensor, order: int = 2) -> list[torch.Tensor]:
        s2 = torch.exp(2 * self.log_scale)
        return [s2 * d for d in se_profile(tau, torch.exp(self.log_lengthscale), order)]


@dataclass(eq=False)
class Matern52(SquaredExponential):
    """``k = s^2 (1 + r + r^2/3) e^{-r}``, ``r = sqrt(5)|tau|/ell``."""

    def profile(self, tau: torch.Tensor, order: int = 2) -> list[torch.Tensor]:
        s2 = torch.exp(2 * self.log_scale)
        return [s2 * d for d in matern52_profile(tau, torch.exp(self.log_lengthscale), order)]


@dataclass(eq=False)
class SpectralMixture:
    """``k = sum_q w_q g(tau; ell_q) cos(2 pi mu_q tau)`` with per-component log-weights,
    log-lengthscales and frequencies ``mu_q`` (cycles per unit length).

    Examples
    --------
    >>> ax = Axis.uniform(101, (0.0, 1.0))
    >>> k = SpectralMixture.initial(ax, n_components=5)
    >>> float(k.frequencies.max()) <= 0.8 * nyquist(ax)
    True
    """

    log_weights: torch.Tensor
    log_lengthscales: torch.Tensor
    frequencies: torch.Tensor
    envelope: str = "gaussian"
    anchor: bool = True

    @property
    def effective_frequencies(self) -> torch.Tensor:
        """The frequencies used, the first pinned at 0 when ``anchor`` (a smooth
        component that keeps low frequencies, e.g. harmonic boundary modes, represented
        when learning moves every other component to the solution's frequency)."""
        if not self.anchor:
            return self.frequencies
        return torch.cat([self.frequencies[:1] * 0.0, self.frequencies[1:]])

    @classmethod
    def initial(
        cls,
        axis: Axis,
        n_components: int = 30,
        *,
        max_frequency: float | None = None,
        lengthscale: float = 1.0 / math.sqrt(2.0),
        envelope: str = "gaussian",
        nyquist_fraction: float = 0.8,
    ) -> SpectralMixture:
        """GP-HM's initialisation: ``w_q = 1/Q``, equal lengthscales, frequencies evenly
        spaced on ``[0, max_frequency]``, capped at ``nyquist_fraction`` times the axis'
        Nyquist frequency (frequencies above it ruin the initial solve)."""
        if n_components < 1:
            raise ParameterError(
                explain(
                    "a spectral mixture needs components",
                    expected="n_components >= 1",
                    received=repr(n_components),
                    fix="pass n_components=30 (GP-HM's default)",
                )
            )
        _positive(lengthscale=lengthscale)
        cap = nyquist_fraction * nyquist(axis)
        top = cap if max_frequency is None else min(float(max_frequency), cap)
        q = n_components
        return cls(
            torch.full((q,), -math.log(q), dtype=torch.float64),
            torch.full((q,), math.log(lengthscale), dtype=torch.float64),
            torch.linspace(0.0, top, q, dtype=torch.float64),
            envelope,
        )

    @property
    def weights(self) -> torch.Tensor:
        return torch.exp(self.log_weights)

    @property
    def lengthscales(self) -> torch.Tensor:
        return torch.exp(self.log_lengthscales)

    def parameters(self) -> list[torch.Tensor]:
        return [self.log_weights, self.log_lengthscales, self.frequencies]

    def profile(self, tau: torch.Tensor, order: int = 2) -> list[torch.Tensor]:
        return spectral_mixture_profile(
            tau, self.weights, self.lengthscales, self.effective_frequencies, order, self.envelope
        )

    def snapshot(self) -> SpectralMixture:
        """A detached copy of the current parameters."""
        return SpectralMixture(
            self.log_weights.detach().clone(),
            self.log_lengthscales.detach().clone(),
            self.frequencies.detach().clone(),
            self.envelope,
            self.anchor,
        )

    def spectrum(self) -> dict:
        """The learned spectrum, sorted by weight (largest first)."""
        w = self.weights.detach()
        order = torch.argsort(w, descending=True)
        return {
            "weights": w[order].tolist(),
            "frequencies": self.effective_frequencies.detach()[order].abs().tolist(),
            "lengthscales": self.lengthscales.detach()[order].tolist(),
        }


def _positive(**values) -> None:
    for name, v in values.items():
        if not (isinstance(v, (int, float)) and math.isfinite(v) and v > 0):
            raise ParameterError(
                explain(
                    f"kernel {name} must be positive",
                    expected="a finite number > 0",
                    received=repr(v),
                    fix=f"pass {name} > 0",
                )
            )


def _is_uniform(x: torch.Tensor) -> bool:
    if x.numel() < 3:
        return True
    d = torch.diff(x)
    return bool((d - d[0]).abs().max() <= 1e-12 * abs(float(d[0])))


def lag_matrices(kernel, x: torch.Tensor, order: int = 2) -> list[torch.Tensor]:
    """``[K^(0), ..., K^(order)]`` with ``K^(m)_ij = kappa^(m)(x_i - x_j)``.

    On uniform nodes only the ``2n - 1`` distinct lags are evaluated and gathered into
    Toeplitz matrices (O(n Q) kernel evaluations instead of O(n^2 Q)).

    Parameters
    ----------
    kernel : object with ``profile(tau, order)``
    x : torch.Tensor of shape (n,)
    order : int

    Returns
    -------
    list of torch.Tensor of shape (n, n)
    """
    x = x.to(torch.float64)
    n = x.numel()
    if _is_uniform(x) and n > 1:
        h = x[1] - x[0]
        lags = torch.arange(-(n - 1), n, dtype=torch.float64) * h
        vals = kernel.profile(lags, order)
        i = torch.arange(n)
        index = i[:, None] - i[None, :] + (n - 1)
        return [v[index] for v in vals]
    return kernel.profile(x[:, None] - x[None, :], order)


def derivative_blocks(kernel, x: torch.Tensor, x2: torch.Tensor | None = None) -> dict:
    """The covariance blocks of ``u``, ``u_x`` and ``u_xx`` between nodes ``x`` and ``x2``.

    Returns
    -------
    dict of torch.Tensor of shape (n, n2)
        ``"k"``: k(x, x'); ``"dx"``: d/dx; ``"dx2"``: d/dx'; ``"dxx"``: d^2/dx^2;
        ``"dxdx2"``: d^2/dx dx'; ``"dxxdx2x2"``: d^4/dx^2 dx'^2.
    """
    if x2 is None:
        m = lag_matrices(kernel, x, 4)
    else:
        m = kernel.profile(x.to(torch.float64)[:, None] - x2.to(torch.float64)[None, :], 4)
    return {
        "k": m[0],
        "dx": m[1],
        "dx2": -m[1],
        "dxx": m[2],
        "dxdx2": -m[2],
        "dxxdx2x2": m[4],
    }
