"""Light Schrödinger Bridge (Korotin, Gushchin, Burnaev, ICLR 2024): a Gaussian-mixture
Schrödinger potential with a closed-form conditional plan and a simulation-free loss."""

from __future__ import annotations

import math

import torch

from sciml.core import ParameterError
from sciml.core.errors import explain

__all__ = ["LightSB"]


class LightSB(torch.nn.Module):
    """Schrödinger bridge with reference ``sqrt(eps) dW`` and adjusted potential
    ``v(x1) = sum_k alpha_k N(x1 | r_k, eps S_k)``.

    Parameters
    ----------
    dim : int
    n_components : int
        ``K``.
    eps : float
        Brownian variance of the reference (EOT cost ``1/2 |x - y|^2``, ``reg = eps``).
    covariance : {"diagonal", "full"}
        ``S_k = diag(exp s_k)`` or ``S_k = L_k L_k^T`` with a Cholesky factor whose diagonal
        is ``exp`` of a parameter.
    init_means : tensor (K, dim), optional
        Initial ``r_k`` (e.g. K target samples); default zeros.

    Notes
    -----
    The conditional plan is ``pi(x1 | x0) = sum_k w_k(x0) N(x1 | r_k + S_k x0, eps S_k)``
    with ``log w_k(x0) = log alpha_k + (x0^T S_k x0 + 2 r_k^T x0) / (2 eps) - log c(x0)``,
    and the loss is ``E_p0 log c(x0) - E_p1 log v(x1)`` (KL to the true bridge up to a
    constant); minibatches of p0 and p1 need not be paired.

    Examples
    --------
    >>> sb = LightSB(2, 3, eps=0.5)
    >>> x0 = torch.zeros(4, 2, dtype=torch.float64)
    >>> sb.sample(x0, generator=torch.Generator().manual_seed(0)).shape
    torch.Size([4, 2])
    """

    def __init__(self, dim, n_components, eps, covariance="diagonal", init_means=None):
        super().__init__()
        if covariance not in ("diagonal", "full") or eps <= 0 or n_components < 1:
            raise ParameterError(
                explain(
                    "invalid LightSB configuration",
                    expected="covariance in {'diagonal', 'full'}, eps > 0, n_components >= 1",
                    received=f"{covariance!r}, eps={eps}, K={n_components}",
                    fix="correct the arguments",
                )
            )
        K, d, kw = n_components, dim, {"dtype": torch.float64}
        self.eps, self.covariance, self.dim = float(eps), covariance, dim
        self.log_alpha = torch.nn.Parameter(torch.zeros(K, **kw))
        r = torch.zeros(K, d, **kw) if init_means is None else torch.as_tensor(init_means, **kw)
        self.r = torch.nn.Parameter(r.clone())
        self.log_diag = torch.nn.Parameter(torch.zeros(K, d, **kw))
        if covariance == "full":
            self.lower = torch.nn.Parameter(torch.zeros(K, d, d, **kw))

    def cholesky(self) -> torch.Tensor:
        """``L_k`` with ``S_k = L_k L_k^T``, shape (K, d, d)."""
        L = torch.diag_embed(torch.exp(0.5 * self.log_diag))
        if self.covariance == "full":
            L = L + torch.tril(self.lower, diagonal=-1)
        return L

    def S(self) -> torch.Tensor:
        """``S_k``, shape (K, d, d)."""
        L = self.cholesky()
        return L @ L.transpose(-1, -2)

    def _logits(self, x0):
        """``log alpha_k + (x0^T S_k x0 + 2 r_k^T x0) / 2 eps``, shape (n, K)."""
        Sx = torch.einsum("kij,nj->nki", self.S(), x0)
        quad = (Sx * x0[:, None, :]).sum(-1) + 2.0 * x0 @ self.r.T
        return torch.log_softmax(self.log_alpha, 0) + quad / (2.0 * self.eps)

    def log_c(self, x0: torch.Tensor) -> torch.Tensor:
        """``log c(x0)``, shape (n,)."""
        return torch.logsumexp(self._logits(x0), -1)

    def log_v(self, x1: torch.Tensor) -> torch.Tensor:
        """``log v(x1) = log sum_k alpha_k N(x1 | r_k, eps S_k)``, shape (n,)."""
        L = math.sqrt(self.eps) * self.cholesky()
        diff = (x1[:, None, :] - self.r[None]).unsqueeze(-1)
        z = torch.linalg.solve_triangular(L[None], diff, upper=False)[..., 0]
        logdet = torch.log(torch.diagonal(L, dim1=-2, dim2=-1)).sum(-1)
        logN = -0.5 * (z**2).sum(-1) - logdet - 0.5 * self.dim * math.log(2 * math.pi)
        return torch.logsumexp(torch.log_softmax(self.log_alpha, 0) + logN, -1)

    def loss(self, x0: torch.Tensor, x1: torch.Tensor) -> torch.Tensor:
        """The simulation-free objective ``mean log c(x0) - mean log v(x1)``."""
        return self.log_c(x0).mean() - self.log_v(x1).mean()

    @torch.no_grad()
    def sample(self, x0: torch.Tensor, *, generator=None) -> torch.Tensor:
        """Draw ``x1 ~ pi(. | x0)``, shape (n, d)."""
        k = torch.multinomial(torch.softmax(self._logits(x0), -1), 1, generator=generator)[:, 0]
        S, L = self.S()[k], self.cholesky()[k]
        noise = torch.randn(x0.shape, dtype=x0.dtype, generator=generator)
        mean = self.r[k] + (S @ x0[..., None])[..., 0]
        return mean + math.sqrt(self.eps) * (L @ noise[..., None])[..., 0]

    @torch.no_grad()
    def sample_bridge(self, x0: torch.Tensor, t: float, *, generator=None) -> torch.Tensor:
        """``x_t = t x1 + (1 - t) x0 + sqrt(eps t (1 - t)) z`` with ``x1 ~ pi(. | x0)``."""
        x1 = self.sample(x0, generator=generator)
        z = torch.randn(x0.shape, dtype=x0.dtype, generator=generator)
        return t * x1 + (1 - t) * x0 + math.sqrt(self.eps * t * (1 - t)) * z

    @torch.no_grad()
    def drift(self, x: torch.Tensor, t: float) -> torch.Tensor:
        """SDE drift ``-x/(1-t) + eps grad log sum_k (...)`` at time ``t < 1``, (n, d).

        With ``Lam_k = t/(eps(1-t)) I + (eps S_k)^-1`` and
        ``c_k = x/(eps(1-t)) + (eps S_k)^-1 r_k``, the log-integrand is
        ``log alpha_k - 1/2 log|S_k| - 1/2 log|Lam_k| - 1/2 r_k^T (eps S_k)^-1 r_k
        + 1/2 c_k^T Lam_k^-1 c_k``, whose gradient is ``Lam_k^-1 c_k / (eps (1-t))``.
        """
        eps, d = self.eps, self.dim
        eye = torch.eye(d, dtype=x.dtype)
        P = torch.linalg.inv(eps * self.S())
        Lam = t / (eps * (1 - t)) * eye + P
        c = x[:, None, :] / (eps * (1 - t)) + (P @ self.r[..., None])[..., 0][None]
        sol = torch.linalg.solve(Lam[None], c[..., None])[..., 0]
        logit = (
            torch.log_softmax(self.log_alpha, 0)
            - 0.5 * torch.logdet(self.S())
            - 0.5 * torch.logdet(Lam)
            - 0.5 * (self.r * (P @ self.r[..., None])[..., 0]).sum(-1)
        )[None] + 0.5 * (c * sol).sum(-1)
        w = torch.softmax(logit, -1)
        grad = (w[..., None] * sol).sum(1) / (eps * (1 - t))
        return -x / (1 - t) + eps * grad
