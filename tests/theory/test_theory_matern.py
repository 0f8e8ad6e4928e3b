"""Matérn kernels: closed forms, positive definiteness, interpolation at the nodes."""

import numpy as np
import pytest

from sciml.core import ParameterError
from sciml.theory.matern import kernel_interpolant, matern


@pytest.mark.parametrize("nu", [0.5, 1.5, 2.5])
def test_matern_is_a_positive_definite_unit_kernel(nu):
    x = np.random.default_rng(0).random((30, 2))
    k = matern(x, x, nu=nu, lengthscale=0.3)
    assert np.allclose(np.diag(k), 1.0) and np.allclose(k, k.T)
    assert np.linalg.eigvalsh(k).min() > 0


def test_matern_32_closed_form_and_interpolation():
    r = 0.7
    k = matern(np.zeros((1, 1)), np.full((1, 1), r), nu=1.5, lengthscale=0.5)[0, 0]
    s = np.sqrt(3) * r / 0.5
    assert k == pytest.approx((1 + s) * np.exp(-s), rel=1e-14)
    x = np.linspace(0, 1, 9)[:, None]
    y = np.cos(3 * x[:, 0])
    assert np.allclose(kernel_interpolant(x, y, x, nu=2.5, lengthscale=0.5), y, atol=1e-9)
    with pytest.raises(ParameterError, match="Matérn"):
        matern(x, x, nu=1.0)
