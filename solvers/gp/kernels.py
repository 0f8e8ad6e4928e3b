"""Stationary 1-D kernels with analytic lag derivatives, and their Gram blocks.

A stationary kernel is a profile of the lag, :math:`k(x, x') = \\kappa(\\tau)` with
:math:`\\tau = x - x'`, so every derivative block is a lag derivative with a sign:

.. math::

    \\partial_x k = \\kappa', \\quad \\partial_{x'} k = -\\kappa', \\quad
    \\partial_x^2 k = \\kappa'', \\quad \\partial_x \\partial_{x'} k = -\\kappa'', \\quad
    \\partial_x^2 \\partial_{x'}^2 k = \\kappa^{(4)}.

Every kernel here returns :math:`\\kappa^{(m)}(\\tau)` for ``m = 0..4`` in closed form
(written in torch, so hyperparameter gradients come from autograd).
"""

from __future__ import annotations

import math

import torch

from sciml.core import ParameterError
from sciml.core.errors import explain

__all__ = [
    "se_profile",
    "matern52_profile",
    "spectral_mixture_profile",
    "ENVELOPES",
]

MAX_ORDER = 4


def _check_order(order: int) -> None:
    if not isinstance(order, int) or not 0 <= order <= MAX_ORDER:
        raise ParameterError(
            explain(
                "kernel derivative order out of range",
                expected=f"an int in 0..{MAX_ORDER}",
                received=repr(order),
                fix="ask for derivatives of order 0 to 4",
            )
        )


def se_profile(tau: torch.Tensor, lengthscale, order: int = 2) -> list[torch.Tensor]:
    """Squared-exponential profile :math:`\\kappa(\\tau) = e^{-\\tau^2 / 2\\ell^2}` and its
    lag derivatives.

    Uses :math:`\\kappa^{(m)} = (-1)^m He_m(s) e^{-s^2/2} / \\ell^m`, ``s = tau / ell``,
    with the probabilists' Hermite polynomials :math:`He_m`.

    Parameters
    ----------
    tau : torch.Tensor of any shape
        Lags ``x - x'``.
    lengthscale : float or torch.Tensor broadcastable with ``tau``
    order : int
        Highest derivative returned (0..4).

    Returns
    -------
    list of torch.Tensor
        ``[kappa, kappa', ..., kappa^(order)]``, each shaped like ``tau``.

    Examples
    --------
    >>> d = se_profile(torch.zeros(1, dtype=torch.float64), 1.0, order=2)
    >>> [float(v) for v in d]
    [1.0, -0.0, -1.0]
    """
    _check_order(order)
    s = tau / lengthscale
    e = torch.exp(-0.5 * s * s)
    s2 = s * s
    hermite = [1.0 + 0 * s, s, s2 - 1.0, s * (s2 - 3.0), s2 * s2 - 6.0 * s2 + 3.0]
    return [(-1) ** m * hermite[m] * e / lengthscale**m for m in range(order + 1)]


def matern52_profile(tau: torch.Tensor, lengthscale, order: int = 2) -> list[torch.Tensor]:
    """Matérn-5/2 profile :math:`\\kappa = (1 + r + r^2/3) e^{-r}`, ``r = sqrt(5)|tau|/ell``,
    and its lag derivatives (with ``a = sqrt(5)/ell``):

    .. math::

        \\kappa' = -\\tfrac{a^2}{3}\\tau(1+r)e^{-r},\\;
        \\kappa'' = -\\tfrac{a^2}{3}(1+r-r^2)e^{-r},\\;
        \\kappa''' = \\tfrac{a^4}{3}\\tau(3-r)e^{-r},\\;
        \\kappa^{(4)} = \\tfrac{a^4}{3}(3-5r+r^2)e^{-r}.

    The fourth derivative is continuous but has a kink at ``tau = 0`` (the process is
    exactly twice mean-square differentiable).

    Parameters, Returns
        As :func:`se_profile`.

    Examples
    --------
    >>> d = matern52_profile(torch.zeros(1, dtype=torch.float64), 1.0, order=4)
    >>> [round(float(v), 12) for v in d]
    [1.0, -0.0, -1.666666666667, 0.0, 25.0]
    """
    _check_order(order)
    a = math.sqrt(5.0) / lengthscale
    r = a * tau.abs()
    e = torch.exp(-r)
    a2 = a * a / 3.0
    a4 = a2 * a * a
    out = [
        (1.0 + r + r * r / 3.0) * e,
        -a2 * tau * (1.0 + r) * e,
        -a2 * (1.0 + r - r * r) * e,
        a4 * tau * (3.0 - r) * e,
        a4 * (3.0 - 5.0 * r + r * r) * e,
    ]
    return out[: order + 1]


ENVELOPES = {"gaussian": se_profile, "matern52": matern52_profile}


def spectral_mixture_profile(
    tau: torch.Tensor,
    weights: torch.Tensor,
    lengthscales: torch.Tensor,
    frequencies: torch.Tensor,
    order: int = 2,
    envelope: str = "gaussian",
) -> list[torch.Tensor]:
    """Spectral mixture :math:`\\kappa(\\tau) = \\sum_q w_q\\, g(\\tau; \\ell_q)
    \\cos(2\\pi\\mu_q\\tau)` and its lag derivatives by Leibniz' rule,

    .. math::

        \\kappa^{(m)} = \\sum_q w_q \\sum_{j=0}^m \\binom{m}{j} g^{(j)}(\\tau;\\ell_q)\\,
        \\omega_q^{m-j} \\cos\\big(\\omega_q\\tau + (m-j)\\pi/2\\big),\\quad
        \\omega_q = 2\\pi\\mu_q.

    Parameters
    ----------
    tau : torch.Tensor of shape (*S,)
    weights, lengthscales, frequencies : torch.Tensor of shape (Q,)
        ``w_q > 0``, ``ell_q > 0`` and ``mu_q`` (cycles per unit length).
    order : int
        Highest derivative (0..4).
    envelope : {"gaussian", "matern52"}

    Returns
    -------
    list of torch.Tensor of shape (*S,)

    Examples
    --------
    >>> one = torch.ones(1)
    >>> d = spectral_mixture_profile(torch.zeros(1), one, one, torch.zeros(1), order=2)
    >>> [float(v) for v in d]
    [1.0, 0.0, -1.0]
    """
    _check_order(order)
    if envelope not in ENVELOPES:
        raise ParameterError(
            explain(
                "unknown spectral-mixture envelope",
                expected=" | ".join(ENVELOPES),
                received=repr(envelope),
                fix="pass envelope='gaussian' or 'matern52'",
            )
        )
    t = tau[..., None]
    g = ENVELOPES[envelope](t, lengthscales, order)
    omega = 2.0 * math.pi * frequencies
    phase = omega * t
    c, s = torch.cos(phase), torch.sin(phase)
    # cos(phase + p pi/2) cycles through c, -s, -c, s
    trig = [c, -s, -c, s]
    out = []
    for m in range(order + 1):
        acc = 0.0
        for j in range(m + 1):
            acc = acc + math.comb(m, j) * g[j] * omega ** (m - j) * trig[(m - j) % 4]
        out.append((weights * acc).sum(-1))
    return out
