"""Losses against hand computations: quadrature-weighted relative Lp, H^1 and H^-1 by
Parseval on periodic grids, H^1 by finite differences otherwise, refusals."""

import math

import pytest
import torch

from sciml.core import Field, ParameterError, PointCloud, TensorGrid
from sciml.training import H1, Hminus1, RelativeLp, Sobolev


def test_relative_l2_uses_trapezoid_weights_per_sample_then_batch_mean():
    grid = TensorGrid.uniform((5,))  # nodes 0, .25, .5, .75, 1; weights h/2, h, h, h, h/2
    target = torch.tensor([[[1.0, 2.0, 3.0, 4.0, 5.0]], [[1.0, 1.0, 1.0, 1.0, 1.0]]])
    pred = target + torch.tensor([[[1.0, 0.0, 0.0, 0.0, 0.0]], [[0.0, 0.0, 2.0, 0.0, 0.0]]])
    w = [0.125, 0.25, 0.25, 0.25, 0.125]
    first = math.sqrt(w[0] * 1.0) / math.sqrt(sum(wi * t**2 for wi, t in zip(w, range(1, 6))))
    second = math.sqrt(w[2] * 4.0) / math.sqrt(sum(w))
    per = RelativeLp().per_sample(pred, target, grid)
    torch.testing.assert_close(per, torch.tensor([first, second]))
    loss = RelativeLp()(pred, target, grid)
    assert loss.item() == pytest.approx((first + second) / 2)
    # unweighted (Euclidean) norms would give a different first entry
    assert abs(first - 1.0 / math.sqrt(55.0)) > 1e-3


def test_relative_l1_and_fields_and_point_clouds():
    cloud = PointCloud(torch.rand(4, 2), w=[1.0, 2.0, 3.0, 4.0])
    target = Field(torch.ones(1, 1, 4), cloud)
    pred = Field(torch.tensor([[[2.0, 1.0, 1.0, 1.0]]]), cloud)
    assert RelativeLp(1)(pred, target).item() == pytest.approx(1.0 / 10.0)
    # channels are summed into one norm
    grid = TensorGrid.uniform((4,), periodic=True)
    two = Field(torch.stack([torch.ones(4), 3 * torch.ones(4)])[None], grid)
    assert RelativeLp()(two * 0.0, two).item() == pytest.approx(1.0)


@pytest.mark.parametrize("k", [1, 3])
def test_h1_of_a_sine_is_sqrt_one_plus_wavenumber_squared_times_l2(k):
    grid = TensorGrid.uniform((64,), periodic=True)
    u = Field.from_function(lambda x: torch.sin(2 * math.pi * k * x[..., 0]), grid)
    zero = u * 0.0
    l2 = float(u.norm())
    assert l2 == pytest.approx(math.sqrt(0.5))
    h1 = float(H1(relative=False).per_sample(u, zero))
    assert h1 == pytest.approx(math.sqrt(1 + (2 * math.pi * k) ** 2) * l2, rel=1e-12)
    hm1 = float(Hminus1(relative=False).per_sample(u, zero))
    assert hm1 == pytest.approx(l2 / math.sqrt(1 + (2 * math.pi * k) ** 2), rel=1e-12)


def test_h1_two_dimensional_periodic_with_domain_lengths():
    grid = TensorGrid.uniform((16, 24), bounds=[(0, 2), (0, 3)], periodic=True)

    def f(x):
        return torch.cos(math.pi * x[..., 0]) * torch.sin(2 * math.pi * x[..., 1] / 3 * 2)

    u = Field.from_function(f, grid)
    ksq = math.pi**2 + (4 * math.pi / 3) ** 2
    expected = math.sqrt(1 + ksq) * float(u.norm())
    assert float(Sobolev(1, relative=False).per_sample(u, u * 0)) == pytest.approx(expected)


def test_h1_by_finite_differences_on_non_periodic_grid():
    grid = TensorGrid.uniform((257,))
    u = Field.from_function(lambda x: torch.sin(math.pi * x[..., 0]), grid)
    h1 = float(H1(relative=False).per_sample(u, u * 0))
    assert h1 == pytest.approx(math.sqrt(0.5 + math.pi**2 / 2), rel=1e-4)
    coarse = TensorGrid.uniform((33,))
    uc = Field.from_function(lambda x: torch.sin(math.pi * x[..., 0]), coarse)
    err_c = abs(float(H1(relative=False).per_sample(uc, uc * 0)) - math.sqrt(0.5 + math.pi**2 / 2))
    err_f = abs(h1 - math.sqrt(0.5 + math.pi**2 / 2))
    assert err_f < err_c / 10  # second-order differences and trapezoid weights


def test_negative_sobolev_index_refused_on_non_periodic_grid():
    grid = TensorGrid.uniform((17,))
    u = torch.randn(2, 1, 17)
    with pytest.raises(ParameterError, match=r"H\^-1.*periodic.*Fix"):
        Hminus1()(u, u + 1, grid)
    # a raw tensor without a grid is read on the non-periodic unit grid: also refused
    with pytest.raises(ParameterError):
        Hminus1()(u, u + 1)


def test_relative_h1_is_scale_invariant_and_zero_at_the_target():
    grid = TensorGrid.uniform((32, 32), periodic=True)
    t = torch.randn(3, 2, 32, 32)
    p = t + 0.1 * torch.randn(3, 2, 32, 32)
    loss = H1()
    assert loss(t, t, grid).item() == 0.0
    assert loss(10 * p, 10 * t, grid).item() == pytest.approx(loss(p, t, grid).item(), rel=1e-5)
