"""The entropic-OT mixtures benchmark of Gushchin et al. (NeurIPS 2023 D&B), rebuilt from
its construction, and the cBW2-UVP metric with its oracle floor.

Construction: a source Gaussian mixture ``p0`` and a Schrödinger potential
``f(y) = sum_k w_k N(y | mu_k, Sigma_k)``; the plan ``pi*(y | x) ∝ N(y | x, eps I) f(y)``
is then *the* EOT plan (cost ``1/2 |x - y|^2``, ``reg = eps``) between ``p0`` and
``p1 = ∫ pi*(. | x) p0(dx)``, with known conditional moments.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch

from .gaussian import sqrtm_spd

__all__ = ["MixtureBenchmark", "cbw2_uvp"]


def _log_normal(x, mean, cov):
    """``log N(x | mean_k, cov_k)`` for ``x (n, d)``, ``mean (K, d)``, ``cov (K, d, d)``."""
    L = torch.linalg.cholesky(cov)
    diff = (x[:, None, :] - mean[None]).unsqueeze(-1)
    z = torch.linalg.solve_triangular(L[None], diff, upper=False)[..., 0]
    logdet = torch.log(torch.diagonal(L, dim1=-2, dim2=-1)).sum(-1)
    return -0.5 * (z**2).sum(-1) - logdet - 0.5 * x.shape[-1] * math.log(2 * math.pi)


@dataclass(frozen=True)
class MixtureBenchmark:
    """A benchmark instance (all tensors float64).

    Attributes
    ----------
    eps : float
    source_means : (K0, d), source_std : float
        ``p0 = (1/K0) sum N(source_means_j, source_std^2 I)``.
    log_w : (K,), means : (K, d), covs : (K, d, d)
        The potential's mixture.

    Examples
    --------
    >>> bm = MixtureBenchmark.random(2, 1.0, seed=0)
    >>> bm.sample_target(5, generator=torch.Generator().manual_seed(1)).shape
    torch.Size([5, 2])
    """

    eps: float
    source_means: torch.Tensor
    source_std: float
    log_w: torch.Tensor
    means: torch.Tensor
    covs: torch.Tensor

    @classmethod
    def random(cls, dim: int, eps: float, n_components: int = 5, *, seed: int):
        """An instance with isotropic potential covariances (diagonal-S LightSB is well
        specified, as in the official benchmark)."""
        g = torch.Generator().manual_seed(seed)
        kw = {"dtype": torch.float64, "generator": g}
        source_means = 2.0 * torch.randn(3, dim, **kw)
        means = 2.0 * torch.randn(n_components, dim, **kw)
        scales = 0.2 + 0.8 * torch.rand(n_components, **kw)
        covs = scales[:, None, None] * torch.eye(dim, dtype=torch.float64)
        log_w = torch.log_softmax(torch.randn(n_components, **kw), 0)
        return cls(float(eps), source_means, 1.0, log_w, means, covs)

    def sample_source(self, n: int, *, generator=None) -> torch.Tensor:
        """``x ~ p0``, shape (n, d)."""
        j = torch.randint(self.source_means.shape[0], (n,), generator=generator)
        noise = torch.randn(n, self.source_means.shape[1], generator=generator, dtype=torch.float64)
        return self.source_means[j] + self.source_std * noise

    def conditional(self, x: torch.Tensor):
        """Components of ``pi*(. | x)``: log weights (n, K), means (n, K, d), covs (K, d, d)."""
        d = x.shape[1]
        eye = torch.eye(d, dtype=torch.float64)
        logits = self.log_w + _log_normal(x, self.means, self.covs + self.eps * eye)
        prec = torch.linalg.inv(self.covs)
        P = torch.linalg.inv(eye / self.eps + prec)
        lin = (prec @ self.means[..., None])[..., 0][None] + x[:, None, :] / self.eps
        means = (P[None] @ lin[..., None])[..., 0]
        return torch.log_softmax(logits, -1), means, P

    def conditional_moments(self, x: torch.Tensor):
        """Exact mean (n, d) and covariance (n, d, d) of ``pi*(. | x)``."""
        logw, m, P = self.conditional(x)
        w = logw.exp()
        mean = (w[..., None] * m).sum(1)
        second = (w[..., None, None] * (P[None] + m[..., :, None] * m[..., None, :])).sum(1)
        return mean, second - mean[..., :, None] * mean[..., None, :]

    def sample_conditional(self, x: torch.Tensor, *, generator=None) -> torch.Tensor:
        """``y ~ pi*(. | x)``, one per row of ``x``, shape (n, d)."""
        logw, m, P = self.conditional(x)
        k = torch.multinomial(logw.exp(), 1, generator=generator)[:, 0]
        z = torch.randn(x.shape, generator=generator, dtype=torch.float64)
        L = torch.linalg.cholesky(P)[k]
        return m[torch.arange(x.shape[0]), k] + (L @ z[..., None])[..., 0]

    def sample_target(self, n: int, *, generator=None) -> torch.Tensor:
        """``y ~ p1`` (through ``x ~ p0``), shape (n, d)."""
        return self.sample_conditional(
            self.sample_source(n, generator=generator), generator=generator
        )


def cbw2_uvp(bench: MixtureBenchmark, x: torch.Tensor, samples: torch.Tensor, target_var=None):
    """Conditional BW2-UVP in percent.

    ``100 E_x[1/2 W2^2(N(mean_hat_x, cov_hat_x), N(mean*_x, cov*_x))] / (1/2 tr Var p1)``,
    W2 in the ``|x - y|^2`` (Bures) convention.

    Parameters
    ----------
    bench : MixtureBenchmark
    x : tensor (n, d)
        Test source points.
    samples : tensor (n, s, d)
        ``s`` model samples of ``pi(. | x_i)`` per test point.
    target_var : float, optional
        ``tr Var p1``; default: estimated from 100k target samples (seed 0).

    Notes
    -----
    The estimator is biased upward by the sampling error of ``mean_hat, cov_hat``; its
    value on true samples of ``pi*`` (the *oracle floor*) must always be reported beside
    a model's score.
    """
    if target_var is None:
        y = bench.sample_target(100_000, generator=torch.Generator().manual_seed(0))
        target_var = float(torch.var(y, 0).sum())
    mean, cov = bench.conditional_moments(x)
    mh = samples.mean(1)
    centred = samples - mh[:, None, :]
    ch = centred.transpose(-1, -2) @ centred / (samples.shape[1] - 1)
    r = sqrtm_spd(cov)
    cross = sqrtm_spd(r @ ch @ r)
    w2 = ((mh - mean) ** 2).sum(-1) + torch.diagonal(cov + ch - 2 * cross, dim1=-2, dim2=-1).sum(-1)
    return float(100.0 * (0.5 * w2).mean() / (0.5 * target_var))
