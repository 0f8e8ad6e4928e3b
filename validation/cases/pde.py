"""Orders of accuracy of the PDE families' discretizations, by manufactured solutions.

Each stationary family is solved (sparse direct) on a sympy-manufactured problem at five
resolutions and the discrete L2 error is fitted against ``h``. The broken variant samples
the source half a cell off along x (an offset bug that makes the scheme first order).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import torch
from scipy.sparse.linalg import spsolve

from sciml.core import Axis, Field, TensorGrid, relative_l2_error
from sciml.solvers.pde import (
    Burgers1D,
    ConvectionDiffusion,
    Darcy,
    Heat,
    Helmholtz,
    NavierStokes2D,
    Poisson,
)
from sciml.solvers.pde.manufactured import (
    ManufacturedProblem,
    convection_diffusion_problem,
    darcy_problem,
    helmholtz_problem,
    poisson_problem,
)

from ..registry import Measurement, register
from ..rules import TwoSidedSlope

RESOLUTIONS = (9, 17, 33, 65, 129)
SOURCE = "LeVeque, Finite Difference Methods for ODEs and PDEs (2007), ch. 3; sympy MMS"


def _shifted(grid: TensorGrid) -> TensorGrid:
    """The grid moved half a cell along x (bounds widened to hold it)."""
    ax, ay = grid.axes
    half = 0.5 * ax.spacing
    shifted = Axis(ax.nodes + half, bounds=(ax.bounds[0], ax.bounds[1] + 2 * half))
    return TensorGrid((shifted, ay))


def _errors(make_family: Callable, problem: ManufacturedProblem, resolutions, offset: bool):
    h, err = [], []
    for R in resolutions:
        family = make_family(R)
        inputs, f, u = problem.evaluate(family.grid)
        if offset:
            _, f, _ = problem.evaluate(_shifted(family.grid))
        A, b = family.assemble(inputs, source=f)
        uh = family.solution_field(spsolve(A.tocsc(), b)).values.reshape(u.shape).numpy()
        w = family.grid.weights().numpy()
        h.append(1.0 / (R - 1))
        err.append(float(np.sqrt((w * (uh - u) ** 2).sum())))
    return Measurement(h, err)


def _register(
    name: str,
    what: str,
    make_family: Callable,
    problem: Callable,
    order: int,
    resolutions=RESOLUTIONS,
):
    def broken(seed) -> Measurement:
        return _errors(make_family, problem(), resolutions, offset=True)

    broken.__doc__ = "The source sampled half a cell off along x: first order."

    def claim(seed) -> Measurement:
        return _errors(make_family, problem(), resolutions, offset=False)

    claim.__doc__ = (
        f"u* = sin(pi x) sin(2 pi y) e^(xy), R = {', '.join(map(str, resolutions))}; "
        "discrete L2 error against h."
    )
    register(
        name=name,
        statement=f"{what} converges at order {order} in h on a smooth manufactured solution.",
        source=SOURCE,
        variable="h",
        scale="loglog",
        rule=TwoSidedSlope(float(order), 0.15),
        broken=broken,
    )(claim)


_register(
    "pde.darcy.mms",
    "The 5-point finite-volume Darcy scheme (harmonic-mean faces, a = 2 + sin 2pi x cos pi y)",
    lambda R: Darcy(R),
    darcy_problem,
    2,
)
_register("pde.poisson.mms", "The 5-point Poisson scheme", lambda R: Poisson(R), poisson_problem, 2)
_register(
    "pde.helmholtz.mms",
    "The 5-point Helmholtz scheme with variable wave speed (omega = 10, indefinite)",
    lambda R: Helmholtz(R, omega=10.0),
    lambda: helmholtz_problem(omega=10),
    2,
    resolutions=(33, 45, 65, 91, 129, 181, 257),  # coarser grids under-resolve the wave
)
_register(
    "pde.convection_diffusion.mms",
    "The centred convection-diffusion scheme (Peclet 10)",
    lambda R: ConvectionDiffusion(R, 10.0, scheme="central"),
    lambda: convection_diffusion_problem(peclet=10),
    2,
)


# ----------------------------------------------------------------------------- time order
_NS_RESOLUTION, _NS_T, _NS_STEPS = 64, 1.0, (10, 20, 40, 80, 160, 320)


def _ns_errors(seed, reference_resolution: int) -> Measurement:
    """Relative L2 error at T of the Navier-Stokes scheme against a 64x finer time step."""
    family = NavierStokes2D(_NS_RESOLUTION, T=_NS_T, dt=_NS_T / _NS_STEPS[0])
    w0 = family.sample_inputs(1, rng=np.random.default_rng(seed))
    fine_dt = _NS_T / (64 * _NS_STEPS[-1])
    fine = NavierStokes2D(reference_resolution, T=_NS_T, dt=fine_dt)
    reference = fine.solve(w0.on(fine.grid)).on(family.grid)
    dt, err = [], []
    for steps in _NS_STEPS:
        u = NavierStokes2D(_NS_RESOLUTION, T=_NS_T, dt=_NS_T / steps).solve(w0)
        dt.append(_NS_T / steps)
        err.append(float(relative_l2_error(u, reference)))
    return Measurement(dt, err)


def _ns_broken(seed) -> Measurement:
    """The reference solved on a 4x coarser grid: its spatial error floors the comparison."""
    return _ns_errors(seed, _NS_RESOLUTION // 4)


@register(
    name="pde.navier_stokes.time_order",
    statement="The FNO Navier-Stokes scheme (Crank-Nicolson diffusion, forward-Euler "
    "advection and forcing) is first order in dt.",
    source="Li et al., Fourier Neural Operator (ICLR 2021), ns_2d.py scheme; forward Euler "
    "is first order (Hairer, Norsett & Wanner 1993)",
    variable="dt",
    scale="loglog",
    rule=TwoSidedSlope(1.0, 0.1),
    broken=_ns_broken,
    tier="slow",
)
def navier_stokes_time_order(seed) -> Measurement:
    """64x64, nu = 1e-3, T = 1, 10..320 steps, against 20480 steps on the same grid."""
    return _ns_errors(seed, _NS_RESOLUTION)


# ----------------------------------------------------------------------------- heat
_HEAT_T, _HEAT_STEPS = 0.02, (4, 8, 16, 32, 64, 128)


def _heat_errors(resolution: int, semi_discrete: bool) -> Measurement:
    """Backward Euler on u0 = sin(pi x) sin(2 pi y), an eigenvector of the 5-point Laplacian:
    the reference is its exact decay, e^{-lambda_h T} (semi-discrete) or e^{-5 pi^2 T}."""
    h = 1.0 / (resolution - 1)
    lam_h = 4.0 / h**2 * (np.sin(np.pi * h / 2) ** 2 + np.sin(np.pi * h) ** 2)
    lam = lam_h if semi_discrete else 5.0 * np.pi**2
    dt, err = [], []
    for steps in _HEAT_STEPS:
        heat = Heat(resolution, dt=_HEAT_T / steps, steps=steps)
        u0 = Field.from_function(
            lambda x: torch.sin(torch.pi * x[..., 0]) * torch.sin(2 * torch.pi * x[..., 1]),
            heat.grid,
        )
        uT = heat.solve(Field(u0.values[None], heat.grid)).values[0, -1]
        exact = np.exp(-lam * _HEAT_T) * u0.values[0]
        w = heat.grid.weights()
        dt.append(_HEAT_T / steps)
        err.append(float(torch.sqrt((w * (uT - exact) ** 2).sum())))
    return Measurement(dt, err)


def _heat_broken(seed) -> Measurement:
    """Compared with the PDE's exact decay on a 9-point grid: the spatial error floors it."""
    return _heat_errors(9, semi_discrete=False)


