"""Kinetic energy of Gaussian probability paths and the kinetic-optimal schedule
(Shaul, Chen, Nickel, Le, Lipman, "On Kinetic Optimal Probability Paths for Generative
Models", ICML 2023).

A Gaussian path ``x_t = alpha_t x1 + sigma_t x0``, ``x0 ~ N(0, I_d)``, ``x1 ~ q`` has the
marginal velocity ``u_t(x) = E[alpha' x1 + sigma' x0 | x_t = x]`` and kinetic energy
``KE = int_0^1 E ||u_t(x_t)||^2 dt``. With ``snr = alpha / sigma``, ``m2 = E ||x1||^2`` and the
*data separation function* ``lambda(s) = E ||E[x1 | s x1 + z]||^2 / m2``,

.. math::

    E\\|u_t\\|^2 = d \\dot\\sigma^2 + m_2 \\dot\\alpha^2
        - m_2 \\sigma^2 \\dot{snr}^2 (1 - \\lambda(snr)).

In polar form ``alpha = rho sin(theta)``, ``sigma = rho cos(theta)`` the last term is
``m2 rho^2 theta'^2 g(theta)`` with ``g(theta) = (1 - lambda(tan theta)) / cos^2 theta``, bounded
on ``[0, pi/2]``; :class:`Separation` tabulates ``g``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch

from sciml.core import ParameterError, ShapeError
from sciml.core.errors import explain

__all__ = [
    "Separation",
    "cond_ot_path",
    "cosine_path",
    "kinetic_energy",
    "kinetic_optimal_path",
]


def _check_dims(m2: float, dim: int) -> None:
    if not (m2 > 0 and dim >= 1):
        raise ParameterError(
            explain(
                "the data's second moment and dimension must be positive",
                expected="m2 = E|x1|^2 > 0, dim >= 1",
                received=f"m2={m2}, dim={dim}",
                fix="pass the statistics of non-degenerate data",
            )
        )


@dataclass(frozen=True)
class Separation:
    """The data separation function of a data distribution, through
    ``g(theta) = (1 - lambda(tan theta)) / cos^2 theta`` on a grid of ``theta in [0, pi/2]``.

    Attributes
    ----------
    theta : tensor (k,)
        Increasing grid from 0 to pi/2.
    g : tensor (k,)
        ``g`` on the grid (linear interpolation in between).
    m2 : float
        ``E ||x1||^2``.
    dim : int

    Examples
    --------
    >>> sep = Separation.gaussian(3)
    >>> float(sep.separation(torch.tensor([1.0], dtype=torch.float64))[0])
    0.5
    """

    theta: torch.Tensor
    g: torch.Tensor
    m2: float
    dim: int

    @classmethod
    def gaussian(cls, dim: int, grid: int = 257) -> Separation:
        """``q = N(0, I_d)``: ``lambda(s) = s^2 / (1 + s^2)``, so ``g = 1``."""
        theta = torch.linspace(0.0, math.pi / 2, grid, dtype=torch.float64)
        return cls(theta, torch.ones_like(theta), float(dim), dim)

    @classmethod
    def separated(cls, dim: int, m2: float | None = None, grid: int = 257) -> Separation:
        """The limit ``lambda = 1`` (data points infinitely far apart), ``g = 0``."""
        m2 = float(dim) if m2 is None else float(m2)
        _check_dims(m2, dim)
        theta = torch.linspace(0.0, math.pi / 2, grid, dtype=torch.float64)
        return cls(theta, torch.zeros_like(theta), m2, dim)

    @classmethod
    def from_samples(cls, x1, *, n_mc: int = 2048, grid: int = 129, generator=None) -> Separation:
        """Monte-Carlo ``g`` for the empirical distribution of ``x1 (n, d)``.

        For ``y = s x_j + z`` the posterior over the ``n`` points has weights
        ``softmax_i(s <y, x_i> - s^2 |x_i|^2 / 2)``; ``1 - lambda(s)`` is the mean posterior
        variance ``E |x1 - E[x1 | y]|^2 / m2``, computed directly (no cancellation). The same
        draws ``(j, z)`` serve every ``theta`` (common random numbers), so ``g`` is smooth.
        ``j`` runs through the points cyclically. Cost ``O(grid n_mc n d)``.
        """
        x1 = torch.as_tensor(x1, dtype=torch.float64)
        if x1.ndim != 2 or x1.shape[0] < 1:
            raise ShapeError(
                explain(
                    "data samples must be a 2-D array",
                    expected="shape (n, d), n >= 1",
                    received=f"shape {tuple(x1.shape)}",
                    fix="reshape images or fields to (n, d) vectors",
                )
            )
        n, d = x1.shape
        m2 = float((x1**2).sum(-1).mean())
        _check_dims(m2, d)
        j = torch.arange(n_mc) % n
        z = torch.randn(n_mc, d, dtype=torch.float64, generator=generator)
        sq = (x1**2).sum(-1)
        theta = torch.linspace(0.0, math.pi / 2, grid, dtype=torch.float64)
        g = torch.empty_like(theta)
        for k, th in enumerate(theta.tolist()):
            if k == grid - 1:  # s = inf: the posterior is a point mass (distinct points)
                g[k] = 0.0
                continue
            s = math.tan(th)
            y = s * x1[j] + z
            w = torch.softmax(s * (y @ x1.T) - 0.5 * s * s * sq, -1)
            mean = w @ x1
            post_var = (w * sq).sum(-1) - (mean**2).sum(-1)
            post_var = post_var.clamp_min(0.0).mean()
            g[k] = post_var / m2 * (1.0 + s * s)
        return cls(theta, g, m2, d)

    def g_at(self, theta: torch.Tensor) -> torch.Tensor:
        """``g`` at ``theta`` (clamped to [0, pi/2]), piecewise linear, differentiable."""
        th = theta.clamp(0.0, math.pi / 2)
        k = torch.searchsorted(self.theta, th.detach()).clamp(1, self.theta.numel() - 1)
        t0, t1 = self.theta[k - 1], self.theta[k]
        w = (th - t0) / (t1 - t0)
        return (1 - w) * self.g[k - 1] + w * self.g[k]

    def separation(self, snr: torch.Tensor) -> torch.Tensor:
        """``lambda(snr) = 1 - g(atan snr) / (1 + snr^2)``."""
        snr = torch.as_tensor(snr, dtype=torch.float64)
        return 1.0 - self.g_at(torch.atan(snr)) / (1.0 + snr**2)


def cond_ot_path(t: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Cond-OT (rectified-flow) schedule ``alpha = t``, ``sigma = 1 - t``."""
    t = torch.as_tensor(t, dtype=torch.float64)
    return t, 1.0 - t


