"""Resampling policies: spectral exactness, interpolation orders and exactness, errors."""

import math

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from sciml.core import Axis, DiscretizationError, Domain, Field, ShapeError, TensorGrid
from sciml.core.interpolation import interpolation_matrix


def trig_poly(coeffs, length):
    """A real trigonometric polynomial with modes 0..len(coeffs)-1 on [0, length)."""

    def f(x):
        x = x[..., 0]
        return sum(
            a * torch.cos(2 * math.pi * k * x / length)
            + b * torch.sin(2 * math.pi * k * x / length)
            for k, (a, b) in enumerate(coeffs)
        )

    return f


@settings(max_examples=60, deadline=None)
@given(
    st.integers(0, 6),
    st.integers(0, 40),
    st.integers(0, 40),
    st.sampled_from(["vertex", "cell"]),
    st.sampled_from(["vertex", "cell"]),
    st.integers(0, 10**6),
)
def test_spectral_resampling_is_exact_for_band_limited_data(k, extra_n, extra_m, o1, o2, seed):
    """Refinement, coarsening and shifts are exact when every mode is resolved by both."""
    n, m = 2 * k + 1 + extra_n, 2 * k + 1 + extra_m
    rng = np.random.default_rng(seed)
    coeffs = rng.standard_normal((k + 1, 2))
    coeffs[0, 1] = 0.0
    length = 2.5
    f = trig_poly(coeffs, length)
    src = TensorGrid((Axis.uniform(n, (0.0, length), periodic=True, offset=o1),))
    dst = TensorGrid((Axis.uniform(m, (0.0, length), periodic=True, offset=o2),))
    # a mode k at the Nyquist frequency of an even grid is not resolved: keep k < n/2, m/2
    if 2 * k >= n or 2 * k >= m:
        return
    out = Field.from_function(f, src).on(dst)
    exact = Field.from_function(f, dst)
    assert torch.allclose(out.values, exact.values, atol=1e-12 * (1 + np.abs(coeffs).sum()))


@given(st.integers(2, 5), st.integers(0, 10**6))
@settings(max_examples=30, deadline=None)
def test_spectral_round_trip_refine_then_coarsen_is_identity(log_n, seed):
    """Any data on the coarse grid is band-limited there: n -> 2n -> n returns it."""
    n = 2**log_n
    values = torch.from_numpy(np.random.default_rng(seed).standard_normal((3, 1, n, n + 2)))
    coarse = TensorGrid.uniform((n, n + 2), periodic=True)
    fine = TensorGrid.uniform((2 * n, 2 * n + 4), periodic=True)
    back = Field(values, coarse).on(fine).on(coarse)
    assert torch.allclose(back.values, values, atol=1e-12)


def test_spectral_coarsening_truncates_unresolved_modes():
    fine = TensorGrid.uniform((32,), periodic=True)
    coarse = TensorGrid.uniform((8,), periodic=True)
    low, high = trig_poly([(0, 0), (1, 0)], 1.0), trig_poly([(0, 0)] * 6 + [(1, 0)], 1.0)
    u = Field.from_function(lambda x: low(x) + high(x), fine).on(coarse)
    assert torch.allclose(u.values, Field.from_function(low, coarse).values, atol=1e-13)


def test_spectral_resampling_keeps_dtype_batch_and_complex():
    a = TensorGrid.uniform((8, 8), periodic=True)
    b = TensorGrid.uniform((16, 4), periodic=True)
    u32 = Field(torch.randn(2, 3, 8, 8), a).on(b)
    assert u32.dtype == torch.float32 and u32.values.shape == (2, 3, 16, 4)
    uc = Field(torch.randn(1, 8, 8, dtype=torch.complex128), a).on(b)
    assert uc.dtype == torch.complex128


@given(st.integers(2, 25), st.integers(0, 10**6))
@settings(max_examples=40, deadline=None)
def test_barycentric_interpolation_reproduces_polynomials(n, seed):
    rng = np.random.default_rng(seed)
    poly = np.polynomial.Polynomial(rng.standard_normal(n))  # degree n-1 through n nodes
    x = rng.uniform(-1, 1, 50)
    for ax in (Axis.chebyshev(n), Axis.gauss_legendre(n)):
        mat = interpolation_matrix(ax, x, "spectral").numpy()
        scale = np.abs(poly.coef).sum()
        assert np.allclose(mat @ poly(ax.nodes.numpy()), poly(x), atol=1e-10 * scale)


