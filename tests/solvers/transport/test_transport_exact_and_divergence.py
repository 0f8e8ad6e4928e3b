"""The POT layer (emd, emd2, 1-D Wasserstein, Bures W2^2) and the debiased divergence."""

import numpy as np
import ot
import pytest
import torch

from sciml.core import PointCloud
from sciml.solvers.transport import (
    bures_w2_squared,
    cost_matrix,
    emd,
    emd2,
    sinkhorn_divergence,
    wasserstein_1d,
)


def _gaussian_samples(n, d, seed, shift=0.0):
    g = torch.Generator().manual_seed(seed)
    return torch.randn(n, d, generator=g, dtype=torch.float64) + shift


def test_emd_on_point_clouds_matches_pot():
    x, y = _gaussian_samples(30, 2, 0), _gaussian_samples(25, 2, 1, 1.0)
    w = torch.rand(30, dtype=torch.float64, generator=torch.Generator().manual_seed(2))
    px = PointCloud(x, w / w.sum())
    P = emd(px, y)
    a, b = px.weights(), torch.full((25,), 1 / 25, dtype=torch.float64)
    M = ot.dist(x, y)
    torch.testing.assert_close(P, ot.emd(a, b, M))
    torch.testing.assert_close(emd2(px, y), ot.emd2(a, b, M))
    torch.testing.assert_close(
        emd2(x, y, p=1), ot.emd2(torch.full((30,), 1 / 30).double(), b, torch.cdist(x, y))
    )


def test_wasserstein_1d_matches_emd():
    x, y = _gaussian_samples(40, 1, 3), _gaussian_samples(40, 1, 4, 0.5)
    for p in (1, 2):
        torch.testing.assert_close(
            wasserstein_1d(x[:, 0], y[:, 0], p=p), emd2(x, y, p=p), rtol=1e-10, atol=1e-12
        )


def test_bures_w2_squared_is_pot_value_squared():
    rng = np.random.default_rng(0)
    for d in (1, 2, 5):
        G1, G2 = rng.standard_normal((d, d)), rng.standard_normal((d, d))
        S1, S2 = G1 @ G1.T + 0.1 * np.eye(d), G2 @ G2.T + 0.1 * np.eye(d)
        m1, m2 = rng.standard_normal(d), rng.standard_normal(d)
        ours = float(bures_w2_squared(m1, S1, m2, S2))
        pot = float(ot.gaussian.bures_wasserstein_distance(m1, m2, S1, S2))
        assert abs(ours - pot**2) <= 1e-10 * max(1.0, ours)


@pytest.mark.parametrize("reg", [0.5, 2.0])
def test_divergence_is_nonnegative_zero_on_equal_and_related_to_pot(reg):
    x, y = _gaussian_samples(60, 3, 5), _gaussian_samples(50, 3, 6, 0.3)
    S = float(sinkhorn_divergence(x, y, reg))
    assert S >= 0.0
    assert abs(float(sinkhorn_divergence(x, x, reg))) < 1e-8
    # POT keeps only <P, M> and clips at 0: equal to our linear combination, clipped
    pot = float(
        ot.bregman.empirical_sinkhorn_divergence(x, y, reg, stopThr=1e-12, numIterMax=10**5)
    )
    linear = float(sinkhorn_divergence(x, y, reg, linear=True))
    assert abs(pot - max(linear, 0.0)) < 1e-7
    # and it is not a divergence: for two samples of one law it stays well above ours
    x2 = _gaussian_samples(60, 3, 7)
    pot_same = float(
        ot.bregman.empirical_sinkhorn_divergence(x, x2, reg, stopThr=1e-12, numIterMax=10**5)
    )
    assert pot_same > float(sinkhorn_divergence(x, x2, reg)) >= 0.0


def test_divergence_gradient_vanishes_at_equal_measures():
    x = _gaussian_samples(20, 2, 8)
    xg = x.clone().requires_grad_(True)
    (grad,) = torch.autograd.grad(sinkhorn_divergence(xg, x, 1.0), xg)
    assert float(grad.abs().max()) < 1e-6
    assert cost_matrix(x, x).diagonal().abs().max() < 1e-12
