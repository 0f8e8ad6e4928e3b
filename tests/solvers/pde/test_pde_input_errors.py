"""Bad input raises a package error that names the problem and says how to fix it."""

import numpy as np
import pytest
import torch

from sciml.core import DiscretizationError, SciMLError, ShapeError
from sciml.solvers.pde import (
    Burgers1D,
    ConvectionDiffusion,
    Darcy,
    FrequencySweep,
    Heat,
    Helmholtz,
    NavierStokes2D,
    ParameterError,
    Poisson,
    mms_errors,
)

CONSTRUCTORS = {
    "darcy": lambda R: Darcy(R),
    "poisson": lambda R: Poisson(R),
    "helmholtz": lambda R: Helmholtz(R),
    "convection_diffusion": lambda R: ConvectionDiffusion(R),
    "sweep": lambda R: FrequencySweep(R, [1.0]),
    "heat": lambda R: Heat(R, dt=0.1, steps=1),
    "burgers": lambda R: Burgers1D(R),
    "navier_stokes": lambda R: NavierStokes2D(R),
}


@pytest.mark.parametrize("name", sorted(CONSTRUCTORS))
@pytest.mark.parametrize("resolution", [2, 0, -5, 8.0, True, "64"])
def test_resolution_below_three_or_not_an_int(name, resolution):
    with pytest.raises(DiscretizationError, match=r"resolution must be an integer >= 3.*Fix:"):
        CONSTRUCTORS[name](resolution)


@pytest.mark.parametrize(
    "make,match",
    [
        (lambda: Burgers1D(16, nu=-0.1), "nu must be finite and > 0"),
        (lambda: Burgers1D(16, nu=0.0), "nu must be finite and > 0"),
        (lambda: NavierStokes2D(16, nu=-1e-3), "nu must be finite and > 0"),
        (lambda: NavierStokes2D(16, nu=float("nan")), "nu must be finite"),
        (lambda: Burgers1D(16, dt=-1e-3), "dt must be finite and > 0"),
        (lambda: Heat(8, dt=0.0, steps=3), "dt must be finite and > 0"),
        (lambda: Heat(8, dt=0.1, steps=0), "steps must be an integer >= 1"),
        (lambda: ConvectionDiffusion(8, peclet=-3.0), "peclet must be finite and > 0"),
        (lambda: ConvectionDiffusion(8, scheme="quick"), "unknown advection scheme"),
        (lambda: Darcy(8, coefficient="binary"), "unknown Darcy coefficient model"),
        (lambda: Darcy(8, high=-12.0), "high must be finite and > 0"),
        (lambda: Helmholtz(8, omega=-1.0), "omega must be finite and >= 0"),
        (lambda: Helmholtz(8, contrast=1.5), "contrast must be below 1"),
        (lambda: FrequencySweep(8, []), "omegas must be a non-empty"),
        (lambda: FrequencySweep(8, [1.0, float("nan")]), "omegas must be a non-empty"),
        (lambda: Burgers1D(16, T=1.0, dt=0.3), "T is not a whole number of time steps"),
        (lambda: mms_errors("stokes", [9, 17]), "unknown family"),
    ],
)
def test_invalid_parameters(make, match):
    with pytest.raises(ParameterError, match=match) as info:
        make()
    assert "Fix:" in str(info.value) and isinstance(info.value, SciMLError)


def test_nan_coefficients_are_refused_at_assembly():
    darcy = Darcy(9)
    a = darcy.sample_inputs(1, rng=0).values[0].clone()
    a[0, 4, 4] = float("nan")
    with pytest.raises(ParameterError, match=r"Darcy coefficient a contains NaN.*Fix:"):
        darcy.assemble(a)
    a[0, 4, 4] = -1.0
    with pytest.raises(ParameterError, match=r"must be positive.*Fix:"):
        darcy.assemble(a)
    hh = Helmholtz(9)
    c = np.ones((1, 9, 9))
    c[0, 2, 2] = np.inf
    with pytest.raises(ParameterError, match="wave speed c contains NaN or Inf"):
        hh.assemble(c)
    cd = ConvectionDiffusion(9)
    v = np.zeros((2, 9, 9))
    v[1, 3, 3] = np.nan
    with pytest.raises(ParameterError, match="velocity vy contains NaN"):
        cd.assemble(v)
    with pytest.raises(ParameterError, match="source f contains NaN"):
        Poisson(9).assemble(np.full((9, 9), np.nan))


def test_nan_initial_conditions_are_refused():
    burgers = Burgers1D(16, T=0.01, dt=1e-3)
    with pytest.raises(ParameterError, match=r"inputs contain NaN.*Fix:"):
        burgers.solve(torch.full((1, 1, 16), float("nan")))
    heat = Heat(7, dt=0.1, steps=1)
    with pytest.raises(ParameterError, match="initial condition u0 contains NaN"):
        heat.solve(np.full((1, 1, 7, 7), np.nan))


def test_inputs_of_the_wrong_shape():
    with pytest.raises(ShapeError, match=r"expected shape \(1, 9, 9\).*Fix:"):
        Darcy(9).assemble(np.ones((1, 8, 8)))
    with pytest.raises(ShapeError, match="Fix:"):
        NavierStokes2D(8).solve(np.zeros((2, 2, 8, 8)))
    with pytest.raises(ShapeError, match="Fix:"):
        Darcy(9).solution_field(np.zeros(50))
    with pytest.raises(ParameterError, match="omega channel must be one constant"):
        sweep = FrequencySweep(9, [1.0])
        x = sweep.sample_inputs(1, rng=0).values[0].clone()
        x[2, 0, 0] = 2.0
        sweep.assemble(x)


@pytest.mark.parametrize("rng", [None, -1, 1.5, "seed", [1.0]])
def test_randomness_must_be_an_explicit_seed_or_generator(rng):
    with pytest.raises(ParameterError, match=r"rng must be an explicit seed.*Fix:"):
        Poisson(5).sample_inputs(1, rng=rng)
