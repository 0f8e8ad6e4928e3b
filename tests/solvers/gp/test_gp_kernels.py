"""Every kernel's lag derivatives against autograd, and the derivative blocks against
finite differences in both arguments."""

import pytest
import torch

from sciml.core import Axis, ParameterError
from sciml.solvers.gp.gram import (
    Matern52,
    SpectralMixture,
    SquaredExponential,
    derivative_blocks,
    lag_matrices,
    nyquist,
)
from sciml.solvers.gp.kernels import matern52_profile, se_profile, spectral_mixture_profile

torch.set_num_threads(1)

W = torch.tensor([0.5, 0.3, 0.2], dtype=torch.float64)
L = torch.tensor([0.7, 0.4, 1.1], dtype=torch.float64)
MU = torch.tensor([0.0, 1.3, 2.9], dtype=torch.float64)

PROFILES = {
    "se": lambda t, m: se_profile(t, 0.6, m),
    "matern52": lambda t, m: matern52_profile(t, 0.6, m),
    "sm-gaussian": lambda t, m: spectral_mixture_profile(t, W, L, MU, m, "gaussian"),
    "sm-matern52": lambda t, m: spectral_mixture_profile(t, W, L, MU, m, "matern52"),
}


@pytest.mark.parametrize("name", PROFILES)
def test_lag_derivatives_match_autograd(name):
    f = PROFILES[name]
    # avoid tau = 0 exactly: the Matern-5/2 fourth derivative has a kink there
    tau = torch.linspace(-2.0, 2.0, 40, dtype=torch.float64) + 1e-3
    analytic = f(tau, 4)
    t = tau.clone().requires_grad_()
    value = f(t, 0)[0]
    for m in range(1, 5):
        (grad,) = torch.autograd.grad(value.sum(), t, create_graph=True)
        scale = analytic[m].abs().max()
        assert torch.allclose(grad, analytic[m], atol=1e-10 * scale, rtol=1e-10), m
        value = grad


@pytest.mark.parametrize(
    "kernel",
    [
        SquaredExponential.create(0.5),
        Matern52.create(0.5),
        SpectralMixture(W.log(), L.log(), MU, "gaussian", anchor=False),
        SpectralMixture(W.log(), L.log(), MU, "matern52", anchor=False),
    ],
)
def test_derivative_blocks_match_finite_differences_in_both_arguments(kernel):
    x = torch.linspace(0.0, 1.0, 7, dtype=torch.float64)
    y = x + 0.37  # distinct second set: no tau = 0
    h = 1e-4

    def k(a, b):
        return derivative_blocks(kernel, a, b)["k"]

    b = derivative_blocks(kernel, x, y)
    fd_x = (k(x + h, y) - k(x - h, y)) / (2 * h)
    fd_y = (k(x, y + h) - k(x, y - h)) / (2 * h)
    fd_xx = (k(x + h, y) - 2 * k(x, y) + k(x - h, y)) / h**2
    fd_xy = (k(x + h, y + h) - k(x + h, y - h) - k(x - h, y + h) + k(x - h, y - h)) / (4 * h * h)

    def dxx(a, c):
        return derivative_blocks(kernel, a, c)["dxx"]

    fd_4 = (dxx(x, y + h) - 2 * dxx(x, y) + dxx(x, y - h)) / h**2
    for key, ref in [("dx", fd_x), ("dx2", fd_y), ("dxx", fd_xx), ("dxdx2", fd_xy)]:
        assert torch.allclose(b[key], ref, rtol=1e-5, atol=1e-5 * ref.abs().max()), key
    assert torch.allclose(b["dxxdx2x2"], fd_4, rtol=1e-4, atol=1e-4 * fd_4.abs().max())


def test_toeplitz_lag_gather_equals_direct_evaluation():
    ax = Axis.uniform(33, (0.0, 2.0))
    k = SpectralMixture.initial(ax, 5)
    fast = lag_matrices(k, ax.nodes, 2)
    direct = k.profile(ax.nodes[:, None] - ax.nodes[None, :], 2)
    for a, b in zip(fast, direct):
        assert torch.allclose(a, b, rtol=1e-13, atol=1e-13 * b.abs().max())


def test_initial_frequencies_are_below_nyquist():
    ax = Axis.uniform(400, (0.0, 2 * torch.pi))
    k = SpectralMixture.initial(ax, 30, max_frequency=100.0)
    assert float(k.frequencies.max()) <= 0.8 * nyquist(ax) + 1e-12
    assert abs(float(k.weights.sum()) - 1.0) < 1e-12


def test_invalid_arguments_explain_the_fix():
    with pytest.raises(ParameterError, match="Fix"):
        se_profile(torch.zeros(1), 1.0, order=5)
    with pytest.raises(ParameterError, match="envelope"):
        spectral_mixture_profile(torch.zeros(1), W, L, MU, 1, "cauchy")
    with pytest.raises(ParameterError, match="lengthscale"):
        SquaredExponential.create(-1.0)
