"""Linear constant-coefficient test problems with exact solutions (GP-HM's benchmarks).

A problem is :math:`\\sum_i (a_i \\partial_{ii} u + b_i \\partial_i u) + c\\,u = f` on a box
with Dirichlet data from the exact solution. Poisson :math:`-\\Delta u = f` has
``a_i = -1``; Helmholtz :math:`-\\Delta u - k^2 u = f` adds ``c = -k^2``; advection
:math:`\\beta u_x + u_y = 0` has ``b = (beta, 1)``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import torch

from sciml.core import Axis, ParameterError, TensorGrid
from sciml.core.errors import explain

__all__ = ["LinearProblem", "BENCHMARKS", "benchmark"]

TWO_PI = 2.0 * math.pi


@dataclass(frozen=True)
class LinearProblem:
    """A separable linear PDE with a known solution.

    Parameters
    ----------
    name : str
    bounds : tuple of (lo, hi)
    second, first : tuple of float
        Coefficients ``a_i`` of ``u_ii`` and ``b_i`` of ``u_i``, one per axis.
    zeroth : float
        Coefficient ``c`` of ``u``.
    exact : callable
        ``x (..., d) -> u (...)``, also the Dirichlet data.
    source : callable
        ``x (..., d) -> f (...)``.
    frequency : float, optional
        The solution's dominant frequency in cycles per unit length (for reports).
    nonlinearity, nonlinear_derivative : callable, optional
        A semilinear term ``N(u)`` added to the operator and its derivative ``N'(u)``
        (elementwise), e.g. Allen–Cahn's ``u (u^2 - 1)`` and ``3 u^2 - 1``.

    Examples
    --------
    >>> p = benchmark("poisson1d-sin100")
    >>> p.ndim, p.grid(5).shape
    (1, (5,))
    """

    name: str
    bounds: tuple
    second: tuple
    first: tuple
    zeroth: float
    exact: Callable
    source: Callable
    frequency: float | None = None
    nonlinearity: Callable | None = None
    nonlinear_derivative: Callable | None = None

    @property
    def ndim(self) -> int:
        return len(self.bounds)

    def grid(self, n, kind: str = "uniform") -> TensorGrid:
        """A ``kind`` ("uniform" or "chebyshev") grid with ``n`` nodes per axis."""
        sizes = (n,) * self.ndim if isinstance(n, int) else tuple(n)
        if kind == "uniform":
            return TensorGrid(tuple(Axis.uniform(m, b) for m, b in zip(sizes, self.bounds)))
        if kind == "chebyshev":
            return TensorGrid(tuple(Axis.chebyshev(m, b) for m, b in zip(sizes, self.bounds)))
        raise ParameterError(
            explain(
                "unknown grid kind",
                expected="'uniform' or 'chebyshev'",
                received=repr(kind),
                fix="pass kind='uniform' (GP, FD) or 'chebyshev'",
            )
        )

    def data(self, grid: TensorGrid) -> tuple[torch.Tensor, torch.Tensor]:
        """``(f, u)`` on the grid's nodes, each of shape ``grid.shape``."""
        x = grid.points()
        return self.source(x), self.exact(x)


def _poisson_sine_1d(k: float = 100.0) -> LinearProblem:
    return LinearProblem(
        f"poisson1d-sin{int(k)}",
        ((0.0, TWO_PI),),
        (-1.0,),
        (0.0,),
        0.0,
        lambda x: torch.sin(k * x[..., 0]),
        lambda x: k * k * torch.sin(k * x[..., 0]),
        k / TWO_PI,
    )


def _poisson_mixed_1d() -> LinearProblem:
    # u = sin x + 0.1 sin 20x + 0.05 sin 100x on [0, 1] (sin, as GP-HM's code, not cos)
    def u(x):
        t = x[..., 0]
        return torch.sin(t) + 0.1 * torch.sin(20 * t) + 0.05 * torch.sin(100 * t)

    def f(x):
        t = x[..., 0]
        return torch.sin(t) + 40.0 * torch.sin(20 * t) + 500.0 * torch.sin(100 * t)

    return LinearProblem("poisson1d-mixed", ((0.0, 1.0),), (-1.0,), (0.0,), 0.0, u, f, 100 / TWO_PI)


def _poisson_sine_2d(k: float = 100.0) -> LinearProblem:
    def u(x):
        return torch.sin(k * x[..., 0]) * torch.sin(k * x[..., 1])

    return LinearProblem(
        f"poisson2d-sin{int(k)}",
        ((0.0, TWO_PI), (0.0, TWO_PI)),
        (-1.0, -1.0),
        (0.0, 0.0),
        0.0,
        u,
        lambda x: 2 * k * k * u(x),
        k / TWO_PI,
    )


def _poisson_x_sine_1d(k: float = 200.0) -> LinearProblem:
    # u = x sin(k x) on [0, 2 pi]: -u'' = k^2 x sin(k x) - 2 k cos(k x)
    def u(x):
        t = x[..., 0]
        return t * torch.sin(k * t)

    def f(x):
        t = x[..., 0]
        return k * k * t * torch.sin(k * t) - 2.0 * k * torch.cos(k * t)

    return LinearProblem(
        f"poisson1d-xsin{int(k)}", ((0.0, TWO_PI),), (-1.0,), (0.0,), 0.0, u, f, k / TWO_PI
    )


