"""Closed forms between Gaussians: Bures-Wasserstein, its map, entropic OT (Janati et al.
2020) and the Gaussian Schrödinger bridge (Bunne et al. 2023).

All functions take means ``(d,)`` and SPD covariances ``(d, d)`` as float64 tensors and use
the cost ``||x - y||^2``.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from sciml.core import ParameterError, ShapeError
from sciml.core.errors import explain

__all__ = [
    "sqrtm_spd",
    "bures_w2_squared",
    "bures_map",
    "EntropicGaussian",
    "entropic_gaussian",
    "GaussianBridge",
]


def _moments(m, S, name: str):
    m = torch.as_tensor(m, dtype=torch.float64).reshape(-1)
    S = torch.as_tensor(S, dtype=torch.float64)
    S = S.reshape(1, 1) if S.ndim == 0 else S
    if S.shape != (m.numel(), m.numel()):
        raise ShapeError(
            explain(
                f"covariance {name} does not match its mean",
                expected=f"shape ({m.numel()}, {m.numel()})",
                received=f"shape {tuple(S.shape)}",
                fix="pass a (d,) mean and a (d, d) covariance",
            )
        )
    return m, 0.5 * (S + S.T)


def sqrtm_spd(S: torch.Tensor, inverse: bool = False) -> torch.Tensor:
    """Square root (or inverse square root) of a symmetric PSD matrix by eigh.

    Examples
    --------
    >>> sqrtm_spd(torch.tensor([[4.0, 0.0], [0.0, 9.0]], dtype=torch.float64)).diag().tolist()
    [2.0, 3.0]
    """
    lam, U = torch.linalg.eigh(0.5 * (S + S.transpose(-1, -2)))
    lam = lam.clamp_min(0.0)
    if inverse:
        if bool((lam <= 0).any()):
            raise ParameterError(
                explain(
                    "inverse square root of a singular matrix",
                    expected="a positive definite covariance",
                    received=f"smallest eigenvalue {float(lam.min()):.3g}",
                    fix="regularise the covariance (add a small multiple of I)",
                )
            )
        lam = lam.rsqrt()
    else:
        lam = lam.sqrt()
    return (U * lam[..., None, :]) @ U.transpose(-1, -2)


def bures_w2_squared(m1, S1, m2, S2) -> torch.Tensor:
    """Squared 2-Wasserstein distance between ``N(m1, S1)`` and ``N(m2, S2)``.

    ``W2^2 = |m1 - m2|^2 + tr(S1 + S2 - 2 (S1^1/2 S2 S1^1/2)^1/2)``. POT's
    ``ot.gaussian.bures_wasserstein_distance`` returns ``W2`` (the square root).

    Examples
    --------
    >>> I = torch.eye(2, dtype=torch.float64)
    >>> float(bures_w2_squared(torch.zeros(2), I, torch.ones(2), 4 * I))
    4.0
    """
    m1, S1 = _moments(m1, S1, "S1")
    m2, S2 = _moments(m2, S2, "S2")
    r1 = sqrtm_spd(S1)
    cross = sqrtm_spd(r1 @ S2 @ r1)
    return ((m1 - m2) ** 2).sum() + torch.trace(S1 + S2 - 2.0 * cross)


def bures_map(m1, S1, m2, S2) -> tuple[torch.Tensor, torch.Tensor]:
    """The Monge map ``T(x) = m2 + A (x - m1)`` pushing ``N(m1, S1)`` to ``N(m2, S2)``.

    Returns ``(A, c)`` with ``T(x) = x @ A.T + c``;
    ``A = S1^-1/2 (S1^1/2 S2 S1^1/2)^1/2 S1^-1/2`` (symmetric positive definite).

    Examples
    --------
    >>> A, c = bures_map(torch.zeros(1), [[1.0]], torch.ones(1), [[4.0]])
    >>> A.item(), c.item()
    (2.0, 1.0)
    """
    m1, S1 = _moments(m1, S1, "S1")
    m2, S2 = _moments(m2, S2, "S2")
    r1, ir1 = sqrtm_spd(S1), sqrtm_spd(S1, inverse=True)
    A = ir1 @ sqrtm_spd(r1 @ S2 @ r1) @ ir1
    return A, m2 - A @ m1


@dataclass(frozen=True)
class EntropicGaussian:
    """Entropic OT between ``N(a, A)`` and ``N(b, B)`` (see :func:`entropic_gaussian`).

    Attributes
    ----------
    value : tensor ()
        ``OT_sigma = min E|x - y|^2 + 2 sigma^2 KL(pi || alpha x beta)``.
    cross_covariance : tensor (d, d)
        ``C_sigma = Cov(x, y)`` under the optimal (Gaussian) plan.
    """

    value: torch.Tensor
    cross_covariance: torch.Tensor
    mean_a: torch.Tensor
    cov_a: torch.Tensor
    mean_b: torch.Tensor
    cov_b: torch.Tensor
    sigma2: float

    def plan_covariance(self) -> torch.Tensor:
        """Covariance ``(2d, 2d)`` of the joint plan ``[[A, C], [C^T, B]]``."""
        top = torch.cat([self.cov_a, self.cross_covariance], 1)
        bottom = torch.cat([self.cross_covariance.T, self.cov_b], 1)
        return torch.cat([top, bottom], 0)


def entropic_gaussian(a, A, b, B, sigma2: float) -> EntropicGaussian:
    """Closed-form entropic OT between Gaussians (Janati, Muzellec, Peyré, Cuturi 2020).

    .. math::

        OT_\\sigma = |a - b|^2 + tr A + tr B - tr D + d \\sigma^2 (1 - \\log 2\\sigma^2)
            + \\sigma^2 \\log\\det(D + \\sigma^2 I),\\quad D = (4 A^{1/2} B A^{1/2}
            + \\sigma^4 I)^{1/2},

    and the plan's cross-covariance is ``C = 1/2 A^1/2 D A^-1/2 - sigma^2/2 I``.

    Parameters
    ----------
    a, b : tensors (d,)
    A, B : tensors (d, d), SPD
    sigma2 : float
        ``sigma^2``; the regulariser is ``2 sigma^2 KL``, i.e. :func:`.sinkhorn` with
        ``C = ||x - y||^2`` and ``reg = 2 sigma^2``, or a bridge with ``eps = sigma^2``.

    Examples
    --------
    >>> r = entropic_gaussian([0.0], [[1.0]], [1.0], [[4.0]], 0.5)
    >>> round(float(r.value), 6), round(float(r.cross_covariance), 6)
    (3.224357, 1.765564)
    """
    a, A = _moments(a, A, "A")
    b, B = _moments(b, B, "B")
    s2 = float(sigma2)
    if not s2 > 0:
        raise ParameterError(
            explain("sigma2 must be positive", expected="> 0", received=f"{sigma2!r}", fix="")
        )
    d = a.numel()
    eye = torch.eye(d, dtype=torch.float64)
    ra, ira = sqrtm_spd(A), sqrtm_spd(A, inverse=True)
    D = sqrtm_spd(4.0 * ra @ B @ ra + s2**2 * eye)
    value = (
        ((a - b) ** 2).sum()
        + torch.trace(A + B - D)
        + d * s2 * (1.0 - torch.log(torch.tensor(2.0 * s2, dtype=torch.float64)))
        + s2 * torch.logdet(D + s2 * eye)
    )
    Cs = 0.5 * ra @ D @ ira - 0.5 * s2 * eye
    return EntropicGaussian(value, Cs, a, A, b, B, s2)


@dataclass(frozen=True)
class GaussianBridge:
    """Schrödinger bridge between ``N(a, A)`` and ``N(b, B)`` with reference
    ``sqrt(eps) dW`` (Bunne, Hsieh, Cuturi, Krause 2023).

    The static plan is :func:`entropic_gaussian` with ``sigma2 = eps``; the process is
    ``X_t = (1-t) X_0 + t X_1 + sqrt(eps t (1-t)) Z``.

    Examples
    --------
    >>> br = GaussianBridge.between([0.0], [[1.0]], [0.0], [[1.0]], eps=1.0)
    >>> br.covariance(0.0).item(), round(br.covariance(1.0).item(), 12)
    (1.0, 1.0)
    """

    plan: EntropicGaussian
    eps: float

    @classmethod
    def between(cls, a, A, b, B, eps: float) -> GaussianBridge:
        return cls(entropic_gaussian(a, A, b, B, eps), float(eps))

    def mean(self, t: float) -> torch.Tensor:
        """``mu_t = (1 - t) a + t b``, shape (d,)."""
        return (1 - t) * self.plan.mean_a + t * self.plan.mean_b

    def covariance(self, t: float) -> torch.Tensor:
        """``Sigma_t = (1-t)^2 A + t^2 B + t(1-t)(C + C^T + eps I)``, shape (d, d)."""
        p = self.plan
        Cs = p.cross_covariance
        eye = torch.eye(Cs.shape[0], dtype=torch.float64)
        return (1 - t) ** 2 * p.cov_a + t**2 * p.cov_b + t * (1 - t) * (Cs + Cs.T + self.eps * eye)

    def drift(self, x: torch.Tensor, t: float) -> torch.Tensor:
        """Drift ``v_t(x) = (E[X_1 | X_t = x] - x) / (1 - t)`` of ``dX = v dt + sqrt(eps) dW``.

        With ``Cov(X_1, X_t) = (1-t) C^T + t B``, ``E[X_1 | X_t = x] = b + Cov(X_1, X_t)
        Sigma_t^-1 (x - mu_t)``. Shapes: ``x (n, d)`` -> ``(n, d)``; ``0 <= t < 1``.
        """
        p = self.plan
        x = torch.as_tensor(x, dtype=torch.float64)
        K = (1 - t) * p.cross_covariance.T + t * p.cov_b
        gain = torch.linalg.solve(self.covariance(t), K.T).T
        e1 = p.mean_b + (x - self.mean(t)) @ gain.T
        return (e1 - x) / (1 - t)
