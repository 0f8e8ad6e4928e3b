r"""Manufactured solutions for the stationary families: pick :math:`u^*`, derive
:math:`f = L u^*` with sympy, and measure each family's own discretization error.

The errors are computed through the families' public path: the manufactured coefficients
become the sample's input channels, :math:`f` is passed as ``assemble(..., source=f)``,
the system is solved directly and compared with :math:`u^*` at the nodes. Fitting
:math:`\log e` against :math:`\log h` (:func:`observed_order`) gives the observed order,
to be compared with the family's declared ``order``.

Default solution :math:`u^* = \sin(\pi x)\sin(2\pi y)e^{xy}` (zero on the boundary, not
separable, not a discrete eigenvector). Constants are exact (``sp.Rational``); functions are
lambdified with ``cse=True`` and constants broadcast to the grid.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import sympy as sp
from scipy.sparse.linalg import spsolve

from sciml.core import TensorGrid
from sciml.core.errors import explain

from ._checks import ParameterError, check_resolution
from .convection_diffusion import ConvectionDiffusion
from .darcy import Darcy
from .family import AbstractStationaryFamily
from .helmholtz import Helmholtz
from .poisson import Poisson
from .sweep import FrequencySweep

__all__ = [
    "x",
    "y",
    "ManufacturedProblem",
    "darcy_problem",
    "poisson_problem",
    "helmholtz_problem",
    "convection_diffusion_problem",
    "sweep_problem",
    "discretization_errors",
    "observed_order",
    "mms_errors",
]

x, y = sp.symbols("x y", real=True)
_PI = sp.pi


def _default_solution() -> sp.Expr:
    return sp.sin(_PI * x) * sp.sin(2 * _PI * y) * sp.exp(x * y)


def _laplacian(u: sp.Expr) -> sp.Expr:
    return sp.diff(u, x, 2) + sp.diff(u, y, 2)


@functools.lru_cache(maxsize=256)
def _compiled(expr: sp.Expr) -> Callable:
    return sp.lambdify((x, y), expr, modules="numpy", cse=True)


def _evaluate(expr: sp.Expr, X: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """Evaluate an expression in ``x, y`` on coordinate arrays (constants broadcast)."""
    out = np.asarray(_compiled(sp.sympify(expr))(X, Y), dtype=np.float64)
    return np.broadcast_to(out, X.shape).copy()


@dataclass(frozen=True)
class ManufacturedProblem:
    """An exact solution, its source and a family's input channels, as sympy expressions.

    Attributes
    ----------
    name : str
    solution : sympy.Expr
        :math:`u^*(x, y)`, zero on the boundary of the unit square.
    source : sympy.Expr
        :math:`f = L u^*`.
    inputs : tuple of (str, sympy.Expr)
        The family's channels in order, as functions of ``x, y``.

    Examples
    --------
    >>> p = poisson_problem()
    >>> from sciml.solvers.pde.stencils import unit_square_grid
    >>> inputs, f, u = p.evaluate(unit_square_grid(9))
    >>> inputs.shape, f.shape, float(abs(u[0]).max()) < 1e-15
    ((1, 9, 9), (9, 9), True)
    """

    name: str
    solution: sp.Expr
    source: sp.Expr
    inputs: tuple[tuple[str, sp.Expr], ...]

    def evaluate(self, grid: TensorGrid) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Nodal ``(inputs (c, *shape), f (shape), u* (shape))`` on a 2-D grid."""
        X, Y = (m.numpy() for m in grid.mesh())
        channels = np.stack([_evaluate(e, X, Y) for _, e in self.inputs])
        return channels, _evaluate(self.source, X, Y), _evaluate(self.solution, X, Y)


def darcy_problem(u: sp.Expr | None = None, a: sp.Expr | None = None) -> ManufacturedProblem:
    r""":math:`-\nabla\cdot(a\nabla u^*)`, default :math:`a = 2 + \sin(2\pi x)\cos(\pi y)`
    (smooth, :math:`1 \le a \le 3`)."""
    u = _default_solution() if u is None else sp.sympify(u)
    a = 2 + sp.sin(2 * _PI * x) * sp.cos(_PI * y) if a is None else sp.sympify(a)
    f = -(sp.diff(a * sp.diff(u, x), x) + sp.diff(a * sp.diff(u, y), y))
    return ManufacturedProblem("darcy", u, f, (("a", a),))


def poisson_problem(u: sp.Expr | None = None) -> ManufacturedProblem:
    r""":math:`-\Delta u^*`; the input channel is the source itself."""
    u = _default_solution() if u is None else sp.sympify(u)
    f = -_laplacian(u)
    return ManufacturedProblem("poisson", u, f, (("f", f),))


def _helmholtz_source(u, c, omega):
    return -_laplacian(u) - (omega / c) ** 2 * u


def helmholtz_problem(
    u: sp.Expr | None = None, c: sp.Expr | None = None, omega=10
) -> ManufacturedProblem:
    r""":math:`-\Delta u^* - (\omega/c)^2 u^*`, default :math:`c = 1 + \frac15\sin(2\pi x)
    \cos(\pi y)`, :math:`\omega = 10` (the family's default, indefinite)."""
    u = _default_solution() if u is None else sp.sympify(u)
    c = 1 + sp.Rational(1, 5) * sp.sin(2 * _PI * x) * sp.cos(_PI * y) if c is None else c
    omega = sp.nsimplify(omega)
    return ManufacturedProblem("helmholtz", u, _helmholtz_source(u, c, omega), (("c", c),))


