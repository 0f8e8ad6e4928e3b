"""DeepONet: Cartesian-product evaluation, Fields on any discretization; POD-DeepONet:
weighted-orthonormal POD trunk."""

import pytest
import torch

from sciml.core import Field, ParameterError, PointCloud, ShapeError, TensorGrid
from sciml.operators import DeepONet, PODDeepONet, build


def small_net(sensors, **kw):
    return DeepONet(sensors, 6, branch_hidden=(16,), trunk_hidden=(16,), seed=0, **kw)


def test_cartesian_product_equals_looping_over_pairs():
    net = small_net(TensorGrid.uniform((20,)))
    u, y = torch.randn(5, 20), torch.rand(7, 1)
    out = net(u, y)
    assert out.shape == (5, 7)
    for i in range(5):
        for j in range(7):
            single = net(u[i : i + 1], y[j : j + 1])
            assert torch.allclose(out[i, j], single[0, 0], atol=1e-6)


def test_multi_channel_shapes_and_bias():
    net = small_net(PointCloud(torch.rand(12, 2)), in_channels=2, out_channels=3)
    out = net(torch.randn(4, 2, 12), torch.rand(9, 2))
    assert out.shape == (4, 3, 9)
    with torch.no_grad():
        net.bias.copy_(torch.tensor([1.0, 2.0, 3.0]))
    shifted = net(torch.randn(4, 2, 12), torch.rand(9, 2))
    assert shifted.shape == (4, 3, 9)
    with pytest.raises(ShapeError, match=r"\(B, 2, 12\)"):
        net(torch.randn(4, 12), torch.rand(9, 2))


def test_predict_resamples_inputs_and_evaluates_on_any_discretization():
    sensors = TensorGrid.uniform((16,))
    net = small_net(sensors)
    fine = TensorGrid.uniform((31,))  # 16-node nodes are every other of 31
    x = torch.linspace(0, 1, 31, dtype=torch.float64)
    inputs = Field(torch.sin(3 * x).expand(4, 1, 31).clone(), fine)
    cloud = PointCloud(torch.rand(10, 1))
    out = net.predict(inputs, cloud)
    assert isinstance(out, Field) and out.disc == cloud and out.values.shape == (4, 1, 10)
    u = inputs.on(sensors).values[:, 0].float()
    torch.testing.assert_close(out.values[:, 0], net(u, cloud.points().float()))
    grid_out = net.predict(inputs[0], TensorGrid.uniform((5, 1)[:1]))
    assert grid_out.values.shape == (1, 5)


def outputs_on(grid, n=40, channels=1):
    torch.manual_seed(0)
    x = grid.points()[..., 0]
    coef = torch.randn(n, channels, 4, dtype=torch.float64)
    basis = torch.stack([torch.sin((k + 1) * torch.pi * x) for k in range(4)])
    return coef @ basis.reshape(4, -1) + 0.1


@pytest.mark.parametrize("channels", [1, 2])
def test_pod_trunk_is_orthonormal_in_the_weighted_inner_product(channels):
    grid = TensorGrid.uniform((25,))  # trapezoid weights: not a multiple of identity
    train = outputs_on(grid, channels=channels)
    rank = 4 * channels  # independent coefficients per channel
    net = PODDeepONet(
        grid, grid, n_modes=rank, out_channels=channels, branch_hidden=(8,), seed=0
    ).fit_basis(train)
    modes = net.basis().values.reshape(rank, -1).double()
    w = grid.weights().repeat(channels)
    gram = (modes * w) @ modes.T
    torch.testing.assert_close(gram, torch.eye(rank, dtype=torch.float64), atol=1e-5, rtol=0)
    # and not in the Euclidean one (trapezoid end weights differ)
    assert (modes @ modes.T / grid.weights()[1] - torch.eye(rank)).abs().max() > 1e-3
    # training data of rank 4 per channel is reproduced by mean + modes
    centred = train.reshape(40, -1) - net.mean.double()
    coef = (centred * w) @ modes.T
    torch.testing.assert_close(coef @ modes, centred, atol=1e-4, rtol=0)
    # the scales are the rms coefficients
    torch.testing.assert_close(
        net.scales.double(), coef.pow(2).mean(0).sqrt(), atol=1e-4, rtol=1e-4
    )


def test_pod_requires_fit_and_travels_in_state_dict():
    grid = TensorGrid.uniform((25,))
    net = PODDeepONet(grid, grid, n_modes=3, branch_hidden=(8,), seed=0)
    with pytest.raises(ParameterError, match="fit_basis"):
        net(torch.randn(2, 25))
    net.fit_basis(Field(outputs_on(grid), grid))
    copy = build(net.spec())
    copy.load_state_dict(net.state_dict())
    u = torch.randn(2, 25)
    torch.testing.assert_close(copy(u), net(u), rtol=0, atol=0)
    fine = TensorGrid.uniform((49,))
    out = net.predict(Field(torch.randn(2, 1, 25, dtype=torch.float64), grid), fine)
    assert out.disc == fine and out.values.shape == (2, 1, 49)
