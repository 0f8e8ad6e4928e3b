"""Feature maps: orthonormality under Gauss quadrature, index sets, shapes and errors."""

import numpy as np
import pytest
from numpy.polynomial.chebyshev import chebgauss
from numpy.polynomial.legendre import leggauss

from sciml.core import Domain, ParameterError, ShapeError
from sciml.theory.bases import (
    Chebyshev,
    Fourier,
    Legendre,
    RandomFourierFeatures,
    TensorBasis,
    tensor_index_set,
    total_degree_index_set,
)


def _gram(phi, w):
    return phi.T @ (phi * w[:, None])


@pytest.mark.parametrize("interval", [(-1.0, 1.0), (0.0, 3.0)])
def test_legendre_is_orthonormal_for_the_uniform_probability_measure(interval):
    a, b = interval
    t, w = leggauss(30)
    x = 0.5 * (a + b) + 0.5 * (b - a) * t
    phi = Legendre(12, Domain([interval])).evaluate(x)
    assert np.allclose(_gram(phi, w / 2), np.eye(12), atol=1e-12)


def test_chebyshev_is_orthonormal_for_the_arcsine_measure():
    t, w = chebgauss(30)
    phi = Chebyshev(12).evaluate(t)
    assert np.allclose(_gram(phi, w / np.pi), np.eye(12), atol=1e-12)


def test_fourier_is_orthonormal_for_the_uniform_measure():
    x = np.arange(64) / 64  # trapezoid on a periodic grid is exact for degree < 64
    phi = Fourier(11, (0.0, 1.0)).evaluate(x)
    assert np.allclose(_gram(phi, np.full(64, 1 / 64)), np.eye(11), atol=1e-12)


@pytest.mark.parametrize("indices", [tensor_index_set((3, 4)), total_degree_index_set(2, 4)])
def test_tensor_basis_is_orthonormal_for_the_product_measure(indices):
    t, w = leggauss(12)
    u, c = chebgauss(12)
    x = np.stack(np.meshgrid(t, u, indexing="ij"), -1).reshape(-1, 2)
    weights = np.outer(w / 2, c / np.pi).reshape(-1)
    basis = TensorBasis([Legendre(5), Chebyshev(5)], indices)
    assert np.allclose(_gram(basis.evaluate(x), weights), np.eye(len(indices)), atol=1e-12)
    assert basis.domain.ndim == 2


def test_index_sets():
    assert len(total_degree_index_set(3, 4)) == 35  # binom(7, 3)
    assert len(tensor_index_set((2, 3, 4))) == 24
    assert total_degree_index_set(2, 3).sum(axis=1).max() == 3


def test_random_fourier_features_approximate_the_gaussian_kernel():
    rff = RandomFourierFeatures(Domain([(0, 1), (0, 1)]), 20000, 0.4, rng=np.random.default_rng(3))
    x = np.random.default_rng(4).random((5, 2))
    phi = rff.evaluate(x)
    exact = np.exp(-((x[:, None] - x[None]) ** 2).sum(-1) / (2 * 0.4**2))
    assert phi.shape == (5, 20000)
    assert np.abs(phi @ phi.T - exact).max() < 0.05


def test_errors_say_what_was_expected():
    with pytest.raises(ParameterError, match="positive integer"):
        Legendre(0)
    with pytest.raises(ShapeError, match=r"\(n, 2\)"):
        TensorBasis([Legendre(2), Legendre(2)], tensor_index_set((2, 2))).evaluate(np.zeros(3))
    with pytest.raises(ParameterError, match="too few functions"):
        TensorBasis([Legendre(2), Legendre(2)], tensor_index_set((3, 2)))
    with pytest.raises(ParameterError, match="1-D domain"):
        Legendre(3, Domain([(0, 1), (0, 1)]))
