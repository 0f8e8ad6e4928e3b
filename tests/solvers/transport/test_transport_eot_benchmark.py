"""The Gushchin mixtures benchmark: exact conditional moments, the plan's EOT structure,
cBW2-UVP's oracle floor and its response to a wrong plan."""

import pytest
import torch

from sciml.solvers.transport.eot_benchmark import MixtureBenchmark, cbw2_uvp


def test_conditional_moments_match_monte_carlo():
    bm = MixtureBenchmark.random(2, 1.0, seed=0)
    g = torch.Generator().manual_seed(1)
    x = bm.sample_source(3, generator=g)
    mean, cov = bm.conditional_moments(x)
    for i in range(3):
        y = bm.sample_conditional(x[i].expand(100_000, -1), generator=g)
        torch.testing.assert_close(y.mean(0), mean[i], atol=2e-2, rtol=0)
        torch.testing.assert_close(torch.cov(y.T), cov[i], atol=3e-2, rtol=0)


def test_plan_density_has_eot_form():
    """log pi*(y|x) + |x - y|^2 / 2 eps is a function of y plus a function of x."""
    bm = MixtureBenchmark.random(2, 0.5, seed=3)
    g = torch.Generator().manual_seed(2)
    x, y = bm.sample_source(2, generator=g), bm.sample_target(2, generator=g)

    def log_pi(xi, yj):
        logw, m, P = bm.conditional(xi[None])
        L = torch.linalg.cholesky(P)
        z = torch.linalg.solve_triangular(L, (yj - m[0])[..., None], upper=False)[..., 0]
        logdet = torch.log(torch.diagonal(L, dim1=-2, dim2=-1)).sum(-1)
        comp = logw[0] - 0.5 * (z**2).sum(-1) - logdet
        return torch.logsumexp(comp, 0) + ((xi - yj) ** 2).sum() / (2 * bm.eps)

    mixed = log_pi(x[0], y[0]) + log_pi(x[1], y[1]) - log_pi(x[0], y[1]) - log_pi(x[1], y[0])
    assert abs(float(mixed)) < 1e-9


def test_oracle_floor_is_small_and_a_wrong_plan_scores_high():
    bm = MixtureBenchmark.random(4, 1.0, seed=0)
    g = torch.Generator().manual_seed(4)
    x = bm.sample_source(100, generator=g)
    xs = x[:, None, :].expand(-1, 500, -1).reshape(-1, 4)
    oracle = bm.sample_conditional(xs, generator=g).reshape(100, 500, 4)
    var = float(torch.var(bm.sample_target(50_000, generator=g), 0).sum())
    floor = cbw2_uvp(bm, x, oracle, var)
    assert 0.0 < floor < 1.0
    wrong = (xs + torch.randn(xs.shape, generator=g, dtype=torch.float64)).reshape(100, 500, 4)
    assert cbw2_uvp(bm, x, wrong, var) > 20 * floor


def test_target_variance_matches_monte_carlo_and_rotated_covs_are_not_diagonal():
    bm = MixtureBenchmark.random(3, 0.5, seed=5, rotated=True)
    offdiag = bm.covs - torch.diag_embed(torch.diagonal(bm.covs, dim1=-2, dim2=-1))
    assert float(offdiag.abs().max()) > 0.05
    g = torch.Generator().manual_seed(6)
    mc = float(torch.var(bm.sample_target(200_000, generator=g), 0).sum())
    assert bm.target_variance(50_000, generator=g) == pytest.approx(mc, rel=1e-2)
