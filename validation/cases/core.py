"""The core's seeded claims: quadrature, interpolation, resampling and Monte Carlo rates of
``sciml.core``, each with a deliberately broken variant that must FAIL.

Every claim measures at >= 5 levels through the public core API (Axis, TensorGrid, Field,
Domain, PointCloud); stochastic ones spawn one generator per level from the case's seed.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import torch

from sciml.core import Axis, Domain, Field, PointCloud, TensorGrid

from ..convergence import bootstrap_ci
from ..registry import Estimate, Measurement, register
from ..rules import AllOf, BelowTolerance, CIContains, TwoSidedSlope

__all__ = ["RUNGE_RHO", "runge"]

EPS = float(np.finfo(np.float64).eps)
RUNGE_RHO = (1.0 + np.sqrt(26.0)) / 5.0
"""Radius parameter of the largest Bernstein ellipse free of the poles ±i/5 of the Runge
function: ``rho = 1/5 + sqrt(1 + 1/25)``."""


def runge(x):
    """The Runge function ``1 / (1 + 25 x^2)`` (numpy or torch input)."""
    return 1.0 / (1.0 + 25.0 * x**2)


# ----------------------------------------------------------------------------- (a) trapezoid
def _smooth(x):
    return torch.exp(x) * torch.cos(3.0 * x)


def _smooth_antiderivative(x: float) -> float:
    return float(np.exp(x) * (np.cos(3.0 * x) + 3.0 * np.sin(3.0 * x)) / 10.0)


_SMOOTH_EXACT = _smooth_antiderivative(1.0) - _smooth_antiderivative(0.0)


def _trapezoid_errors(weights: Callable[[Axis], torch.Tensor] | None) -> Measurement:
    h, err = [], []
    for k in range(3, 10):
        axis = Axis.uniform(2**k + 1, (0.0, 1.0))
        if weights is not None:
            axis = Axis(axis.nodes, weights(axis), axis.bounds)
        grid = TensorGrid((axis,))
        approx = float(grid.integrate(_smooth(grid.points()[..., 0])))
        h.append(2.0**-k)
        err.append(abs(approx - _SMOOTH_EXACT))
    return Measurement(h, err)


def _left_riemann_weights(axis: Axis) -> torch.Tensor:
    w = torch.full((axis.n,), axis.length / (axis.n - 1), dtype=torch.float64)
    w[-1] = 0.0
    return w


def _trapezoid_broken(seed) -> Measurement:
    """Left-endpoint Riemann sum on the same nodes: first order."""
    return _trapezoid_errors(_left_riemann_weights)


@register(
    name="core.trapezoid.order",
    statement="The trapezoid weights of a uniform vertex-centred Axis integrate a smooth "
    "non-periodic function with error O(h^2).",
    source="Euler-Maclaurin: error -h^2/12 (f'(1) - f'(0)) + O(h^4); Davis & Rabinowitz, "
    "Methods of Numerical Integration (1984)",
    variable="h",
    scale="loglog",
    rule=TwoSidedSlope(2.0, 0.1),
    broken=_trapezoid_broken,
    magnitude=abs(_SMOOTH_EXACT),
)
def trapezoid_order(seed) -> Measurement:
    """``int_0^1 e^x cos 3x dx`` with ``Axis.uniform(2^k + 1)``, ``k = 3..9``."""
    return _trapezoid_errors(None)


# ----------------------------------------------------------------------------- (b) Gauss
RUNGE_INTEGRAL = 0.4 * float(np.arctan(5.0))
"""``int_{-1}^{1} dx / (1 + 25 x^2) = (2/5) arctan 5``."""

_GAUSS_N = np.arange(8, 97, 8)


def _quadrature_errors(make_axis: Callable[[int], Axis]) -> Measurement:
    err = []
    for n in _GAUSS_N:
        grid = TensorGrid((make_axis(int(n)),))
        err.append(abs(float(grid.integrate(runge(grid.points()[..., 0]))) - RUNGE_INTEGRAL))
    return Measurement(_GAUSS_N, err)


def _midpoint_broken(seed) -> Measurement:
    """The midpoint rule with the same number of nodes: algebraic, O(n^-2)."""
    return _quadrature_errors(lambda n: Axis.uniform(n, (-1.0, 1.0), offset="cell"))


@register(
    name="core.gauss_legendre.runge",
    statement="Gauss-Legendre quadrature of 1/(1+25x^2) on [-1, 1] converges like rho^(-2n), "
    "rho = (1+sqrt 26)/5: semilog slope -2 ln rho = -0.3974 in n.",
    source="Trefethen, Approximation Theory and Approximation Practice (2013), Thm 19.3",
    variable="n",
    scale="semilogy",
    rule=TwoSidedSlope(-2.0 * float(np.log(RUNGE_RHO)), 0.04),
    broken=_midpoint_broken,
    magnitude=RUNGE_INTEGRAL,
)
def gauss_legendre_runge(seed) -> Measurement:
    """``Axis.gauss_legendre(n)`` for ``n = 8, 16, ..., 96``; the finest levels reach the
    rounding floor and are dropped."""
    return _quadrature_errors(lambda n: Axis.gauss_legendre(n, (-1.0, 1.0)))


# ----------------------------------------------------------------------------- (c) Chebyshev
_PROBE = np.linspace(-1.0, 1.0, 2001)[:, None]


def _interpolation_errors(levels, make_axis: Callable[[int], Axis]) -> Measurement:
    err = []
    exact = runge(torch.from_numpy(_PROBE[:, 0]))
    for n in levels:
        u = Field.from_function(lambda x: runge(x[..., 0]), TensorGrid((make_axis(int(n)),)))
        err.append(float((u(_PROBE, method="spectral")[0] - exact).abs().max()))
    return Measurement(levels, err)


def _equispaced_broken(seed) -> Measurement:
    """The same polynomial interpolation through equispaced nodes: diverges (Runge).

    Uses n = 10..50: beyond n ~ 55 the Lebesgue constant times eps exceeds 1 and the
    barycentric formula on equispaced nodes returns rounding noise (even Inf), not the
    interpolant.
    """
    return _interpolation_errors(np.arange(10, 51, 4), lambda n: Axis.uniform(n, (-1.0, 1.0)))


@register(
    name="core.chebyshev.runge",
    statement="Polynomial interpolation of 1/(1+25x^2) in n Chebyshev points converges like "
    "rho^(-n), rho = (1+sqrt 26)/5: semilog slope -ln rho = -0.1987 in n.",
    source="Trefethen, Approximation Theory and Approximation Practice (2013), Thm 8.2",
    variable="n",
    scale="semilogy",
    rule=TwoSidedSlope(-float(np.log(RUNGE_RHO)), 0.02),
    broken=_equispaced_broken,
)
def chebyshev_runge(seed) -> Measurement:
    """Max error on 2001 equispaced probes of the interpolant on ``Axis.chebyshev(n)``,
    ``n = 20, 30, ..., 120``."""
    return _interpolation_errors(np.arange(20, 121, 10), lambda n: Axis.chebyshev(n))


# ----------------------------------------------------------------------------- (d) multilinear
_BOX = ((0.0, 1.0), (0.0, 2.0))
_PROBES = 20_000


def _surface(x):
    return torch.sin(2.0 * x[..., 0] + 1.0) * torch.cos(1.5 * x[..., 1]) + torch.exp(
        0.5 * x[..., 0] * x[..., 1]
    )


def _nearest(u: Field, points: torch.Tensor) -> torch.Tensor:
    """Nearest-node values of a uniform-grid field at ``points`` of shape (m, d)."""
    index = 0
    for i, axis in enumerate(u.disc.axes):
        lo = axis.bounds[0]
        k = torch.round((points[:, i] - lo) / axis.spacing).long().clamp(0, axis.n - 1)
        index = index * axis.n + k
    return u.values.reshape(-1)[index]


def _multilinear_errors(seed, evaluate) -> Measurement:
    lo = np.array([b[0] for b in _BOX])
    hi = np.array([b[1] for b in _BOX])
    h, err = [], []
    ks = range(3, 9)
    for k, child in zip(ks, seed.spawn(len(ks))):
        cells = 2**k
        grid = TensorGrid.uniform((cells + 1, 2 * cells + 1), _BOX)
        u = Field.from_function(_surface, grid)
        points = torch.from_numpy(
            lo + (hi - lo) * np.random.default_rng(child).random((_PROBES, 2))
        )
        h.append(1.0 / cells)
        err.append(float((evaluate(u, points) - _surface(points)).abs().max()))
    return Measurement(h, err)


def _nearest_broken(seed) -> Measurement:
    """Nearest-neighbour lookup on the same grids: first order."""
    return _multilinear_errors(seed, _nearest)


@register(
    name="core.multilinear.order",
    statement="Multilinear interpolation (method='linear') on a uniform 2-D TensorGrid has "
    "max error O(h^2) for a smooth function.",
    source="piecewise-linear interpolation error h^2/8 max|f''| per axis (e.g. Quarteroni, "
    "Sacco & Saleri, Numerical Mathematics, 2007)",
    variable="h",
    scale="loglog",
    rule=TwoSidedSlope(2.0, 0.1),
    broken=_nearest_broken,
)
def multilinear_order(seed) -> Measurement:
    """Max error at 20000 uniform random points per level, ``h = 1/8 .. 1/256``."""
    return _multilinear_errors(seed, lambda u, p: u(p, method="linear")[0])


# ----------------------------------------------------------------------------- (e) FFT resampling
_PERIODIC_BOX = ((0.0, 2.0 * np.pi), (0.0, 1.0))


def _trig(x):
    """A trigonometric polynomial of degree 3 in each variable."""
    two_pi_y = 2.0 * np.pi * x[..., 1]
    return (
        torch.cos(x[..., 0]) * torch.sin(2.0 * two_pi_y)
        + 0.5 * torch.sin(3.0 * x[..., 0] + two_pi_y)
        + 0.25 * torch.cos(2.0 * x[..., 0] - 3.0 * two_pi_y)
    )


def _resampling_errors(method: str) -> Measurement:
    sizes = np.array([16, 32, 64, 128, 256])
    err = []
    for n in sizes:
        source = TensorGrid.uniform((n, n), _PERIODIC_BOX, periodic=True)
        u = Field.from_function(_trig, source)
        targets = (
            TensorGrid.uniform((2 * n, 2 * n), _PERIODIC_BOX, periodic=True),
            TensorGrid.uniform((n // 2, n // 2), _PERIODIC_BOX, periodic=True),
            TensorGrid.uniform((2 * n, 2 * n), _PERIODIC_BOX, periodic=True, offset="cell"),
        )
        err.append(
            max(float((u.on(t, method).values[0] - _trig(t.points())).abs().max()) for t in targets)
        )
    return Measurement(sizes, err)


def _linear_resampling_broken(seed) -> Measurement:
    """The same resampling with per-axis linear interpolation: O(h^2), not exact."""
    return _resampling_errors("linear")


@register(
    name="core.fft_resample.exact",
    statement="FFT resampling between uniform periodic grids (n -> 2n, n -> n/2, and onto "
    "cell-centred nodes) is exact to rounding for a trigonometric polynomial of degree < n/4.",
    source="sampling theorem for trigonometric interpolation; Trefethen, Spectral Methods "
    "in MATLAB (2000), ch. 3",
    variable="n",
    scale="loglog",
    rule=BelowTolerance(1e3 * EPS),
    broken=_linear_resampling_broken,
    magnitude=1.75,
)
def fft_resample_exact(seed) -> Measurement:
    """Max error over the three targets of ``Field.on`` for ``n = 16 .. 256``."""
    return _resampling_errors("auto")


# ----------------------------------------------------------------------------- (f) Monte Carlo
_MC_DOMAIN = Domain([(0.0, 2.0), (-1.0, 0.5)])
_MC_SIZES = 2 ** np.arange(6, 13)
_MC_REPLICATES = 500


def _mc_moments() -> tuple[float, float]:
    """Exact integral and variance (under the uniform law) of ``e^x cos y`` on the box."""
    (a, b), (c, d) = _MC_DOMAIN.bounds
    vol = _MC_DOMAIN.volume
    int_f = (np.exp(b) - np.exp(a)) * (np.sin(d) - np.sin(c))
    int_f2 = (
        0.5
        * (np.exp(2 * b) - np.exp(2 * a))
        * (0.5 * (d - c) + 0.25 * (np.sin(2 * d) - np.sin(2 * c)))
    )
    return float(int_f), float(int_f2 / vol - (int_f / vol) ** 2)


MC_INTEGRAL, MC_VARIANCE = _mc_moments()


def _mc_integrand(x):
    return torch.exp(x[:, 0]) * torch.cos(x[:, 1])


def _mc_rmse_curve(n):
    """Exact RMSE of the plain Monte Carlo estimate: ``vol * sqrt(Var f / n)``."""
    return _MC_DOMAIN.volume * np.sqrt(MC_VARIANCE / np.asarray(n, dtype=np.float64))


def _mc_measure(seed, reweight: bool, replicates: int = _MC_REPLICATES) -> Measurement:
    vol = _MC_DOMAIN.volume
    rmse, low, high, scaled = [], [], [], []
    children = seed.spawn(len(_MC_SIZES) + 1)
    for n, child in zip(_MC_SIZES, children):
        rng = np.random.default_rng(child)
        err = np.empty(replicates)
        for r in range(replicates):
            cloud = _MC_DOMAIN.sample(int(n), rng=rng)
            if reweight:
                cloud = PointCloud(cloud.points())  # default weights 1/n: the bug
            err[r] = float(cloud.integrate(_mc_integrand(cloud.points()))) - MC_INTEGRAL
        value, lo, hi = bootstrap_ci(
            err,
            statistic=lambda a, axis: np.sqrt(np.mean(a**2, axis=axis)),
            n_boot=1000,
            rng=rng,
        )
        rmse.append(value)
        low.append(lo)
        high.append(hi)
        scaled.append(n * err**2 / (vol**2 * MC_VARIANCE))
    ratio = bootstrap_ci(
        np.concatenate(scaled), level=0.997, n_boot=4000, rng=np.random.default_rng(children[-1])
    )
    estimate = Estimate("n·MSE/(vol²·Var f)", *ratio, level=0.997)
    return Measurement(_MC_SIZES, rmse, low, high, estimate, replicates)


def _mc_broken(seed) -> Measurement:
    """Weights ``1/n`` instead of ``volume/n``: biased by the factor ``1/volume``.

    200 replicates suffice: the bias (5.6) is 9 standard deviations already at n = 64.
    """
    return _mc_measure(seed, reweight=True, replicates=200)


@register(
    name="core.monte_carlo.rate",
    statement="Monte Carlo quadrature with Domain.sample (weights volume/n) on a box of "
    "volume 3 has E[err^2] = vol^2 Var(f)/n exactly: RMSE slope -1/2 and n·MSE/(vol^2 Var f) = 1.",
    source="Owen, Monte Carlo theory, methods and examples (2013), ch. 2",
    variable="n",
    scale="loglog",
    rule=AllOf(TwoSidedSlope(-0.5, 0.05), CIContains(1.0, max_width=0.3)),
    broken=_mc_broken,
    expected_curve=_mc_rmse_curve,
    magnitude=abs(MC_INTEGRAL),
)
def monte_carlo_rate(seed) -> Measurement:
    """RMSE over 500 replicates at ``n = 2^6 .. 2^12``, with 95% bootstrap intervals per
    level and a 99.7% (3 sigma) bootstrap interval of the pooled scaled squared error."""
    return _mc_measure(seed, reweight=False)
