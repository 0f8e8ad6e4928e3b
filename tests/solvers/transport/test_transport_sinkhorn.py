"""Own torch Sinkhorn: agreement with POT, both methods, batching, precision, gradients,
zero weights, tiny reg, non-convergence status, memory guard, online path."""

import ot
import pytest
import torch

from sciml.core import ParameterError, ShapeError, Status
from sciml.solvers.transport import cost_matrix, sinkhorn, sinkhorn_online
from sciml.solvers.transport._checks import MAX_DENSE_ENTRIES


def _problem(n=40, m=30, d=2, seed=0, dtype=torch.float64):
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(n, d, generator=g, dtype=dtype)
    y = torch.randn(m, d, generator=g, dtype=dtype) + 1.0
    a = torch.rand(n, generator=g, dtype=dtype) + 0.1
    b = torch.rand(m, generator=g, dtype=dtype) + 0.1
    return x, y, a / a.sum(), b / b.sum()


@pytest.mark.parametrize("method", ["log", "scaling"])
def test_plan_and_values_match_pot(method):
    x, y, a, b = _problem()
    C = cost_matrix(x, y)
    reg = 0.1 * float(C.median())
    sol = sinkhorn(a, b, C, reg, method=method)
    assert sol.status is Status.SUCCESS
    P_ref = ot.sinkhorn(a, b, C, reg, method="sinkhorn_log", stopThr=1e-13, numItermax=10**5)
    r = sol.value
    torch.testing.assert_close(r.plan, P_ref, atol=1e-10, rtol=1e-7)
    torch.testing.assert_close(r.value_linear, (P_ref * C).sum(), atol=1e-10, rtol=1e-9)
    mask = P_ref > 0
    kl = (P_ref[mask] * (P_ref[mask] / (a[:, None] * b[None])[mask]).log()).sum()
    torch.testing.assert_close(r.value, (P_ref * C).sum() + reg * kl, atol=1e-9, rtol=1e-9)
    assert float(r.marginal_error) <= 1e-9
    assert sol.stats["iterations"] <= 150


def test_batched_matches_loop_and_float32():
    xs, ys, As, Bs = zip(*[_problem(seed=s) for s in range(3)])
    C = torch.stack([cost_matrix(x, y) for x, y in zip(xs, ys)])
    a, b = torch.stack(As), torch.stack(Bs)
    batch = sinkhorn(a, b, C, 0.5).value
    assert batch.plan.shape == (3, 40, 30) and batch.value.shape == (3,)
    for k in range(3):
        single = sinkhorn(a[k], b[k], C[k], 0.5).value
        torch.testing.assert_close(batch.value[k], single.value, atol=1e-7, rtol=0)
    for method in ("log", "scaling"):
        sol32 = sinkhorn(a.float(), b.float(), C.float(), 0.5, method=method)
        assert sol32.ok and sol32.value.plan.dtype == torch.float32
        torch.testing.assert_close(sol32.value.value.double(), batch.value, atol=1e-5, rtol=1e-5)


def test_gradient_wrt_points_matches_finite_differences():
    x, y, a, b = _problem(n=12, m=10)
    reg = 0.3

    def value(xx):
        return sinkhorn(a, b, cost_matrix(xx, y), reg, atol=1e-13).value.value

    xg = x.clone().requires_grad_(True)
    (grad,) = torch.autograd.grad(value(xg), xg)
    h = 1e-6
    fd = torch.zeros_like(x)
    for i in range(x.shape[0]):
        for j in range(x.shape[1]):
            e = torch.zeros_like(x)
            e[i, j] = h
            fd[i, j] = (value(x + e) - value(x - e)) / (2 * h)
    torch.testing.assert_close(grad, fd, atol=1e-7, rtol=1e-6)


def test_unrolled_and_envelope_gradients_agree():
    x, y, a, b = _problem(n=10, m=8)
    grads = []
    for mode in ("envelope", "unroll"):
        xg = x.clone().requires_grad_(True)
        v = sinkhorn(a, b, cost_matrix(xg, y), 0.5, atol=1e-12, grad=mode).value.value
        grads.append(torch.autograd.grad(v, xg)[0])
    torch.testing.assert_close(grads[0], grads[1], atol=1e-8, rtol=1e-6)


