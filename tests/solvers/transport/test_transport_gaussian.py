"""Gaussian closed forms: entropic OT against Sinkhorn on a fine grid, the Schrödinger
bridge against Monte Carlo of its SDE, the Bures map."""

import pytest
import torch

from sciml.solvers.transport import (
    GaussianBridge,
    bures_map,
    bures_w2_squared,
    emd2,
    entropic_gaussian,
    sinkhorn,
)

A2 = torch.tensor([[1.0, 0.3], [0.3, 0.5]], dtype=torch.float64)
B2 = torch.tensor([[2.0, -0.4], [-0.4, 0.8]], dtype=torch.float64)


def _grid_gaussian(x, mean, sd):
    w = torch.exp(-0.5 * ((x - mean) / sd) ** 2)
    return w / w.sum()


@pytest.mark.parametrize(
    ("sd_a", "sd_b", "shift", "sigma2", "value", "cross"),
    [(1.0, 2.0, 1.0, 0.5, 3.224357, 1.765564), (1.0, 0.5, -1.0, 2.0, 2.128614, 0.118034)],
)
def test_entropic_gaussian_matches_grid_sinkhorn(sd_a, sd_b, shift, sigma2, value, cross):
    closed = entropic_gaussian([0.0], [[sd_a**2]], [shift], [[sd_b**2]], sigma2)
    assert abs(float(closed.value) - value) < 1e-6
    assert abs(float(closed.cross_covariance) - cross) < 1e-6
    x = torch.linspace(-12.0, 14.0, 1501, dtype=torch.float64)
    a, b = _grid_gaussian(x, 0.0, sd_a), _grid_gaussian(x, shift, sd_b)
    C = (x[:, None] - x[None]) ** 2
    sol = sinkhorn(a, b, C, 2.0 * sigma2, method="scaling")  # reg = 2 sigma^2
    assert sol.ok
    rel = abs(float(sol.value.value) / float(closed.value) - 1.0)
    assert rel <= 1e-6
    P = sol.value.plan
    xm, ym = (a * x).sum(), (b * x).sum()
    cov = ((x[:, None] - xm) * (x[None] - ym) * P).sum()
    assert abs(float(cov) - float(closed.cross_covariance)) < 1e-5


def test_bridge_covariance_matches_anchor_and_sde_monte_carlo():
    br = GaussianBridge.between([0.0, 0.0], A2, [1.0, -1.0], B2, eps=0.5)
    anchor = torch.tensor([[1.2578, 0.1362], [0.1362, 0.5685]], dtype=torch.float64)
    torch.testing.assert_close(br.covariance(0.3), anchor, atol=1e-4, rtol=0)
    torch.testing.assert_close(br.covariance(1.0), B2)
    g = torch.Generator().manual_seed(0)
    n, steps, t_end = 100_000, 150, 0.3
    x = torch.randn(n, 2, generator=g, dtype=torch.float64) @ torch.linalg.cholesky(A2).T
    dt = t_end / steps
    for k in range(steps):  # Euler-Maruyama of dX = v(X, t) dt + sqrt(eps) dW
        noise = torch.randn(n, 2, generator=g, dtype=torch.float64)
        x = x + br.drift(x, k * dt) * dt + (0.5 * dt) ** 0.5 * noise
    torch.testing.assert_close(torch.cov(x.T), br.covariance(t_end), atol=2.5e-2, rtol=0)
    torch.testing.assert_close(x.mean(0), br.mean(t_end), atol=1e-2, rtol=0)


def test_bures_map_pushes_forward_and_is_optimal():
    m1, m2 = torch.tensor([0.5, -1.0]), torch.tensor([2.0, 0.0])
    A, c = bures_map(m1, A2, m2, B2)
    torch.testing.assert_close(A, A.T)
    torch.testing.assert_close(A @ A2 @ A.T, B2)
    torch.testing.assert_close(A @ m1.double() + c, m2.double())
    w2 = ((m1 - m2) ** 2).sum() + torch.trace((torch.eye(2) - A) @ A2 @ (torch.eye(2) - A).T)
    torch.testing.assert_close(w2, bures_w2_squared(m1, A2, m2, B2))
    # on a sample, the map's displacement cost equals the exact OT to its image
    x = torch.randn(200, 2, dtype=torch.float64, generator=torch.Generator().manual_seed(1))
    tx = x @ A.T + c
    torch.testing.assert_close(emd2(x, tx), ((tx - x) ** 2).sum(-1).mean(), rtol=1e-10, atol=1e-12)
