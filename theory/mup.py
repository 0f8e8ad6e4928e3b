"""Standard (SP) and maximal-update (muP) parametrizations of an MLP trained by SGD, and the
learning-rate transfer across widths that muP gives (Yang & Hu, ICML 2021; Yang et al.,
"Tensor Programs V", arXiv 2203.03466, Table 3).

An MLP of ``depth`` hidden layers of width ``n`` on inputs of dimension ``d``,

.. math:: h_1 = W_1 x, \\quad h_{l+1} = W_{l+1} \\mathrm{relu}(h_l),
   \\quad f = W_{L+1} \\mathrm{relu}(h_L),

is trained by full-batch gradient descent with per-layer learning rates. Each layer has an
initial standard deviation and a learning-rate multiplier:

=============  ==================  ================  ==================  =================
layer          SP init std         SP lr             muP init std        muP lr
=============  ==================  ================  ==================  =================
input          ``d^{-1/2}``        ``eta``           ``d^{-1/2}``        ``eta n``
hidden         ``n^{-1/2}``        ``eta``           ``n^{-1/2}``        ``eta``
output         ``n^{-1/2}``        ``eta``           ``n^{-1}``          ``eta / n``
=============  ==================  ================  ==================  =================

Under muP every layer's update moves its pre-activations by ``Theta(1)`` at any width, so
the training curve converges as ``n -> infinity`` and the best ``eta`` does not depend on
``n``. Under SP the output update ``Delta W_{L+1} relu(h_L)`` grows like ``eta n``, so the
largest stable (and the best) ``eta`` shrinks like ``1/n``.

Many learning rates (and initial seeds) are trained at once as a batch of independent
networks, so a sweep costs one batched training run.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from sciml.core import ParameterError
from sciml.core.errors import explain

__all__ = [
    "PARAMETRIZATIONS",
    "Parametrization",
    "teacher_task",
    "train_losses",
    "optimal_learning_rate",
    "output_update",
]


@dataclass(frozen=True)
class Parametrization:
    """Init standard deviations and learning-rate multipliers as powers of the width.

    Each tuple is ``(input, hidden, output)``: the init std of a layer is
    ``fan_in^{-1/2} n^{-extra_std}`` (``extra_std`` only for hidden/output layers) and its
    learning rate is ``eta n^{lr_power}``.
    """

    name: str
    extra_std: tuple[float, float, float]
    lr_power: tuple[float, float, float]

    def stds(self, d: int, n: int) -> tuple[float, float, float]:
        """Init std of the input, hidden and output layers."""
        return tuple(fan**-0.5 * n**-e for fan, e in zip((d, n, n), self.extra_std, strict=True))

    def lrs(self, n: int) -> tuple[float, float, float]:
        """Learning-rate multipliers of the input, hidden and output layers."""
        return tuple(float(n) ** p for p in self.lr_power)


PARAMETRIZATIONS = {
    "sp": Parametrization("sp", (0.0, 0.0, 0.0), (0.0, 0.0, 0.0)),
    "mup": Parametrization("mup", (0.0, 0.0, 0.5), (1.0, 0.0, -1.0)),
}
"""The standard and the maximal-update parametrization for SGD (table above)."""


def _parametrization(name) -> Parametrization:
    if isinstance(name, Parametrization):
        return name
    if name not in PARAMETRIZATIONS:
        raise ParameterError(
            explain(
                "unknown parametrization",
                expected=" | ".join(PARAMETRIZATIONS),
                received=repr(name),
                fix="pass parametrization='mup' or 'sp'",
            )
        )
    return PARAMETRIZATIONS[name]


def teacher_task(n_points: int = 256, d: int = 8, *, seed: int = 0):
    """A fixed regression task: ``x ~ N(0, I_d)``, ``y = sin(u.x) + cos(v.x) / 2`` with fixed
    random unit directions ``u, v``.

    Returns
    -------
    x : torch.Tensor of shape (n_points, d), float64
    y : torch.Tensor of shape (n_points,), float64
    """
    gen = np.random.default_rng(seed)
    x = gen.normal(size=(int(n_points), int(d)))
    u, v = gen.normal(size=(2, int(d)))
    u, v = u / np.linalg.norm(u), v / np.linalg.norm(v)
    y = np.sin(x @ u) + 0.5 * np.cos(x @ v)
    return torch.from_numpy(x), torch.from_numpy(y)


def _check_width(width) -> int:
    if isinstance(width, bool) or not isinstance(width, (int, np.integer)) or width < 1:
        raise ParameterError(
            explain(
                "width must be a positive int",
                expected="width >= 1",
                received=repr(width),
                fix="pass an integer width such as 256",
            )
        )
    return int(width)


def _init(k, d, n, depth, stds, gen):
    std_in, std_hidden, std_out = stds
    shapes = [(n, d, std_in)] + [(n, n, std_hidden)] * (depth - 1) + [(1, n, std_out)]
    return [
        (torch.randn(k, rows, cols, generator=gen, dtype=torch.float64) * std).requires_grad_()
        for rows, cols, std in shapes
    ]


def _multipliers(param, n, depth):
    lr_in, lr_hidden, lr_out = param.lrs(n)
    return [lr_in] + [lr_hidden] * (depth - 1) + [lr_out]


def _forward(weights, x):
    h = torch.einsum("kij,pj->kpi", weights[0], x)
    for w in weights[1:]:
        h = torch.einsum("kij,kpj->kpi", w, torch.relu(h))
    return h[..., 0]  # (k, p)


def train_losses(
    x,
    y,
    width: int,
    learning_rates,
    *,
    parametrization="mup",
    depth: int = 1,
    steps: int = 200,
    seeds: int = 1,
    seed: int = 0,
) -> np.ndarray:
    """Final training losses of full-batch gradient descent, one network per learning rate
    and seed.

    Parameters
    ----------
    x : torch.Tensor of shape (p, d)
    y : torch.Tensor of shape (p,)
    width : int
        Hidden width ``n``.
    learning_rates : array_like of shape (r,)
        Base learning rates ``eta`` (per-layer multipliers from the parametrization).
    parametrization : {"mup", "sp"} or Parametrization
    depth : int
        Number of hidden layers.
    steps : int
        Gradient steps.
    seeds, seed : int
        Number of independent initializations per learning rate, and the seed they are drawn
        from.

    Returns
    -------
    ndarray of shape (r, seeds)
        ``mean((f(x) - y)^2) / 2`` after ``steps`` steps; ``inf`` where training diverged.

    Examples
    --------
    >>> x, y = teacher_task(32, 4)
    >>> train_losses(x, y, 16, [0.1, 1e9], steps=5).shape
    (2, 1)
    """
    param = _parametrization(parametrization)
    n, depth = _check_width(width), _check_width(depth)
    etas = np.asarray(learning_rates, dtype=np.float64).reshape(-1)
    k = etas.size * int(seeds)
    gen = torch.Generator().manual_seed(int(seed))
    weights = _init(k, x.shape[1], n, depth, param.stds(x.shape[1], n), gen)
    multipliers = _multipliers(param, n, depth)
    eta = torch.from_numpy(np.repeat(etas, int(seeds)))[:, None, None]
    for _ in range(int(steps)):
        loss = 0.5 * ((_forward(weights, x) - y) ** 2).mean(dim=1)
        grads = torch.autograd.grad(loss.sum(), weights)
        with torch.no_grad():
            for w, g, mult in zip(weights, grads, multipliers):
                w -= torch.nan_to_num(eta * mult * g, nan=0.0, posinf=0.0, neginf=0.0)
    with torch.no_grad():
        final = 0.5 * ((_forward(weights, x) - y) ** 2).mean(dim=1).numpy()
    final = np.where(np.isfinite(final), final, np.inf)
    return final.reshape(etas.size, int(seeds))


def optimal_learning_rate(learning_rates, losses) -> float:
    """The learning rate minimizing the loss: the grid minimum of the mean log-loss over
    seeds, refined by a parabola through it and its two neighbours in ``log eta``.

    Parameters
    ----------
    learning_rates : array_like of shape (r,)
        Increasing, geometrically spaced.
    losses : array_like of shape (r, seeds)

    Examples
    --------
    >>> eta = 2.0 ** np.arange(-6, 7)
    >>> loss = np.exp((np.log2(eta) - 1.3) ** 2)[:, None]  # log-loss quadratic in log eta
    >>> round(optimal_learning_rate(eta, loss), 6) == round(2**1.3, 6)
    True
    """
    log_eta = np.log(np.asarray(learning_rates, dtype=np.float64))
    curve = np.log(np.asarray(losses, dtype=np.float64)).mean(axis=-1)
    i = int(np.argmin(curve))
    if not np.isfinite(curve[i]) or i in (0, curve.size - 1):
        return float(np.exp(log_eta[i]))
    y0, y1, y2 = curve[i - 1 : i + 2]
    if not np.all(np.isfinite([y0, y2])):
        return float(np.exp(log_eta[i]))
    step = 0.5 * (log_eta[i + 1] - log_eta[i - 1])
    shift = 0.5 * (y0 - y2) / (y0 - 2.0 * y1 + y2)
    return float(np.exp(log_eta[i] + shift * step))


def output_update(
    x,
    y,
    width: int,
    eta: float,
    *,
    parametrization="mup",
    steps: int = 1,
    seeds: int = 4,
    seed: int = 0,
) -> float:
    """The coordinate check: RMS change of the network output ``f(x)`` after ``steps``
    gradient steps at a fixed ``eta`` (averaged over ``seeds`` initializations).

    It stays ``Theta(1)`` as the width grows under muP and grows like ``width`` under SP.

    Examples
    --------
    >>> x, y = teacher_task(32, 4)
    >>> output_update(x, y, 64, 0.1) > 0
    True
    """
    param = _parametrization(parametrization)
    n = _check_width(width)
    gen = torch.Generator().manual_seed(int(seed))
    weights = _init(int(seeds), x.shape[1], n, 1, param.stds(x.shape[1], n), gen)
    with torch.no_grad():
        start = _forward(weights, x)
    for _ in range(int(steps)):
        loss = 0.5 * ((_forward(weights, x) - y) ** 2).mean(dim=1)
        grads = torch.autograd.grad(loss.sum(), weights)
        with torch.no_grad():
            for w, g, mult in zip(weights, grads, _multipliers(param, n, 1)):
                w -= eta * mult * g
    with torch.no_grad():
        return float(torch.sqrt(((_forward(weights, x) - start) ** 2).mean()))