def cosine_path(t: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Cosine (trigonometric) schedule ``alpha = sin(pi t / 2)``, ``sigma = cos(pi t / 2)``."""
    t = torch.as_tensor(t, dtype=torch.float64)
    return torch.sin(0.5 * math.pi * t), torch.cos(0.5 * math.pi * t)


def kinetic_energy(alpha: torch.Tensor, sigma: torch.Tensor, sep: Separation) -> torch.Tensor:
    """Kinetic energy of the path sampled on a uniform grid of ``[0, 1]``.

    Parameters
    ----------
    alpha, sigma : tensor (N + 1,)
        The schedule at ``t_i = i / N``, ``sigma > 0`` except possibly at the ends.
    sep : Separation

    Returns
    -------
    tensor ()
        ``int_0^1 E ||u_t||^2 dt`` by the midpoint rule with centred differences
        (second order in ``1/N``) in the polar variables ``rho, theta``, differentiable in
        ``alpha`` and ``sigma``.
    """
    alpha = torch.as_tensor(alpha, dtype=torch.float64)
    sigma = torch.as_tensor(sigma, dtype=torch.float64)
    if alpha.shape != sigma.shape or alpha.ndim != 1 or alpha.numel() < 2:
        raise ShapeError(
            explain(
                "alpha and sigma must be 1-D samples of the schedule on the same grid",
                expected="two tensors of shape (N + 1,), N >= 1",
                received=f"shapes {tuple(alpha.shape)} and {tuple(sigma.shape)}",
                fix="evaluate both on torch.linspace(0, 1, N + 1)",
            )
        )
    h = 1.0 / (alpha.numel() - 1)
    rho = torch.sqrt(alpha**2 + sigma**2)
    theta = torch.atan2(alpha, sigma)
    drho, dtheta = torch.diff(rho) / h, torch.diff(theta) / h
    r, th = 0.5 * (rho[1:] + rho[:-1]), 0.5 * (theta[1:] + theta[:-1])
    # polar form throughout, so that e.g. g = 1, m2 = d gives d rho'^2 >= 0 exactly
    da = drho * torch.sin(th) + r * torch.cos(th) * dtheta
    ds = drho * torch.cos(th) - r * torch.sin(th) * dtheta
    speed = sep.dim * ds**2 + sep.m2 * da**2 - sep.m2 * (r * dtheta) ** 2 * sep.g_at(th)
    return h * speed.sum()


def _resample(v: torch.Tensor, n: int) -> torch.Tensor:
    """Linear interpolation of grid values ``v (m + 1,)`` on [0, 1] to ``n + 1`` nodes."""
    x = torch.linspace(0.0, 1.0, n + 1, dtype=v.dtype) * (v.numel() - 1)
    k = x.floor().long().clamp(max=v.numel() - 2)
    w = x - k
    return (1 - w) * v[k] + w * v[k + 1]


def _minimise(theta, log_rho, sep, max_iter):
    """L-BFGS over the interior nodes; the end values stay fixed."""
    ends_t, ends_r = theta[[0, -1]].detach(), log_rho[[0, -1]].detach()
    th = theta[1:-1].detach().clone().requires_grad_(True)
    lr_ = log_rho[1:-1].detach().clone().requires_grad_(True)

    def full():
        return (
            torch.cat([ends_t[:1], th, ends_t[1:]]),
            torch.cat([ends_r[:1], lr_, ends_r[1:]]),
        )

    def energy():
        t, r = full()
        return kinetic_energy(r.exp() * torch.sin(t), r.exp() * torch.cos(t), sep)

    opt = torch.optim.LBFGS(
        [th, lr_],
        max_iter=max_iter,
        line_search_fn="strong_wolfe",
        tolerance_grad=1e-10,
        tolerance_change=1e-14,
    )

    def closure():
        opt.zero_grad()
        e = energy()
        e.backward()
        return e

    opt.step(closure)
    return tuple(v.detach() for v in full())


def kinetic_optimal_path(sep: Separation, n_steps: int = 200, max_iter: int = 500):
    """The schedule of least kinetic energy from ``(alpha, sigma) = (0, 1)`` to ``(1, 0)``.

    Minimises :func:`kinetic_energy` over the interior values of ``theta`` and ``log rho``
    (``alpha = rho sin theta``, ``sigma = rho cos theta``) with L-BFGS, started from the
    better of the Cond-OT and cosine schedules on a coarse grid (<= 32 intervals) and
    refined by halving the step, interpolating the previous optimum.

    Parameters
    ----------
    sep : Separation
    n_steps : int
        ``N`` grid intervals.
    max_iter : int
        L-BFGS iterations per level.

    Returns
    -------
    dict
        ``t``, ``alpha``, ``sigma`` (tensors (N + 1,)), ``energy`` (the optimum) and
        ``cond_ot``, ``cosine`` (their energies on the same grid).

    Notes
    -----
    With ``lambda = 1`` (``g = 0``) the energy is ``d sigma'^2 + m2 alpha'^2`` and Cond-OT
    is optimal; for Gaussian data (``g = 1``) the cosine path has zero energy.
    """
    if n_steps < 2:
        raise ParameterError(
            explain(
                "too few grid intervals",
                expected="n_steps >= 2",
                received=f"n_steps={n_steps}",
                fix="pass e.g. n_steps=200",
            )
        )
    t = torch.linspace(0.0, 1.0, n_steps + 1, dtype=torch.float64)
    energies = {
        "cond_ot": float(kinetic_energy(*cond_ot_path(t), sep)),
        "cosine": float(kinetic_energy(*cosine_path(t), sep)),
    }
    start = cond_ot_path if energies["cond_ot"] <= energies["cosine"] else cosine_path
    levels = [n_steps]
    while levels[-1] > 32:
        levels.append(levels[-1] // 2)
    theta = log_rho = None
    for n in reversed(levels):  # coarse to fine: L-BFGS converges slowly on fine grids alone
        tn = torch.linspace(0.0, 1.0, n + 1, dtype=torch.float64)
        if theta is None:
            a0, s0 = start(tn)
            theta, log_rho = torch.atan2(a0, s0), 0.5 * torch.log(a0**2 + s0**2)
        else:
            theta, log_rho = (_resample(v, n) for v in (theta, log_rho))
        theta, log_rho = _minimise(theta, log_rho, sep, max_iter)
    with torch.no_grad():
        rho = log_rho.exp()
        alpha, sigma = rho * torch.sin(theta), rho * torch.cos(theta)
        alpha[-1], sigma[-1] = 1.0, 0.0
        energy = float(kinetic_energy(alpha, sigma, sep))
    return {"t": t, "alpha": alpha, "sigma": sigma, "energy": energy, **energies}
