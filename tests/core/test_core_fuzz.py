"""Property-based fuzzing of the core types (hypothesis).

Valid parameters must satisfy the invariants the rest of the package relies on (weights
sum to the domain's volume, coarsen inverts refine, Field arithmetic and ``on`` identities);
invalid ones must raise sciml's own errors (:class:`SciMLError`), never a bare
``IndexError``/``ZeroDivisionError``/``TypeError`` from inside the implementation.
"""

import math

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sciml.core import Axis, Domain, Field, SciMLError, TensorGrid

FUZZ = settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

finite = st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False)
lengths = st.floats(1e-2, 1e3, allow_nan=False, allow_infinity=False)


@st.composite
def intervals(draw):
    lo = draw(finite)
    return lo, lo + draw(lengths)


@st.composite
def axes(draw, max_n: int = 12):
    """A valid axis of any kind, with its interval."""
    kind = draw(st.sampled_from(["uniform", "chebyshev", "gauss_legendre"]))
    bounds = draw(intervals())
    if kind == "uniform":
        periodic = draw(st.booleans())
        offset = draw(st.sampled_from(["vertex", "cell"]))
        minimum = 2 if (offset == "vertex" and not periodic) else 1
        n = draw(st.integers(minimum, max_n))
        return Axis.uniform(n, bounds, periodic=periodic, offset=offset), bounds
    n = draw(st.integers(2, max_n))
    return getattr(Axis, kind)(n, bounds), bounds


def _volume(bounds) -> float:
    return math.prod(hi - lo for lo, hi in bounds)


@FUZZ
@given(axes())
def test_axis_weights_sum_to_the_length_and_nodes_lie_inside(drawn):
    axis, (lo, hi) = drawn
    w, x = axis.weights.double(), axis.nodes.double()
    assert w.shape == x.shape == (axis.n,)
    assert bool((w > 0).all())
    assert float(w.sum()) == pytest.approx(hi - lo, rel=1e-10)
    span = 1e-9 * max(1.0, abs(lo), abs(hi))
    assert bool((x >= lo - span).all() and (x <= hi + span).all())
    assert bool((x[1:] > x[:-1]).all())


@FUZZ
@given(st.lists(axes(max_n=6), min_size=1, max_size=3))
def test_grid_weights_sum_to_the_volume_and_integrate_constants(drawn):
    grid = TensorGrid(tuple(a for a, _ in drawn))
    bounds = [b for _, b in drawn]
    assert grid.shape == tuple(a.n for a, _ in drawn) and grid.ndim == len(drawn)
    assert tuple(grid.weights().shape) == grid.shape
    assert float(grid.weights().double().sum()) == pytest.approx(_volume(bounds), rel=1e-10)
    assert tuple(grid.points().shape) == (*grid.shape, grid.ndim)
    one = Field(torch.ones(grid.shape, dtype=torch.float64), grid)
    assert float(one.integrate().squeeze()) == pytest.approx(_volume(bounds), rel=1e-10)
    assert grid == TensorGrid(tuple(a for a, _ in drawn)) and hash(grid) == hash(
        TensorGrid(tuple(a for a, _ in drawn))
    )


@st.composite
def uniform_grids(draw):
    d = draw(st.integers(1, 2))
    periodic = draw(st.booleans())
    offset = "vertex" if not periodic else draw(st.sampled_from(["vertex", "cell"]))
    cells = draw(st.lists(st.integers(2, 8), min_size=d, max_size=d))
    shape = [c if periodic else c + 1 for c in cells]
    bounds = [draw(intervals()) for _ in range(d)]
    return TensorGrid.uniform(shape, bounds, periodic=periodic, offset=offset)


@FUZZ
@given(uniform_grids(), st.integers(1, 3))
def test_coarsen_inverts_refine(grid, factor):
    fine = grid.refine(factor)
    assert fine.coarsen(factor) == grid
    assert float(fine.weights().double().sum()) == pytest.approx(
        float(grid.weights().double().sum()), rel=1e-10
    )