@pytest.mark.parametrize("method", ["log", "scaling"])
@pytest.mark.parametrize("reg", [0.5, 1e-5])
def test_zero_weights_and_tiny_reg_give_no_nan(method, reg):
    x, y, a, b = _problem()
    a = a.clone()
    a[:5] = 0.0
    a = (a / a.sum()).requires_grad_(True)
    xg = x.clone().requires_grad_(True)
    sol = sinkhorn(a, b, cost_matrix(xg, y), reg, method=method, max_iter=300)
    r = sol.value
    # tiny reg may hit max_iter (Sinkhorn needs ~1/reg iterations), but never NaN
    assert sol.ok if reg == 0.5 else sol.status in (Status.SUCCESS, Status.MAX_ITERATIONS)
    assert torch.isfinite(r.marginal_error)
    assert torch.isfinite(r.plan).all() and torch.isfinite(r.value)
    assert (r.plan[:5] == 0).all()
    ga, gx = torch.autograd.grad(r.value, (a, xg))
    assert torch.isfinite(ga).all() and torch.isfinite(gx).all()
    if reg == 0.5:
        torch.testing.assert_close(r.plan.sum(0), b, atol=1e-8, rtol=0)


@pytest.mark.parametrize("method", ["log", "scaling"])
@pytest.mark.parametrize("max_iter", [5, 60])
def test_non_convergence_is_reported(method, max_iter):
    x, y, a, b = _problem()
    sol = sinkhorn(a, b, cost_matrix(x, y), 1e-3, max_iter=max_iter, method=method)
    assert sol.status is Status.MAX_ITERATIONS and not sol.ok
    assert sol.stats["iterations"] == max_iter
    r = sol.value
    assert torch.isfinite(r.plan).all() and torch.isfinite(r.value)
    rows = (r.plan.sum(1) - a).abs().sum() + (r.plan.sum(0) - b).abs().sum()
    assert 0 < float(rows) < 2.0
    with pytest.raises(Exception, match="max_iter"):
        sol.raise_for_status()


def test_input_errors_are_explained():
    x, y, a, b = _problem()
    C = cost_matrix(x, y)
    with pytest.raises(ParameterError, match="reg > 0"):
        sinkhorn(a, b, C, 0.0)
    with pytest.raises(ShapeError, match="weights a"):
        sinkhorn(a[:-1], b, C, 1.0)
    with pytest.raises(ParameterError, match="equal positive masses"):
        sinkhorn(2 * a, b, C, 1.0)


def test_memory_guard_points_to_the_online_path():
    n = int(MAX_DENSE_ENTRIES**0.5) + 1
    C = torch.empty(0).new_zeros(1).expand(n * n).reshape(n, n)  # a view, no memory
    with pytest.raises(ParameterError, match="sinkhorn_online"):
        sinkhorn(None, None, C, 1.0)


def test_online_path_matches_dense_values_and_potentials():
    x, y, a, b = _problem(n=50, m=35)
    dense = sinkhorn(a, b, cost_matrix(x, y), 0.5, atol=1e-12).value
    online = sinkhorn_online(x, y, 0.5, a=a, b=b, block=7, atol=1e-12)
    assert online.ok and online.stats["marginal_error"] <= 1e-12
    r = online.value
    torch.testing.assert_close(r.f + r.g.mean(), dense.f + dense.g.mean(), atol=1e-9, rtol=0)
    torch.testing.assert_close(r.value, dense.value, atol=1e-10, rtol=1e-10)


