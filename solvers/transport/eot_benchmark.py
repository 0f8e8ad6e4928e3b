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
from functools import cached_property

import torch

from .gaussian import sqrtm_spd

__all__ = ["MixtureBenchmark", "cbw2_uvp"]


def _log_normal_chol(x, mean, L):
    """``log N(x | mean_k, L_k L_k^T)`` for ``x (n, d)``, ``mean (K, d)``, ``L (K, d, d)``."""
    diff = (x[None, :, :] - mean[:, None, :]).transpose(-1, -2)  # (K, d, n)
    z = torch.linalg.solve_triangular(L, diff, upper=False).transpose(-1, -2).transpose(0, 1)
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
    def random(cls, dim: int, eps: float, n_components: int = 5, *, seed: int, rotated=False):
        """A random instance.

        ``rotated=False``: isotropic potential covariances ``s_k I``, ``s_k ~ U(0.2, 1)``
        (diagonal-S LightSB is well specified, as in the official benchmark).
        ``rotated=True``: ``Q_k diag(l_k) Q_k^T`` with a random rotation ``Q_k`` and
        eigenvalues ``l_k ~ U(0.05, 1)^d``, so the conditional covariances are not diagonal
        and a diagonal-S LightSB is misspecified.
        """
        g = torch.Generator().manual_seed(seed)
        kw = {"dtype": torch.float64, "generator": g}
        source_means = 2.0 * torch.randn(3, dim, **kw)
        means = 2.0 * torch.randn(n_components, dim, **kw)
        if rotated:
            Q, R = torch.linalg.qr(torch.randn(n_components, dim, dim, **kw))
            Q = Q * torch.sign(torch.diagonal(R, dim1=-2, dim2=-1))[:, None, :]
            lam = 0.05 + 0.95 * torch.rand(n_components, dim, **kw)
            covs = (Q * lam[:, None, :]) @ Q.transpose(-1, -2)
            covs = 0.5 * (covs + covs.transpose(-1, -2))
        else:
            scales = 0.2 + 0.8 * torch.rand(n_components, **kw)
            covs = scales[:, None, None] * torch.eye(dim, dtype=torch.float64)
        log_w = torch.log_softmax(torch.randn(n_components, **kw), 0)
        return cls(float(eps), source_means, 1.0, log_w, means, covs)

    @cached_property
    def _factors(self):
        """Cached ``(Sigma_k + eps I)`` Cholesky, ``P_k``, ``Sigma_k^-1 mu_k``, ``chol P_k``."""
        d = self.means.shape[1]
        eye = torch.eye(d, dtype=torch.float64)
        chol_marg = torch.linalg.cholesky(self.covs + self.eps * eye)
        prec = torch.linalg.inv(self.covs)
        P = torch.linalg.inv(eye / self.eps + prec)
        P = 0.5 * (P + P.transpose(-1, -2))
        prec_mean = (prec @ self.means[..., None])[..., 0]
        return chol_marg, P, prec_mean, torch.linalg.cholesky(P)

    def sample_source(self, n: int, *, generator=None) -> torch.Tensor:
        """``x ~ p0``, shape (n, d)."""
        j = torch.randint(self.source_means.shape[0], (n,), generator=generator)
        noise = torch.randn(n, self.source_means.shape[1], generator=generator, dtype=torch.float64)
        return self.source_means[j] + self.source_std * noise

    def conditional(self, x: torch.Tensor):
        """Components of ``pi*(. | x)``: log weights (n, K), means (n, K, d), covs (K, d, d)."""
        chol_marg, P, prec_mean, _ = self._factors
        logits = self.log_w + _log_normal_chol(x, self.means, chol_marg)
        lin = prec_mean[None] + x[:, None, :] / self.eps
        means = torch.matmul(lin.transpose(0, 1), P).transpose(0, 1)  # P symmetric
        return torch.log_softmax(logits, -1), means, P

    def conditional_moments(self, x: torch.Tensor):
        """Exact mean (n, d) and covariance (n, d, d) of ``pi*(. | x)``."""
        logw, m, P = self.conditional(x)
        w = logw.exp()
        mean = (w[..., None] * m).sum(1)
        second = (w[..., None, None] * (P[None] + m[..., :, None] * m[..., None, :])).sum(1)
        return mean, second - mean[..., :, None] * mean[..., None, :]

    def target_variance(self, n: int = 100_000, *, generator=None, chunk: int = 10_000) -> float:
        """``tr Var p1`` by Rao-Blackwellised Monte Carlo over ``n`` source points:
        ``E_x[tr Cov(y|x)] + tr Var_x(E[y|x])`` with the exact conditional moments."""
        total_cov, means = 0.0, []
        trP = torch.diagonal(self._factors[1], dim1=-2, dim2=-1).sum(-1)  # (K,)
        for start in range(0, n, chunk):
            x = self.sample_source(min(chunk, n - start), generator=generator)
            logw, m, _ = self.conditional(x)
            w = logw.exp()
            mean = (w[..., None] * m).sum(1)
            second = (w * (trP[None] + (m**2).sum(-1))).sum(-1)
            total_cov += float((second - (mean**2).sum(-1)).sum())
            means.append(mean)
        mean = torch.cat(means)
        return total_cov / n + float(torch.var(mean, 0).sum())

    def sample_conditional(self, x: torch.Tensor, *, generator=None) -> torch.Tensor:
        """``y ~ pi*(. | x)``, one per row of ``x``, shape (n, d)."""
        logw, m, P = self.conditional(x)
        k = torch.multinomial(logw.exp(), 1, generator=generator)[:, 0]
        z = torch.randn(x.shape, generator=generator, dtype=torch.float64)
        y = m[torch.arange(x.shape[0]), k]
        for j, L in enumerate(self._factors[3]):  # per component: no (n, d, d) gather
            rows = (k == j).nonzero()[:, 0]
            y[rows] += z[rows] @ L.T
        return y

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
        ``tr Var p1``; default: :meth:`MixtureBenchmark.target_variance` (seed 0).

    Notes
    -----
    The estimator is biased upward by the sampling error of ``mean_hat, cov_hat``; its
    value on true samples of ``pi*`` (the *oracle floor*) must always be reported beside
    a model's score.
    """
    if target_var is None:
        target_var = bench.target_variance(generator=torch.Generator().manual_seed(0))
    mean, cov = bench.conditional_moments(x)
    mh = samples.mean(1)
    centred = samples - mh[:, None, :]
    ch = centred.transpose(-1, -2) @ centred / (samples.shape[1] - 1)
    r = sqrtm_spd(cov)
    cross = sqrtm_spd(r @ ch @ r)
    w2 = ((mh - mean) ** 2).sum(-1) + torch.diagonal(cov + ch - 2 * cross, dim1=-2, dim2=-1).sum(-1)
    return float(100.0 * (0.5 * w2).mean() / (0.5 * target_var))