@given(st.integers(0, 10**6))
@settings(max_examples=30, deadline=None)
def test_multilinear_interpolation_is_exact_on_multilinear_functions(seed):
    rng = np.random.default_rng(seed)
    c = torch.from_numpy(rng.standard_normal(4))
    axes = (Axis.uniform(7, (0.0, 2.0)), Axis([0.0, 0.1, 0.5, 0.7, 1.0]))
    grid = TensorGrid(axes)

    def f(x):
        return c[0] + c[1] * x[..., 0] + c[2] * x[..., 1] + c[3] * x[..., 0] * x[..., 1]

    u = Field.from_function(f, grid)
    pts = torch.from_numpy(rng.uniform([0, 0], [2, 1], (40, 2)))
    assert torch.allclose(u(pts, method="linear")[0], f(pts), atol=1e-12)
    other = TensorGrid((Axis.uniform(5, (0.0, 2.0), offset="cell"), Axis.chebyshev(6, (0, 1))))
    assert torch.allclose(u.on(other, method="linear").values[0], f(other.points()), atol=1e-12)


def test_linear_interpolation_is_second_order():
    f = lambda x: torch.sin(3 * x[..., 0]) * torch.exp(x[..., 1])  # noqa: E731
    pts = torch.from_numpy(np.random.default_rng(0).uniform(0, 1, (500, 2)))
    errs = []
    for n in (9, 17, 33, 65):
        u = Field.from_function(f, TensorGrid.uniform((n, n)))
        errs.append(float((u(pts)[0] - f(pts)).abs().max()))
    rates = np.log2(np.array(errs[:-1]) / np.array(errs[1:]))
    assert np.all((rates > 1.8) & (rates < 2.2)), rates


def test_trigonometric_point_evaluation_is_exact_for_band_limited_data():
    f = trig_poly([(0.3, 0), (1, 2), (0.5, -1)], 2.0)
    grid = TensorGrid((Axis.uniform(8, (0.0, 2.0), periodic=True),))
    # periodic: points outside [0, 2) wrap around
    x = torch.linspace(-1.0, 5.0, 37, dtype=torch.float64)[:, None]
    assert torch.allclose(Field.from_function(f, grid)(x)[0], f(x), atol=1e-12)


def test_chebyshev_grid_spectral_evaluation_in_2d_and_3d():
    f = lambda x: torch.exp(x[..., 0]) * torch.sin(x.sum(-1))  # noqa: E731
    pts = torch.from_numpy(np.random.default_rng(1).uniform(-1, 1, (30, 3)))
    g3 = Domain([(-1, 1)] * 3).grid(20, kind="chebyshev")
    assert torch.allclose(Field.from_function(f, g3)(pts)[0], f(pts), atol=1e-10)


def test_points_outside_a_non_periodic_domain_are_refused():
    u = Field(np.zeros((4, 4)), TensorGrid.uniform((4, 4)))
    with pytest.raises(DiscretizationError, match="outside the source interval"):
        u(torch.tensor([[0.5, 1.5]]))


def test_wrong_number_of_coordinates():
    u = Field(np.zeros((4, 4)), TensorGrid.uniform((4, 4)))
    with pytest.raises(ShapeError, match=r"\(\.\.\., 2\)"):
        u(torch.zeros(3, 3))


def test_unknown_method():
    u = Field(np.zeros(4), TensorGrid.uniform((4,)))
    with pytest.raises(DiscretizationError, match="'auto', 'linear' or 'spectral'"):
        u(torch.zeros(1, 1), method="cubic")


def test_dimension_mismatch_names_both_discretizations():
    u = Field(np.zeros((4, 4)), TensorGrid.uniform((4, 4)))
    with pytest.raises(DiscretizationError, match="dimensions differ"):
        u.on(TensorGrid.uniform((4,)))


def test_evaluation_keeps_batch_and_point_shape():
    u = Field(torch.randn(2, 3, 8, 8, dtype=torch.float64), TensorGrid.uniform((8, 8)))
    assert u(torch.rand(5, 4, 2, dtype=torch.float64)).shape == (2, 3, 5, 4)


def test_overflowing_polynomial_interpolation_is_refused():
    with pytest.raises(DiscretizationError, match="Chebyshev or Gauss-Legendre nodes"):
        interpolation_matrix(Axis.uniform(70, (-1.0, 1.0)), [0.945], "spectral")