def test_online_gradients_match_dense_autograd():
    x, y, a, b = _problem(n=30, m=25)
    grads = []
    for solve in ("dense", "online"):
        xs, ys, as_, bs = (t.clone().requires_grad_(True) for t in (x, y, a, b))
        if solve == "dense":
            value = sinkhorn(as_, bs, cost_matrix(xs, ys), 0.3, atol=1e-13).value.value
        else:
            value = sinkhorn_online(xs, ys, 0.3, a=as_, b=bs, block=4, atol=1e-13).value.value
        grads.append(torch.autograd.grad(value, (xs, ys, as_, bs)))
    for g_dense, g_online in zip(grads[0][:2], grads[1][:2]):
        torch.testing.assert_close(g_online, g_dense, atol=1e-9, rtol=1e-8)
    # potentials are defined up to (f + c, g - c): the weight gradients agree up to that c
    shift_a, shift_b = grads[1][2] - grads[0][2], grads[1][3] - grads[0][3]
    torch.testing.assert_close(shift_a, shift_a.mean().expand_as(shift_a), atol=1e-9, rtol=0)
    torch.testing.assert_close(shift_b, -shift_a.mean().expand_as(shift_b), atol=1e-9, rtol=0)
    # the gradient in x is the barycentric displacement 2 (a_i x_i - sum_j P_ij y_j)
    P = sinkhorn(a, b, cost_matrix(x, y), 0.3, atol=1e-13).value.plan
    torch.testing.assert_close(grads[1][0], 2 * (a[:, None] * x - P @ y), atol=1e-9, rtol=0)


def test_online_runs_the_dense_log_iterations_with_eps_scaling():
    x, y, a, b = _problem(n=60, m=60)
    reg = 2e-3 * float(cost_matrix(x, y).median())
    online = {
        ratio: sinkhorn_online(x, y, reg, a=a, b=b, eps_scaling=ratio, max_iter=20000, atol=1e-6)
        for ratio in (0.5, None)
    }
    assert online[0.5].ok and online[None].ok
    assert len(online[0.5].stats["eps_schedule"]) > 5
    assert online[0.5].stats["iterations"] < online[None].stats["iterations"]
    dense = sinkhorn(a, b, cost_matrix(x, y), reg, eps_scaling=None, max_iter=20000, atol=1e-6)
    assert online[None].stats["iterations"] == dense.stats["iterations"]
    torch.testing.assert_close(online[0.5].value.value, dense.value.value, rtol=1e-6, atol=0)


@pytest.mark.parametrize("method", ["log", "scaling"])
def test_overrelaxation_converges_to_the_same_plan_in_fewer_iterations(method):
    g = torch.Generator().manual_seed(3)
    x, y = torch.randn(400, 2, generator=g), 1.0 + 2**0.5 * torch.randn(400, 2, generator=g)
    C = cost_matrix(x, y).double()
    reg = 0.05 * float(C.median())
    classical = sinkhorn(None, None, C, reg, method=method, overrelax=1.0)
    relaxed = sinkhorn(None, None, C, reg, method=method)
    assert classical.ok and relaxed.ok and relaxed.stats["overrelax"] == 1.5
    assert relaxed.stats["iterations"] < 0.7 * classical.stats["iterations"]
    P = relaxed.value.plan  # both marginals within the tolerance the solver reports
    err = (P.sum(1) - 1 / 400).abs().sum() + (P.sum(0) - 1 / 400).abs().sum()
    assert float(err) <= 1e-9 and float(err) <= 1.01 * relaxed.stats["marginal_error"] + 1e-15
    torch.testing.assert_close(P, classical.value.plan, atol=1e-9, rtol=0)


def test_overrelaxation_safeguard_falls_back_to_classical():
    from sciml.solvers.transport.sinkhorn import _Relaxation

    relax = _Relaxation(1.8)
    assert relax.accept(torch.tensor([1.0])) and relax.accept(torch.tensor([0.01]))
    assert not relax.accept(torch.tensor([100.0])) and relax.omega == 1.0
    assert not _Relaxation(1.8).accept(torch.tensor([float("nan")]))
    with pytest.raises(ParameterError, match="overrelax"):
        sinkhorn(None, None, torch.eye(3), 0.1, overrelax=2.0)
    with pytest.raises(ParameterError, match="overrelax"):
        sinkhorn_online(torch.zeros(3, 1), torch.ones(3, 1), 0.1, overrelax=0.0)


def test_online_path_explains_bad_point_clouds():
    with pytest.raises(ShapeError, match="same dimension"):
        sinkhorn_online(torch.zeros(3, 2), torch.zeros(4, 3), 0.1)
    with pytest.raises(ParameterError, match="NaN"):
        sinkhorn_online(torch.full((3, 2), float("nan")), torch.zeros(4, 2), 0.1)
