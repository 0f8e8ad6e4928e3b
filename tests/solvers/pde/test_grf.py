"""Gaussian random fields: the empirical covariance spectrum matches the prescribed one."""

import math

import numpy as np
import pytest
import scipy.fft
import scipy.sparse as sp

from sciml.core import Axis, TensorGrid
from sciml.solvers.pde import DirichletGRF, NeumannGRF, ParameterError, PeriodicGRF
from sciml.solvers.pde.stencils import laplacian_matrix, unit_square_grid


def prescribed(mu, alpha, tau, sigma):
    return sigma**2 * (mu + tau**2) ** (-alpha)


def test_neumann_mode_variances_match_the_covariance():
    """Coefficients recovered with an independently built cosine basis have variance
    sigma^2 (pi^2 |k|^2 + tau^2)^(-alpha), and the mean mode is absent."""
    n, alpha, tau, sigma = 8, 2.0, 3.0, 3.0
    grid = unit_square_grid(n)
    field = NeumannGRF(grid, alpha=alpha, tau=tau, sigma=sigma)
    samples = field.sample(4000, rng=7).values[:, 0].numpy()

    x = np.linspace(0.0, 1.0, n)
    k = np.arange(n)
    phi = np.sqrt(np.where(k == 0, 1.0, 2.0)) * np.cos(np.pi * np.outer(x, k))
    inv = np.linalg.inv(phi)
    coef = np.einsum("ki,nij,lj->nkl", inv, samples, inv)
    var = coef.var(axis=0)
    k1, k2 = np.meshgrid(k, k, indexing="ij")
    want = prescribed(np.pi**2 * (k1**2 + k2**2), alpha, tau, sigma)
    assert var[0, 0] < 1e-20
    ratio = var.ravel()[1:] / want.ravel()[1:]
    assert np.abs(ratio - 1).max() < 6 * math.sqrt(2 / 4000)
    assert abs(ratio.mean() - 1) < 4 * math.sqrt(2 / (4000 * ratio.size))


def test_neumann_field_is_the_fno_inverse_dct():
    """On cell-centred nodes, the FNO GRF.m recipe: s * tau^(alpha-1) (pi^2|k|^2 +
    tau^2)^(-alpha/2) xi, L(1,1) = 0, orthonormal inverse DCT-II."""
    s, alpha, tau = 16, 2.0, 3.0
    ax = Axis.uniform(s, (0.0, 1.0), offset="cell")
    field = NeumannGRF(TensorGrid((ax, ax)), alpha=alpha, tau=tau, sigma=tau ** (alpha - 1))
    xi = np.random.default_rng(0).standard_normal((s, s))
    k1, k2 = np.meshgrid(np.arange(s), np.arange(s), indexing="ij")
    coef = tau ** (alpha - 1) * (np.pi**2 * (k1**2 + k2**2) + tau**2) ** (-alpha / 2)
    L = s * coef * xi
    L[0, 0] = 0.0
    want = scipy.fft.idctn(L, type=2, norm="ortho")
    np.testing.assert_allclose(field.from_noise(xi), want, atol=1e-13)


def test_neumann_derivatives_are_exact():
    grid = unit_square_grid(33)
    field = NeumannGRF(grid, alpha=2, tau=3, sigma=1, n_modes=4)
    xi = np.zeros((4, 4))
    xi[2, 3] = 1.0
    X, Y = (m.numpy() for m in grid.mesh())
    amp = math.sqrt(field.eigenvalues()[2, 3]) * 2.0
    u_x = field.from_noise(xi, derivative=(1, 0))
    want = -amp * 2 * np.pi * np.sin(2 * np.pi * X) * np.cos(3 * np.pi * Y)
    np.testing.assert_allclose(u_x, want, atol=1e-12)