def sweep_problem(
    u: sp.Expr | None = None, c: sp.Expr | None = None, omega=10
) -> ManufacturedProblem:
    """The Helmholtz problem in the channels of :class:`FrequencySweep` (``c, f, omega``)."""
    base = helmholtz_problem(u, c, omega)
    channels = (base.inputs[0], ("f", base.source), ("omega", sp.nsimplify(omega)))
    return ManufacturedProblem("frequency_sweep", base.solution, base.source, channels)


def convection_diffusion_problem(
    u: sp.Expr | None = None, psi: sp.Expr | None = None, peclet=10
) -> ManufacturedProblem:
    r""":math:`-\mathrm{Pe}^{-1}\Delta u^* + v\cdot\nabla u^*` with :math:`v = (\psi_y,
    -\psi_x)`, default :math:`\psi = \sin(\pi x)\sin(\pi y)/\pi` (:math:`\max|v| = 1`)."""
    u = _default_solution() if u is None else sp.sympify(u)
    psi = sp.sin(_PI * x) * sp.sin(_PI * y) / _PI if psi is None else sp.sympify(psi)
    vx, vy = sp.diff(psi, y), -sp.diff(psi, x)
    eps = 1 / sp.nsimplify(peclet)
    f = -eps * _laplacian(u) + vx * sp.diff(u, x) + vy * sp.diff(u, y)
    return ManufacturedProblem("convection_diffusion", u, f, (("vx", vx), ("vy", vy)))


def discretization_errors(
    make_family: Callable[[int], AbstractStationaryFamily],
    problem: ManufacturedProblem,
    resolutions: Sequence[int],
    *,
    norm: str = "l2",
) -> np.ndarray:
    r"""Errors :math:`\|u_h - u^*\|` of a family's discretization at several resolutions.

    Parameters
    ----------
    make_family : callable
        ``R -> family`` (e.g. ``lambda R: Helmholtz(R, omega=10)``); its channels must be
        ``problem.inputs``' names.
    problem : ManufacturedProblem
    resolutions : sequence of int
        Nodes per axis.
    norm : {"l2", "max"}
        Discrete :math:`L^2` (the grid's trapezoid weights) or maximum norm at the nodes.

    Returns
    -------
    ndarray of shape (len(resolutions),)
    """
    if norm not in ("l2", "max"):
        raise ParameterError(
            explain(
                "unknown error norm",
                expected="'l2' or 'max'",
                received=repr(norm),
                fix="pass norm='l2' or norm='max'",
            )
        )
    errors = []
    for R in resolutions:
        family = make_family(check_resolution(R))
        names = tuple(name for name, _ in problem.inputs)
        if names != family.channels:
            raise ParameterError(
                explain(
                    f"the manufactured problem does not fit {type(family).__name__}",
                    expected=f"input channels {family.channels}",
                    received=f"{names}",
                    fix="use the problem builder of this family (e.g. darcy_problem)",
                )
            )
        inputs, f, u = problem.evaluate(family.grid)
        A, b = family.assemble(inputs, source=f)
        uh = family.solution_field(spsolve(A.tocsc(), b)).values.reshape(u.shape).numpy()
        err = uh - u
        if norm == "max":
            errors.append(float(np.abs(err).max()))
        else:
            w = family.grid.weights().numpy()
            errors.append(float(np.sqrt((w * err**2).sum())))
    return np.asarray(errors)


def observed_order(resolutions: Sequence[int], errors: Sequence[float]) -> float:
    """Least-squares slope of ``log(error)`` against ``log(h)``, ``h = 1 / (R - 1)``.

    Examples
    --------
    >>> R = np.array([9, 17, 33, 65])
    >>> round(observed_order(R, 3.0 / (R - 1) ** 2), 12)
    2.0
    """
    h = 1.0 / (np.asarray(resolutions, dtype=np.float64) - 1.0)
    slope, _ = np.polyfit(np.log(h), np.log(np.asarray(errors, dtype=np.float64)), 1)
    return float(slope)


def mms_errors(
    family: str, resolutions: Sequence[int], *, norm: str = "l2", **options
) -> np.ndarray:
    """Discretization errors of a named stationary family on its default manufactured
    problem (see the ``*_problem`` builders).

    Parameters
    ----------
    family : {"darcy", "poisson", "helmholtz", "frequency_sweep", "convection_diffusion"}
    resolutions : sequence of int
    norm : {"l2", "max"}
    **options
        ``omega`` (Helmholtz, sweep), ``peclet`` and ``scheme`` (convection–diffusion).

    Examples
    --------
    >>> R = [9, 17, 33]
    >>> 1.9 < observed_order(R, mms_errors("poisson", R)) < 2.1
    True
    """
    omega = options.pop("omega", 10)
    peclet = options.pop("peclet", 10)
    scheme = options.pop("scheme", "upwind")
    cases = {
        "darcy": (lambda: darcy_problem(), lambda R: Darcy(R)),
        "poisson": (lambda: poisson_problem(), lambda R: Poisson(R)),
        "helmholtz": (
            lambda: helmholtz_problem(omega=omega),
            lambda R: Helmholtz(R, omega=float(omega)),
        ),
        "frequency_sweep": (
            lambda: sweep_problem(omega=omega),
            lambda R: FrequencySweep(R, [float(omega)]),
        ),
        "convection_diffusion": (
            lambda: convection_diffusion_problem(peclet=peclet),
            lambda R: ConvectionDiffusion(R, float(peclet), scheme=scheme),
        ),
    }
    if family not in cases or options:
        raise ParameterError(
            explain(
                "unknown family or option for mms_errors",
                expected=f"family in {sorted(cases)}; options omega, peclet, scheme",
                received=f"family={family!r}, options={sorted(options)}",
                fix="use discretization_errors with your own problem for other cases",
            )
        )
    build_problem, make_family = cases[family]
    return discretization_errors(make_family, build_problem(), resolutions, norm=norm)
