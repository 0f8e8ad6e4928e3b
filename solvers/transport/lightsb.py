"""Light Schrödinger Bridge (Korotin, Gushchin, Burnaev, ICLR 2024): a Gaussian-mixture
Schrödinger potential with a closed-form conditional plan and a simulation-free loss."""

from __future__ import annotations

import math

import torch

from sciml.core import ParameterError
from sciml.core.errors import explain

__all__ = ["LightSB"]


def _per_component(x: torch.Tensor, M: torch.Tensor) -> torch.Tensor:
    """``M_k x_i`` for ``x`` (n, d) and ``M`` (K, d, d) as one matrix product: (n, K, d)."""
    K, d, _ = M.shape
    return (x @ M.reshape(K * d, d).T).reshape(x.shape[0], K, d)


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
        is ``exp`` of a parameter (no orthogonality constraint needed).
    init_means : tensor (K, dim), optional
        Initial ``r_k`` (e.g. K target samples); default zeros.
    s_init : float
        Initial ``S_k = s_init I``.
    dtype : torch.dtype
        Working precision of the parameters (float64 default; float32 is ~2x faster).

    Notes
    -----
    The conditional plan is ``pi(x1 | x0) = sum_k w_k(x0) N(x1 | r_k + S_k x0, eps S_k)``
    with ``log w_k(x0) = log alpha_k + (x0^T S_k x0 + 2 r_k^T x0) / (2 eps) - log c(x0)``,
    and the loss is ``E_p0 log c(x0) - E_p1 log v(x1)`` (KL to the true bridge up to a
    constant); minibatches of p0 and p1 need not be paired. Costs per evaluation:
    ``O(n K d)`` diagonal, ``O(n K d^2)`` full (one ``(n, d) x (d, K d)`` matrix product
    each, no ``(n, K, d, d)`` temporaries). :func:`.lightsb_fit.fit_lightsb` trains it;
    :meth:`init_from_target` starts from the plan of a data-fitted potential.

    Examples
    --------
    >>> sb = LightSB(2, 3, eps=0.5)
    >>> x0 = torch.zeros(4, 2, dtype=torch.float64)
    >>> sb.sample(x0, generator=torch.Generator().manual_seed(0)).shape
    torch.Size([4, 2])
    """

    def __init__(
        self,
        dim,
        n_components,
        eps,
        covariance="diagonal",
        init_means=None,
        *,
        s_init: float = 1.0,
        dtype=torch.float64,
    ):
        super().__init__()
        if covariance not in ("diagonal", "full") or not eps > 0 or n_components < 1:
            raise ParameterError(
                explain(
                    "invalid LightSB configuration",
                    expected="covariance in {'diagonal', 'full'}, eps > 0, n_components >= 1",
                    received=f"{covariance!r}, eps={eps}, K={n_components}",
                    fix="correct the arguments",
                )
            )
        if not s_init > 0:
            raise ParameterError(
                explain(
                    "the initial S scale must be positive",
                    expected="s_init > 0",
                    received=f"s_init={s_init}",
                    fix="pass e.g. s_init=1.0",
                )
            )
        K, d, kw = n_components, dim, {"dtype": dtype}
        self.eps, self.covariance, self.dim = float(eps), covariance, dim
        self.log_alpha = torch.nn.Parameter(torch.zeros(K, **kw))
        r = torch.zeros(K, d, **kw) if init_means is None else torch.as_tensor(init_means, **kw)
        self.r = torch.nn.Parameter(r.clone())
        self.log_diag = torch.nn.Parameter(torch.full((K, d), math.log(s_init), **kw))
        if covariance == "full":
            self.lower = torch.nn.Parameter(torch.zeros(K, d, d, **kw))

    @property
    def n_components(self) -> int:
        return self.r.shape[0]

    @torch.no_grad()
    def init_from_target(self, y: torch.Tensor, *, generator=None, bandwidth: float = 0.25):
        """Start from the plan ``pi(x1|x0) ∝ N(x1 | x0, eps I) f(x1)`` of the kernel
        density ``f = (1/K) sum_k N(y_k, h^2 I)`` on ``K`` target samples ``y_k``.

        In LightSB form (exact): ``S_k = h^2 / (h^2 + eps) I``,
        ``r_k = eps / (h^2 + eps) y_k`` and
        ``log alpha_k = -|y_k|^2 / (2 (h^2 + eps))``. ``h^2 = bandwidth * tr Var(y) / d``.

        Parameters
        ----------
        y : tensor (n, d)
            Target samples, ``n >= K``; ``K`` of them are drawn without replacement.
        generator : torch.Generator, optional
        bandwidth : float
            ``h^2`` as a fraction of the target's mean per-coordinate variance.

        Returns
        -------
        self
        """
        y = torch.as_tensor(y, dtype=self.r.dtype)
        K = self.n_components
        if y.ndim != 2 or y.shape[1] != self.dim or y.shape[0] < K:
            raise ParameterError(
                explain(
                    "too few or ill-shaped target samples for the initialisation",
                    expected=f"shape (n, {self.dim}) with n >= K = {K}",
                    received=f"shape {tuple(y.shape)}",
                    fix="pass at least K target samples",
                )
            )
        h2 = bandwidth * float(y.var(0).mean())
        centres = y[torch.randperm(y.shape[0], generator=generator)[:K]]
        self.r.copy_(self.eps / (h2 + self.eps) * centres)
        self.log_diag.fill_(math.log(h2 / (h2 + self.eps)))
        self.log_alpha.copy_(-(centres**2).sum(-1) / (2 * (h2 + self.eps)))
        if self.covariance == "full":
            self.lower.zero_()
        return self

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
        if self.covariance == "diagonal":
            quad = (x0 * x0) @ self.log_diag.exp().T
        else:  # x^T L L^T x = |x @ L|^2, one (n, d) x (d, K d) product
            quad = (_per_component(x0, self.cholesky().transpose(-1, -2)) ** 2).sum(-1)
        quad = quad + 2.0 * x0 @ self.r.T
        return torch.log_softmax(self.log_alpha, 0) + quad / (2.0 * self.eps)

    def log_c(self, x0: torch.Tensor) -> torch.Tensor:
        """``log c(x0)``, shape (n,)."""
        return torch.logsumexp(self._logits(x0), -1)

    def log_v(self, x1: torch.Tensor) -> torch.Tensor:
        """``log v(x1) = log sum_k alpha_k N(x1 | r_k, eps S_k)``, shape (n,)."""
        d = self.dim
        if self.covariance == "diagonal":
            prec = torch.exp(-self.log_diag) / self.eps  # (K, d)
            z2 = (x1 * x1) @ prec.T - 2.0 * x1 @ (prec * self.r).T + (prec * self.r**2).sum(-1)
            logdet = 0.5 * self.log_diag.sum(-1) + 0.5 * d * math.log(self.eps)
        else:
            L = math.sqrt(self.eps) * self.cholesky()
            eye = torch.eye(d, dtype=L.dtype).expand_as(L)
            Linv = torch.linalg.solve_triangular(L, eye, upper=False)  # (K, d, d)
            z = _per_component(x1, Linv) - (Linv @ self.r[..., None])[..., 0]
            z2 = (z**2).sum(-1)
            logdet = torch.log(torch.diagonal(L, dim1=-2, dim2=-1)).sum(-1)
        logN = -0.5 * z2 - logdet - 0.5 * d * math.log(2 * math.pi)
        return torch.logsumexp(torch.log_softmax(self.log_alpha, 0) + logN, -1)

    def loss(self, x0: torch.Tensor, x1: torch.Tensor) -> torch.Tensor:
        """The simulation-free objective ``mean log c(x0) - mean log v(x1)``."""
        return self.log_c(x0).mean() - self.log_v(x1).mean()

    @torch.no_grad()
    def sample(self, x0: torch.Tensor, *, generator=None) -> torch.Tensor:
        """Draw ``x1 ~ pi(. | x0)``, shape (n, d)."""
        x0 = x0.to(self.r.dtype)
        k = torch.multinomial(torch.softmax(self._logits(x0), -1), 1, generator=generator)[:, 0]
        noise = torch.randn(x0.shape, dtype=x0.dtype, generator=generator)
        if self.covariance == "diagonal":
            s = self.log_diag.exp()[k]
            return self.r[k] + s * x0 + math.sqrt(self.eps) * s.sqrt() * noise
        S, L = self.S()[k], self.cholesky()[k]
        mean = self.r[k] + (S @ x0[..., None])[..., 0]
        return mean + math.sqrt(self.eps) * (L @ noise[..., None])[..., 0]

    @torch.no_grad()
    def sample_bridge(self, x0: torch.Tensor, t: float, *, generator=None) -> torch.Tensor:
        """``x_t = t x1 + (1 - t) x0 + sqrt(eps t (1 - t)) z`` with ``x1 ~ pi(. | x0)``."""
        x1 = self.sample(x0, generator=generator)
        z = torch.randn(x0.shape, dtype=x1.dtype, generator=generator)
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
        x = x.to(self.r.dtype)
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