def test_dirichlet_modes_are_discrete_laplacian_eigenvectors_and_vanish_on_boundary():
    grid = unit_square_grid(10)
    field = DirichletGRF(grid, alpha=2, tau=3, sigma=3)
    assert field.noise_shape == (8, 8)
    A = laplacian_matrix(grid.shape, (1 / 9, 1 / 9))
    phi = field.basis(0)[1:-1]  # interior nodes x modes
    for k in range(8):
        v = np.kron(phi[:, k], phi[:, 0])
        Av = A @ v
        lam = v @ Av / (v @ v)
        np.testing.assert_allclose(Av, lam * v, atol=1e-9 * abs(lam))
    u = field.sample(3, rng=0).values.numpy()
    assert np.abs(u[..., [0, -1], :]).max() < 1e-13 and np.abs(u[..., :, [0, -1]]).max() < 1e-13
    assert np.abs(u).max() > 0.1


@pytest.mark.parametrize("shape", [(16, 16), (15,), (12, 10)])
def test_periodic_spectrum_matches_the_covariance(shape):
    """E|FFT(g)_k|^2 / S^2 = lambda_k / V for every mode of the grid, Nyquist included."""
    alpha, tau, sigma, n = 2.5, 7.0, 7.0**0.75, 3000
    grid = TensorGrid.uniform(shape, periodic=True)
    g = PeriodicGRF(grid, alpha=alpha, tau=tau, sigma=sigma).sample(n, rng=3).values[:, 0]
    axes = tuple(range(1, len(shape) + 1))
    power = (np.abs(np.fft.fftn(g.numpy(), axes=axes)) ** 2).mean(0) / grid.size**2
    mu = sum(
        np.reshape(
            (2 * np.pi * np.fft.fftfreq(s, 1 / s)) ** 2,
            [-1 if i == d else 1 for i in range(len(shape))],
        )
        for d, s in enumerate(shape)
    )
    want = prescribed(mu, alpha, tau, sigma)
    flat_power, flat_want = power.ravel(), want.ravel()
    assert flat_power[0] < 1e-25  # zero mean
    ratio = flat_power[1:] / flat_want[1:]
    assert np.abs(ratio - 1).max() < 6 * math.sqrt(2 / n)
    assert abs(ratio.mean() - 1) < 0.02


def test_burgers_initial_field_has_variance_625_spectrum():
    """The FNO Burgers field N(0, 625 (-Laplacian + 25 I)^-2): pointwise variance is the sum
    of the covariance eigenvalues over the represented modes."""
    grid = TensorGrid.uniform((256,), periodic=True)
    field = PeriodicGRF(grid, alpha=2, tau=5, sigma=25)
    m = np.fft.fftfreq(256, 1 / 256)
    lam = np.where(m == 0, 0.0, 625.0 * ((2 * np.pi * m) ** 2 + 25.0) ** (-2))
    np.testing.assert_allclose(field.eigenvalues(), lam, rtol=1e-13)
    u = field.sample(2000, rng=11).values.numpy()
    assert u.var() == pytest.approx(lam.sum(), rel=0.05)


def test_samples_do_not_depend_on_batch_size_or_start():
    field = NeumannGRF(unit_square_grid(9), alpha=2, tau=3, sigma=3)
    big = field.sample(6, rng=5).values
    assert np.array_equal(field.sample(3, rng=5).values, big[:3])
    assert np.array_equal(field.sample(2, rng=5, start=4).values, big[4:])
    assert not np.array_equal(field.sample(1, rng=6).values, big[:1])


def test_invalid_field_parameters_explain_the_fix():
    grid = TensorGrid.uniform((8,), periodic=True)
    with pytest.raises(ParameterError, match="Fix:"):
        PeriodicGRF(grid, alpha=-1, tau=3, sigma=1)
    with pytest.raises(ParameterError, match="tau > 0, or zero_mean"):
        PeriodicGRF(grid, alpha=2, tau=0, sigma=1, zero_mean=False)
    with pytest.raises(ValueError, match="Fix:"):
        NeumannGRF(grid, alpha=2, tau=3, sigma=1)  # periodic axis
    with pytest.raises(ValueError, match="Fix:"):
        PeriodicGRF(unit_square_grid(5), alpha=2, tau=3, sigma=1)  # not periodic
    assert sp.issparse(laplacian_matrix((4, 4), (1.0, 1.0)))