@register(
    name="pde.heat.time_order",
    statement="Backward Euler for the heat equation is first order in dt.",
    source="LeVeque, Finite Difference Methods for ODEs and PDEs (2007), ch. 9",
    variable="dt",
    scale="loglog",
    rule=TwoSidedSlope(1.0, 0.1),
    broken=_heat_broken,
)
def heat_time_order(seed) -> Measurement:
    """33x33, T = 0.02, 4..128 steps, against the exact semi-discrete decay."""
    return _heat_errors(33, semi_discrete=True)


# ----------------------------------------------------------------------------- Burgers
_BURGERS_T, _BURGERS_STEPS = 0.5, (12, 16, 24, 32, 48, 64, 96)


def _burgers_errors(seed, reference_resolution: int) -> Measurement:
    """Relative L2 error at T against 8192 steps (nu = 0.01, 256 points)."""
    family = Burgers1D(256, nu=0.01, T=_BURGERS_T, dt=_BURGERS_T / _BURGERS_STEPS[0])
    u0 = family.sample_inputs(1, rng=np.random.default_rng(seed))
    fine = Burgers1D(reference_resolution, nu=0.01, T=_BURGERS_T, dt=_BURGERS_T / 8192)
    reference = fine.solve(u0.on(fine.grid)).on(family.grid)
    dt, err = [], []
    for steps in _BURGERS_STEPS:
        u = Burgers1D(256, nu=0.01, T=_BURGERS_T, dt=_BURGERS_T / steps).solve(u0)
        dt.append(_BURGERS_T / steps)
        err.append(float(relative_l2_error(u, reference)))
    return Measurement(dt, err)


def _burgers_broken(seed) -> Measurement:
    """The reference solved on 64 points: its spatial error floors the comparison."""
    return _burgers_errors(seed, 64)


@register(
    name="pde.burgers.time_order",
    statement="The ETDRK4 pseudo-spectral Burgers solver is fourth order in dt at nu = 0.01 "
    "(a mild stiff order reduction is allowed for: 4 +- 0.35).",
    source="Cox & Matthews, J. Comput. Phys. 176 (2002); Kassam & Trefethen, SIAM J. Sci. "
    "Comput. 26 (2005)",
    variable="dt",
    scale="loglog",
    rule=TwoSidedSlope(4.0, 0.35),
    broken=_burgers_broken,
    tier="slow",
)
def burgers_time_order(seed) -> Measurement:
    """256 points, nu = 0.01, T = 0.5, 12..96 steps, against 8192 steps."""
    return _burgers_errors(seed, 256)