def _poisson_product_2d() -> LinearProblem:
    # u = g(x) + g(y), g(t) = sin 6t cos 20t = (sin 26t - sin 14t) / 2 on [0, 2 pi]^2
    def g(t):
        return torch.sin(6 * t) * torch.cos(20 * t)

    def minus_g2(t):  # -g''
        return 0.5 * (676.0 * torch.sin(26 * t) - 196.0 * torch.sin(14 * t))

    return LinearProblem(
        "poisson2d-sin6cos20",
        ((0.0, TWO_PI), (0.0, TWO_PI)),
        (-1.0, -1.0),
        (0.0, 0.0),
        0.0,
        lambda x: g(x[..., 0]) + g(x[..., 1]),
        lambda x: minus_g2(x[..., 0]) + minus_g2(x[..., 1]),
        26 / TWO_PI,
    )


def _helmholtz_2d(k: float = 20.0, wave: float = 10.0) -> LinearProblem:
    # -Lap u - wave^2 u = f, u = sin(k x) sin(k y) on [0, 1]^2
    def u(x):
        return torch.sin(k * x[..., 0]) * torch.sin(k * x[..., 1])

    return LinearProblem(
        "helmholtz2d",
        ((0.0, 1.0), (0.0, 1.0)),
        (-1.0, -1.0),
        (0.0, 0.0),
        -(wave**2),
        u,
        lambda x: (2 * k * k - wave**2) * u(x),
        k / TWO_PI,
    )


def _advection_2d(beta: float = 20.0) -> LinearProblem:
    # beta u_x + u_y = 0, u = sin(x - beta y) on [0, 1]^2 (GP-HM uses beta = 200)
    return LinearProblem(
        f"advection2d-beta{int(beta)}",
        ((0.0, 1.0), (0.0, 1.0)),
        (0.0, 0.0),
        (beta, 1.0),
        0.0,
        lambda x: torch.sin(x[..., 0] - beta * x[..., 1]),
        lambda x: torch.zeros_like(x[..., 0]),
        beta / TWO_PI,
    )


def _allen_cahn_1d(k: float = 100.0) -> LinearProblem:
    # u_xx + u (u^2 - 1) = f, u = sin(100 x) on [0, 2 pi] (GP-HM's 1-D Allen-Cahn)
    def u(x):
        return torch.sin(k * x[..., 0])

    def f(x):
        v = u(x)
        return -k * k * v + v * (v * v - 1.0)

    return LinearProblem(
        "allen-cahn1d-sin100",
        ((0.0, TWO_PI),),
        (1.0,),
        (0.0,),
        0.0,
        u,
        f,
        k / TWO_PI,
        lambda v: v * (v * v - 1.0),
        lambda v: 3.0 * v * v - 1.0,
    )


def _mixed_profile(t: torch.Tensor, order: int) -> torch.Tensor:
    """``g = sin t + 0.1 sin 20t + cos 100t`` (order 0) or ``g''`` (order 2)."""
    if order == 0:
        return torch.sin(t) + 0.1 * torch.sin(20 * t) + torch.cos(100 * t)
    return -torch.sin(t) - 40.0 * torch.sin(20 * t) - 1e4 * torch.cos(100 * t)


def _allen_cahn_2d() -> LinearProblem:
    # u_xx + u_yy + u (u^2 - 1) = f on [0, 1]^2, u = g(x) g(y) (GP-HM's 2-D Allen-Cahn)
    def u(x):
        return _mixed_profile(x[..., 0], 0) * _mixed_profile(x[..., 1], 0)

    def f(x):
        gx, gy = _mixed_profile(x[..., 0], 0), _mixed_profile(x[..., 1], 0)
        lap = _mixed_profile(x[..., 0], 2) * gy + gx * _mixed_profile(x[..., 1], 2)
        v = gx * gy
        return lap + v * (v * v - 1.0)

    return LinearProblem(
        "allen-cahn2d-mixed",
        ((0.0, 1.0), (0.0, 1.0)),
        (1.0, 1.0),
        (0.0, 0.0),
        0.0,
        u,
        f,
        100 / TWO_PI,
        lambda v: v * (v * v - 1.0),
        lambda v: 3.0 * v * v - 1.0,
    )


BENCHMARKS = {
    "poisson1d-sin100": _poisson_sine_1d,
    "poisson1d-mixed": _poisson_mixed_1d,
    "poisson1d-xsin200": _poisson_x_sine_1d,
    "poisson2d-sin100": _poisson_sine_2d,
    "poisson2d-sin6cos20": _poisson_product_2d,
    "allen-cahn1d-sin100": _allen_cahn_1d,
    "helmholtz2d": _helmholtz_2d,
    "advection2d-beta20": _advection_2d,
    "advection2d-beta200": lambda: _advection_2d(200.0),
    "allen-cahn2d-mixed": _allen_cahn_2d,
}


def benchmark(name: str) -> LinearProblem:
    """The named benchmark problem (see ``BENCHMARKS``)."""
    if name not in BENCHMARKS:
        raise ParameterError(
            explain(
                "unknown benchmark problem",
                expected=" | ".join(BENCHMARKS),
                received=repr(name),
                fix="pick one of the listed names",
            )
        )
    return BENCHMARKS[name]()
