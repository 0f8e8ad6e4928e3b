import numpy as np
import pytest
import torch

from sciml.core import (
    DiscretizationError,
    Domain,
    Field,
    PointCloud,
    ShapeError,
    TensorGrid,
    relative_l2_error,
)


def sin2pi(x):
    return torch.sin(2 * torch.pi * x[..., 0])


@pytest.fixture
def grid():
    return TensorGrid.uniform((16,), periodic=True)


def test_scalar_values_get_a_channel_axis(grid):
    u = Field(np.zeros(16), grid)
    assert u.values.shape == (1, 16) and u.channels == 1 and u.batch_shape == ()
    assert u.dtype == torch.float64


def test_numpy_float64_default_and_tensor_dtype_kept(grid):
    assert Field(np.zeros((2, 3, 16), dtype=np.float32), grid).dtype == torch.float32
    assert Field(torch.zeros(2, 1, 16, dtype=torch.float32), grid).dtype == torch.float32
    assert Field([[0.0] * 16], grid).dtype == torch.float64


def test_from_function_channels_last_output_becomes_channels_first(grid):
    u = Field.from_function(lambda x: torch.stack([x[..., 0], 2 * x[..., 0]], -1), grid)
    assert u.values.shape == (2, 16)
    assert torch.allclose(u.values[1], 2 * u.values[0])


def test_from_function_accepts_numpy_functions():
    g = TensorGrid.uniform((5, 5))
    u = Field.from_function(lambda x: np.sin(np.asarray(x)[..., 0]), g)
    assert u.values.shape == (1, 5, 5)


def test_integrate_norm_inner_shapes_and_values(grid):
    u = Field(torch.stack([torch.ones(1, 16), 2 * torch.ones(1, 16)]).double(), grid)
    assert u.integrate().squeeze(-1).tolist() == pytest.approx([1.0, 2.0])
    assert u.norm().tolist() == pytest.approx([1.0, 2.0])
    assert u.inner(u).tolist() == pytest.approx([1.0, 4.0])
    assert u.norm(p=float("inf")).tolist() == [1.0, 2.0]


def test_arithmetic_and_compatibility(grid):
    u = Field.from_function(sin2pi, grid)
    assert torch.allclose((2 * u - u).values, u.values)
    assert torch.allclose((u / 2 + 1).values, u.values / 2 + 1)
    assert torch.allclose((-u).values, -u.values)
    other = Field.from_function(sin2pi, TensorGrid.uniform((32,), periodic=True))
    with pytest.raises(DiscretizationError, match=r"a.on\(b.disc\)"):
        u + other
    with pytest.raises(ShapeError, match="broadcastable"):
        u + torch.ones(3, 7)


def test_batch_indexing(grid):
    u = Field(torch.randn(4, 2, 16, dtype=torch.float64), grid)
    assert u[1:3].batch_shape == (2,) and u[0].channels == 2
    with pytest.raises(ShapeError, match="no batch dimension"):
        u[0][0]


@pytest.mark.parametrize(
    "values,fragment",
    [(np.zeros(15), "channels-first"), (np.zeros((16, 3)), "channels-first")],
)
def test_bad_shapes_are_explained(grid, values, fragment):
    with pytest.raises(ShapeError, match=fragment):
        Field(values, grid)


def test_field_needs_a_discretization():
    with pytest.raises(DiscretizationError, match="TensorGrid or PointCloud"):
        Field(np.zeros(4), "grid")


def test_relative_error_between_discretizations():
    fine = TensorGrid.uniform((64, 64), periodic=True)
    coarse = TensorGrid.uniform((16, 16), periodic=True)
    f = lambda x: torch.sin(2 * torch.pi * x[..., 0]) * torch.cos(2 * torch.pi * x[..., 1])  # noqa: E731
    u, ref = Field.from_function(f, coarse), Field.from_function(f, fine)
    assert float(relative_l2_error(u, ref)) < 1e-13
    assert float((u * 1.01).relative_error(ref)) == pytest.approx(0.01, rel=1e-10)


def test_relative_error_point_cloud_against_grid_goes_the_other_way():
    grid = TensorGrid.uniform((32, 32), periodic=True)
    f = lambda x: torch.sin(2 * torch.pi * x[..., 0])  # noqa: E731
    cloud = Domain([(0, 1), (0, 1)]).sample(100, rng=0)
    err = relative_l2_error(Field.from_function(f, cloud), Field.from_function(f, grid))
    assert float(err) < 1e-12


def test_point_cloud_to_grid_has_no_policy_and_names_both():
    cloud = PointCloud(np.random.default_rng(0).random((10, 2)))
    grid = TensorGrid.uniform((4, 4))
    with pytest.raises(DiscretizationError) as info:
        Field(np.zeros(10), cloud).on(grid)
    msg = str(info.value)
    assert "PointCloud(n=10, d=2)" in msg and "TensorGrid(" in msg and "Fix" in msg