@FUZZ
@given(uniform_grids(), st.integers(0, 2**31 - 1), st.floats(-10, 10))
def test_field_arithmetic_and_resampling_identities(grid, seed, scale):
    gen = torch.Generator().manual_seed(seed)
    u = Field(torch.randn(2, *grid.shape, generator=gen, dtype=torch.float64), grid)
    v = Field(torch.randn(2, *grid.shape, generator=gen, dtype=torch.float64), grid)
    assert torch.allclose(((u + v) - v).values, u.values, atol=1e-12)
    assert torch.allclose((u * scale).values, (scale * u).values)
    assert torch.allclose((u + u).values, (2 * u).values)
    assert torch.allclose((-u).values, (0 - u).values)
    # inner products are bilinear and the norm is the square root of <u, u>
    assert torch.allclose(u.inner(v) * scale, (scale * u).inner(v), atol=1e-9)
    assert torch.allclose(u.norm() ** 2, u.inner(u), rtol=1e-10, atol=1e-12)
    assert torch.allclose(u.on(grid).values, u.values, atol=1e-12)
    # up to a refinement and back: periodic (FFT) and vertex (linear) resampling are exact
    # on nested nodes
    back = u.on(grid.refine(2)).on(grid)
    assert torch.allclose(back.values, u.values, atol=1e-9)


# --------------------------------------------------------------------------- invalid input
junk = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 5),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=3),
    st.lists(st.floats(allow_nan=True, allow_infinity=True), max_size=3),
    st.tuples(finite, finite),
)


def _only_sciml_errors(build) -> None:
    """``build()`` either succeeds or raises a SciMLError (anything else fails the test)."""
    try:
        build()
    except SciMLError as exc:
        assert str(exc), "a sciml error must carry a message"


@FUZZ
@given(junk, junk, junk, junk)
def test_axis_uniform_with_junk_raises_only_sciml_errors(n, bounds, periodic, offset):
    _only_sciml_errors(lambda: Axis.uniform(n, bounds, periodic=bool(periodic), offset=offset))


@FUZZ
@given(junk, junk, st.sampled_from(["chebyshev", "gauss_legendre"]))
def test_axis_rules_with_junk_raise_only_sciml_errors(n, bounds, kind):
    _only_sciml_errors(lambda: getattr(Axis, kind)(n, bounds))


@FUZZ
@given(
    st.one_of(junk, st.lists(st.one_of(junk, st.tuples(finite, finite)), max_size=3)),
    st.one_of(st.booleans(), st.lists(st.booleans(), max_size=4)),
    st.one_of(junk, st.lists(st.integers(-2, 6), max_size=4)),
)
def test_domain_and_grids_with_junk_raise_only_sciml_errors(bounds, periodic, shape):
    _only_sciml_errors(lambda: Domain(bounds, periodic).grid(shape))


@FUZZ
@given(uniform_grids(), st.integers(-3, 10))
def test_coarsen_refine_with_bad_factors_raise_only_sciml_errors(grid, factor):
    _only_sciml_errors(lambda: grid.coarsen(factor))
    _only_sciml_errors(lambda: grid.refine(factor))
    _only_sciml_errors(lambda: grid.hierarchy(factor))


@FUZZ
@given(
    uniform_grids(),
    st.lists(st.integers(0, 6), min_size=0, max_size=4),
    st.sampled_from([np.float64, np.float32, np.int64, np.bool_, np.complex128]),
)
def test_field_with_misshapen_values_raises_only_sciml_errors(grid, shape, dtype):
    values = np.zeros(shape, dtype=dtype)
    _only_sciml_errors(lambda: Field(values, grid))
    other = TensorGrid.uniform(tuple(n + 1 for n in grid.shape))
    u = Field(np.zeros(grid.shape), grid)
    _only_sciml_errors(lambda: u + Field(np.zeros(other.shape), other))
    _only_sciml_errors(lambda: u(np.zeros(shape)))
