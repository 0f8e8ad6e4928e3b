"""The neural tangent kernel of a two-layer ReLU network and its infinite-width limit
(Jacot, Gabriel & Hongler 2018; arc-cosine kernels of Cho & Saul 2009).

For ``f(x) = width^{-1/2} sum_k a_k relu(w_k . x)`` with ``a_k ~ N(0, 1)`` and
``w_k ~ N(0, I_d)``, the empirical NTK (gradients in ``a`` and ``w``) is

.. math:: \\Theta_w(x, y) = \\frac1{w}\\sum_k \\big[\\mathrm{relu}(w_k\\cdot x)
   \\mathrm{relu}(w_k\\cdot y)
   + a_k^2 \\, 1\\{w_k\\cdot x>0\\} 1\\{w_k\\cdot y>0\\}\\, x\\cdot y\\big],

an average of ``width`` i.i.d. terms, so ``Theta_w - Theta = O_P(width^{-1/2})`` with

.. math:: \\Theta(x, y) = \\frac{|x||y|}{2\\pi}\\big(\\sin\\theta + (\\pi-\\theta)\\cos\\theta\\big)
   + x\\cdot y\\,\\frac{\\pi-\\theta}{2\\pi}, \\qquad \\cos\\theta = \\frac{x\\cdot y}{|x||y|}.
"""

from __future__ import annotations

import numpy as np

__all__ = ["empirical_ntk", "ntk_limit"]


def empirical_ntk(x, width: int, *, rng) -> np.ndarray:
    """The NTK of a random two-layer ReLU network of ``width`` at inputs ``x`` (k, d):
    shape (k, k).

    Examples
    --------
    >>> x = np.array([[1.0, 0.0], [0.6, 0.8]])
    >>> k = empirical_ntk(x, 200_000, rng=np.random.default_rng(0))
    >>> bool(np.abs(k - ntk_limit(x)).max() < 0.01)
    True
    """
    x = np.asarray(x, dtype=np.float64)
    gen = np.random.default_rng(rng)
    w = gen.normal(size=(x.shape[1], int(width)))
    a = gen.normal(size=int(width))
    pre = x @ w  # (k, width)
    act = np.maximum(pre, 0.0)
    ind = (pre > 0).astype(np.float64) * np.abs(a)
    return (act @ act.T + (ind @ ind.T) * (x @ x.T)) / int(width)


def ntk_limit(x) -> np.ndarray:
    """The infinite-width NTK at inputs ``x`` (k, d): shape (k, k).

    Examples
    --------
    >>> float(ntk_limit(np.array([[1.0, 0.0]]))[0, 0])  # |x|^2 / 2 + |x|^2 / 2
    1.0
    """
    x = np.asarray(x, dtype=np.float64)
    norms = np.linalg.norm(x, axis=1)
    dot = x @ x.T
    cos = np.clip(dot / np.outer(norms, norms), -1.0, 1.0)
    theta = np.arccos(cos)
    arccos1 = np.outer(norms, norms) * (np.sin(theta) + (np.pi - theta) * cos) / (2.0 * np.pi)
    return arccos1 + dot * (np.pi - theta) / (2.0 * np.pi)
