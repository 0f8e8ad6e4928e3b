import math

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from sciml.core import Axis, DiscretizationError, Domain, ShapeError, TensorGrid

kinds = st.sampled_from(["uniform", "chebyshev", "gauss_legendre"])


@settings(max_examples=40)
@given(st.lists(st.tuples(st.integers(2, 12), kinds), min_size=1, max_size=3))
def test_integral_of_one_is_the_volume(spec):
    bounds = [(0.0, 1.0 + i) for i in range(len(spec))]
    grid = Domain(bounds).grid([n for n, _ in spec], kind=[k for _, k in spec])
    assert float(grid.integrate(torch.ones(grid.shape, dtype=torch.float64))) == pytest.approx(
        math.prod(b[1] for b in bounds), rel=1e-12
    )


def test_separable_integral_matches_product_of_1d_integrals():
    grid = Domain([(0, 1), (0, 2)]).grid((20, 15), kind="gauss_legendre")
    x, y = grid.mesh()
    val = grid.integrate(torch.exp(x) * torch.cos(y))
    assert float(val) == pytest.approx((math.e - 1) * math.sin(2.0), rel=1e-12)


def test_points_mesh_shapes_and_batch_integration():
    grid = TensorGrid.uniform((4, 6), periodic=True)
    assert grid.points().shape == (4, 6, 2)
    assert grid.integrate(torch.ones(3, 2, 4, 6)).shape == (3, 2)
    assert grid.norm(torch.ones(5, 4, 6)).shape == (5,)


def test_norm_inf_and_inner():
    grid = TensorGrid.uniform((8,), periodic=True)
    (x,) = grid.mesh()
    u = torch.sin(2 * torch.pi * x)
    assert float(grid.norm(u, p=float("inf"))) == pytest.approx(1.0)
    assert float(grid.inner(u, u)) == pytest.approx(0.5)


def test_fft_frequencies_are_angular_wavenumbers():
    grid = TensorGrid.uniform((8, 6), bounds=[(0, 2 * math.pi), (0, 1)], periodic=True)
    kx, ky = grid.fft_frequencies(real=True)
    assert kx.tolist() == [0, 1, 2, 3, -4, -3, -2, -1]
    assert ky.tolist() == pytest.approx([0, 2 * math.pi, 4 * math.pi, 6 * math.pi])
    # derivative by FFT is exact on a resolved mode
    (x, _) = grid.mesh()
    u = torch.sin(3 * x)
    du = torch.fft.ifft(1j * kx[:, None] * torch.fft.fft(u, dim=0), dim=0).real
    assert torch.allclose(du, 3 * torch.cos(3 * x), atol=1e-12)


def test_fft_frequencies_refuse_non_periodic_axes():
    with pytest.raises(DiscretizationError, match="uniform periodic axes; axis 0"):
        TensorGrid.uniform((8,)).fft_frequencies()


def test_hierarchy_finest_first_and_clear_failure():
    grid = TensorGrid.uniform((65, 33))
    levels = grid.hierarchy(4)
    assert [g.shape for g in levels] == [(65, 33), (33, 17), (17, 9), (9, 5)]
    with pytest.raises(DiscretizationError, match="level 3 fails"):
        TensorGrid.uniform((20, 20), periodic=True).hierarchy(4)


def test_grids_are_hashable_and_weights_cached():
    a = TensorGrid.uniform((8, 8), periodic=True)
    b = TensorGrid.uniform((8, 8), periodic=True)
    assert a == b and hash(a) == hash(b)
    assert a.weights() is b.weights()


def test_bad_values_shape_is_explained():
    grid = TensorGrid.uniform((8, 8))
    with pytest.raises(ShapeError, match=r"trailing dimensions \(8, 8\)"):
        grid.integrate(torch.ones(8, 7))


def test_grid_rejects_non_axes():
    with pytest.raises(DiscretizationError, match="Axis objects"):
        TensorGrid((np.linspace(0, 1, 5),))


def test_integer_values_integrate_as_float():
    grid = TensorGrid((Axis.uniform(3, (0.0, 1.0)),))
    assert float(grid.integrate(torch.tensor([1, 1, 1]))) == 1.0
