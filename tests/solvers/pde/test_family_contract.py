"""Every problem family honours the contract: shapes, channels, JSON metadata, per-sample
seeding (sample i independent of n and start), finality of concrete classes."""

import json

import numpy as np
import pytest
import scipy.sparse as sp
import torch

from sciml.core import Field
from sciml.solvers.pde import (
    AbstractLinearFamily,
    AbstractProblemFamily,
    AbstractStationaryFamily,
    Burgers1D,
    ConvectionDiffusion,
    Darcy,
    FrequencySweep,
    Heat,
    Helmholtz,
    NavierStokes2D,
    ParameterError,
    Poisson,
)

FAMILIES = {
    "darcy": lambda: Darcy(9),
    "darcy_lognormal": lambda: Darcy(9, "lognormal"),
    "poisson": lambda: Poisson(9),
    "helmholtz": lambda: Helmholtz(9),
    "convection_diffusion": lambda: ConvectionDiffusion(9),
    "sweep": lambda: FrequencySweep(9, np.linspace(9.0, 10.0, 8)),
    "heat": lambda: Heat(9, dt=1e-2, steps=3),
    "burgers": lambda: Burgers1D(16, T=0.01, dt=1e-3),
    "navier_stokes": lambda: NavierStokes2D(8, T=0.01, dt=1e-3),
}


@pytest.fixture(params=sorted(FAMILIES))
def family(request):
    return FAMILIES[request.param]()


def test_inputs_are_channels_first_float64_fields(family):
    x = family.sample_inputs(3, rng=0)
    assert isinstance(x, Field) and x.disc == family.grid
    assert tuple(x.values.shape) == (3, len(family.channels), *family.grid.shape)
    assert x.values.dtype == torch.float64 and torch.isfinite(x.values).all()
    assert family.sample_inputs(0, rng=0).values.shape[0] == 0


def test_solutions_have_the_grid_and_batch(family):
    x = family.sample_inputs(2, rng=1)
    u = family.solve(x)
    assert isinstance(u, Field) and u.disc == family.grid
    assert u.batch_shape == (2,) and torch.isfinite(u.values).all()


def test_same_seed_same_samples_and_sample_i_independent_of_n(family):
    big = family.sample_inputs(5, rng=123).values
    assert torch.equal(family.sample_inputs(5, rng=123).values, big)
    assert torch.equal(family.sample_inputs(2, rng=123).values, big[:2])
    assert torch.equal(family.sample_inputs(2, rng=123, start=3).values, big[3:])
    seq = np.random.SeedSequence(123)
    assert torch.equal(family.sample_inputs(5, rng=seq).values, big)
    other = family.sample_inputs(5, rng=124).values
    # the sweep's medium and frequencies are shared; everything else must differ
    assert not torch.equal(other, big)


def test_generators_seed_reproducibly_and_advance(family):
    a = family.sample_inputs(2, rng=np.random.default_rng(9)).values
    b = family.sample_inputs(2, rng=np.random.default_rng(9)).values
    assert torch.equal(a, b)
    gen = np.random.default_rng(9)
    first, second = (family.sample_inputs(2, rng=gen).values for _ in range(2))
    assert not torch.equal(first, second)


def test_randomness_must_be_explicit(family):
    with pytest.raises(ParameterError, match="Fix:"):
        family.sample_inputs(2, rng=None)


def test_parameters_are_json_metadata(family):
    params = json.loads(json.dumps(family.parameters))
    assert params["family"] == type(family).__name__
    assert "equation" in params and "discretization" in params


def test_concrete_families_are_final_and_bases_abstract(family):
    assert getattr(type(family), "__final__", False)
    for base in (AbstractProblemFamily, AbstractLinearFamily, AbstractStationaryFamily):
        with pytest.raises(TypeError):
            base()


@pytest.mark.parametrize(
    "make,flags",
    [
        (lambda: Darcy(9), (True, True, True)),
        (lambda: Poisson(9), (False, True, True)),
        (lambda: Helmholtz(9), (True, True, False)),
        (lambda: ConvectionDiffusion(9), (True, False, False)),
        (lambda: FrequencySweep(9, [1.0, 2.0]), (True, True, False)),
        (lambda: Heat(9, dt=0.1, steps=1), (False, True, True)),
    ],
)
def test_declared_flags(make, flags):
    fam = make()
    assert (fam.matrix_varies, fam.symmetric, fam.definite) == flags


@pytest.mark.parametrize(
    "make",
    [lambda: Darcy(9), lambda: Poisson(9), lambda: Helmholtz(9), lambda: ConvectionDiffusion(9)],
)
def test_flags_hold_for_the_assembled_matrices(make):
    fam = make()
    x = fam.sample_inputs(3, rng=2)
    systems = [fam.assemble(x[i]) for i in range(3)]
    for A, b in systems:
        assert isinstance(A, sp.csr_matrix) and A.dtype == np.float64
        assert A.shape == (fam.n_unknowns,) * 2 and b.shape == (fam.n_unknowns,)
        assert (abs(A - A.T).max() == 0) == fam.symmetric
        if fam.symmetric:
            assert (np.linalg.eigvalsh(A.toarray())[0] > 0) == fam.definite
    same = all(abs(systems[0][0] - A).max() == 0 for A, _ in systems)
    assert same != fam.matrix_varies


def test_stationary_solve_matches_assemble_and_fills_zero_boundary():
    fam = Helmholtz(11)
    x = fam.sample_inputs(2, rng=4)
    u = fam.solve(x).values.numpy()
    assert np.abs(u[..., [0, -1], :]).max() == 0 and np.abs(u[..., :, [0, -1]]).max() == 0
    A, b = fam.assemble(x[1])
    residual = A @ u[1, 0, 1:-1, 1:-1].ravel() - b
    assert np.linalg.norm(residual) < 1e-10 * np.linalg.norm(b)
    field = fam.solution_field(np.ones((3, fam.n_unknowns)))
    assert tuple(field.values.shape) == (3, 1, 11, 11)
