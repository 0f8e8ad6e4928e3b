"""LightSB: exact parameters reproduce the Gaussian bridge; training K=1 full recovers it."""

import math

import pytest
import torch

from sciml.core import ParameterError
from sciml.solvers.transport import GaussianBridge, LightSB

A = torch.tensor([[1.0, 0.3], [0.3, 0.5]], dtype=torch.float64)
B = torch.tensor([[2.0, -0.4], [-0.4, 0.8]], dtype=torch.float64)
EPS = 0.5


def _exact_lightsb(bridge):
    """K = 1 with S = A^-1 C, r = b - S a: the Gaussian bridge in LightSB form."""
    p = bridge.plan
    S = torch.linalg.solve(p.cov_a, p.cross_covariance)
    S = 0.5 * (S + S.T)
    sb = LightSB(2, 1, EPS, "full")
    L = torch.linalg.cholesky(S)
    with torch.no_grad():
        sb.log_diag.copy_(2 * torch.log(L.diagonal())[None])
        sb.lower.copy_(torch.tril(L, -1)[None])
        sb.r.copy_((p.mean_b - S @ p.mean_a)[None])
    return sb, S


def test_exact_parameters_reproduce_gaussian_bridge():
    br = GaussianBridge.between([0.5, 0.0], A, [1.0, -1.0], B, eps=EPS)
    sb, S = _exact_lightsb(br)
    expected_S = torch.tensor([[1.2553, -0.3528], [-0.3528, 0.9093]], dtype=torch.float64)
    torch.testing.assert_close(S, expected_S, atol=1e-4, rtol=0)
    torch.testing.assert_close(sb.S()[0], S)
    x = torch.randn(7, 2, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
    for t in (0.0, 0.3, 0.8):
        torch.testing.assert_close(sb.drift(x, t), br.drift(x, t), atol=1e-10, rtol=1e-10)
    g = torch.Generator().manual_seed(1)
    x0 = br.plan.mean_a + torch.randn(200_000, 2, generator=g, dtype=torch.float64) @ (
        torch.linalg.cholesky(A).T
    )
    xt = sb.sample_bridge(x0, 0.3, generator=g)
    torch.testing.assert_close(torch.cov(xt.T), br.covariance(0.3), atol=2e-2, rtol=0)
    x1 = sb.sample(x0, generator=g)
    cross = torch.cov(torch.cat([x0, x1], 1).T)[:2, 2:]
    torch.testing.assert_close(cross, br.plan.cross_covariance, atol=2e-2, rtol=0)


@pytest.mark.parametrize("covariance", ["full", "diagonal"])
def test_training_recovers_the_gaussian_cross_covariance(covariance):
    torch.manual_seed(0)
    # diagonal S is well specified only for diagonal covariances (transport.md, sec. 3)
    A0, B0 = (A, B) if covariance == "full" else (A.diag().diag(), B.diag().diag())
    br = GaussianBridge.between([0.0, 0.0], A0, [0.0, 0.0], B0, eps=EPS)
    LA, LB = torch.linalg.cholesky(A0), torch.linalg.cholesky(B0)
    sb = LightSB(2, 1, EPS, covariance)
    opt = torch.optim.Adam(sb.parameters(), lr=1e-2)
    g = torch.Generator().manual_seed(2)
    for _ in range(1000):
        x0 = torch.randn(512, 2, generator=g, dtype=torch.float64) @ LA.T
        x1 = torch.randn(512, 2, generator=g, dtype=torch.float64) @ LB.T
        loss = sb.loss(x0, x1)
        opt.zero_grad()
        loss.backward()
        opt.step()
    assert math.isfinite(float(loss.detach()))
    err = (A0 @ sb.S()[0].detach() - br.plan.cross_covariance).abs().max()
    assert float(err) < 3e-2
    x0 = torch.randn(20_000, 2, generator=g, dtype=torch.float64) @ LA.T
    x1 = sb.sample(x0, generator=g)
    cross = torch.cov(torch.cat([x0, x1], 1).T)[:2, 2:]
    torch.testing.assert_close(cross, br.plan.cross_covariance, atol=5e-2, rtol=0)


def test_invalid_configuration_is_explained():
    with pytest.raises(ParameterError, match="covariance in"):
        LightSB(2, 1, 0.5, covariance="dense")


def test_init_from_target_is_the_plan_of_the_kernel_density():
    """pi(x1|x0) ∝ N(x1|x0, eps I) f(x1), f = (1/K) sum N(y_k, h^2 I): compare components
    with the mixtures benchmark's exact conditional for the same potential."""
    from sciml.solvers.transport import MixtureBenchmark

    g = torch.Generator().manual_seed(3)
    y = torch.randn(3, 2, generator=g, dtype=torch.float64) * 2
    sb = LightSB(2, 3, EPS).init_from_target(y, generator=torch.Generator().manual_seed(4))
    s = float(sb.log_diag.detach()[0, 0].exp())  # S = h^2 / (h^2 + eps) I
    h2 = EPS * s / (1 - s)
    centres = sb.r.detach() * (h2 + EPS) / EPS  # r = eps / (h^2 + eps) y_k
    torch.testing.assert_close(
        torch.sort(centres[:, 0]).values, torch.sort(y[:, 0]).values, atol=1e-12, rtol=0
    )
    assert h2 == pytest.approx(0.25 * float(y.var(0).mean()))
    bench = MixtureBenchmark(
        EPS, torch.zeros(1, 2), 1.0, torch.full((3,), -math.log(3)), centres,
        h2 * torch.eye(2, dtype=torch.float64).expand(3, 2, 2),
    )  # fmt: skip
    x0 = torch.randn(5, 2, generator=g, dtype=torch.float64)
    logw, means, P = bench.conditional(x0)
    S = sb.S().detach()
    torch.testing.assert_close(torch.log_softmax(sb._logits(x0).detach(), -1), logw)
    torch.testing.assert_close(sb.r.detach()[None] + torch.einsum("kij,nj->nki", S, x0), means)
    torch.testing.assert_close(EPS * S, P)


def test_fit_lightsb_uses_the_eps_scaled_weight_rate_and_rejects_bad_steps():
    from sciml.solvers.transport.lightsb_fit import default_lr, fit_lightsb

    assert default_lr(0.1) == pytest.approx(1e-3) and default_lr(10) == pytest.approx(6e-2)
    assert default_lr(1.0) == pytest.approx(3e-3) and 1e-3 < default_lr(0.5) < 3e-3
    sb = LightSB(2, 2, EPS)
    g = torch.Generator().manual_seed(0)
    out = fit_lightsb(
        sb,
        lambda n: torch.randn(n, 2, generator=g),
        lambda n: torch.randn(n, 2, generator=g),
        steps=3,
    )
    assert len(out["loss"]) == 3 and out["cpu_seconds"] >= 0
    with pytest.raises(ParameterError, match="at least one step"):
        fit_lightsb(sb, None, None, steps=0)


def test_full_covariance_default_rate_is_larger_at_small_eps_and_validated():
    from sciml.solvers.transport.lightsb_fit import default_lr

    assert default_lr(0.1, "full") == pytest.approx(3e-3)
    assert default_lr(1.0, "full") == pytest.approx(1e-2)
    assert default_lr(10.0, "full") == pytest.approx(default_lr(10.0))
    assert default_lr(0.01, "full") == pytest.approx(3e-3)  # clamped below eps = 0.1
    with pytest.raises(ParameterError, match="no default learning rate"):
        default_lr(1.0, "dense")


def test_fit_lightsb_default_rate_follows_the_covariance_model():
    from sciml.solvers.transport.lightsb_fit import fit_lightsb

    g = torch.Generator().manual_seed(0)

    def draw(n):
        return torch.randn(n, 2, generator=g)

    full = fit_lightsb(LightSB(2, 2, 1.0, "full"), draw, draw, steps=2)
    diag = fit_lightsb(LightSB(2, 2, 1.0, "diagonal"), draw, draw, steps=2)
    assert full["lr"] == pytest.approx(1e-2) and diag["lr"] == pytest.approx(3e-3)


def test_full_log_densities_match_a_per_component_reference():
    """log c and log v of a random full-S model against torch.distributions."""
    g = torch.Generator().manual_seed(5)
    K, d, eps = 4, 3, 0.7
    sb = LightSB(d, K, eps, "full")
    with torch.no_grad():
        sb.log_alpha.copy_(torch.randn(K, generator=g, dtype=torch.float64))
        sb.r.copy_(torch.randn(K, d, generator=g, dtype=torch.float64))
        sb.log_diag.copy_(0.3 * torch.randn(K, d, generator=g, dtype=torch.float64))
        sb.lower.copy_(0.5 * torch.randn(K, d, d, generator=g, dtype=torch.float64))
    x = torch.randn(6, d, generator=g, dtype=torch.float64)
    S = sb.S().detach()
    logw = torch.log_softmax(sb.log_alpha.detach(), 0)
    comp = torch.distributions.MultivariateNormal(sb.r.detach(), covariance_matrix=eps * S)
    ref_v = torch.logsumexp(logw + comp.log_prob(x[:, None, :]), -1)
    quad = torch.einsum("ni,kij,nj->nk", x, S, x) + 2 * x @ sb.r.detach().T
    ref_c = torch.logsumexp(logw + quad / (2 * eps), -1)
    torch.testing.assert_close(sb.log_v(x).detach(), ref_v, atol=1e-12, rtol=1e-12)
    torch.testing.assert_close(sb.log_c(x).detach(), ref_c, atol=1e-12, rtol=1e-12)


def test_benchmark_driver_defaults_per_covariance_model():
    from sciml.solvers.transport.lightsb_benchmark import run_lightsb_benchmark

    kw = {"steps": 2, "n_components": 3, "n_test": 4, "n_samples": 20}
    full = run_lightsb_benchmark(2, 0.1, covariance="full", **kw)
    diag = run_lightsb_benchmark(2, 0.1, covariance="diagonal", **kw)
    assert (full["bandwidth"], diag["bandwidth"]) == (1.0, 0.25)
    assert full["lr"] == pytest.approx(3e-3) and diag["lr"] == pytest.approx(1e-3)
    assert run_lightsb_benchmark(2, 0.1, covariance="full", bandwidth=0.5, **kw)["bandwidth"] == 0.5
