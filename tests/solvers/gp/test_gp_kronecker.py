"""Kronecker algebra against dense torch.kron on small grids (<= 1e-10)."""

import math

import pytest
import torch

from sciml.core import Axis, ShapeError
from sciml.solvers.gp.gram import SpectralMixture, lag_matrices
from sciml.solvers.gp.kronecker import KroneckerGram, apply_along

torch.set_num_threads(1)


def _factors(sizes, jitter=1e-3):
    out, cross = [], []
    for i, n in enumerate(sizes):
        ax = Axis.uniform(n, (0.0, 1.0 + 0.3 * i))
        k0, _, k2 = lag_matrices(SpectralMixture.initial(ax, 4, lengthscale=0.3), ax.nodes, 2)
        out.append(k0 + jitter * torch.eye(n, dtype=torch.float64))
        cross.append(k2)
    return out, cross


def _dense(mats):
    d = mats[0]
    for m in mats[1:]:
        d = torch.kron(d, m)
    return d


@pytest.mark.parametrize("sizes", [(7, 5), (4, 6, 3)])
def test_solve_logdet_quad_matvec_match_dense(sizes):
    factors, _ = _factors(sizes)
    K = KroneckerGram(factors)
    dense = _dense(factors)
    u = torch.randn(*sizes, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
    ref = torch.linalg.solve(dense, u.reshape(-1))
    assert torch.allclose(K.solve(u).reshape(-1), ref, rtol=0, atol=1e-10 * ref.abs().max())
    assert abs(float(K.logdet() - torch.linalg.slogdet(dense)[1])) <= 1e-10 * math.prod(sizes)
    assert abs(float(K.quad(u) - u.reshape(-1) @ ref)) <= 1e-10 * abs(float(u.reshape(-1) @ ref))
    mv = dense @ u.reshape(-1)
    assert torch.allclose(K.matvec(u).reshape(-1), mv, rtol=0, atol=1e-12 * mv.abs().max())
    assert K.jitter == (0.0,) * len(sizes)


def test_per_axis_derivative_matches_dense_conditional_mean():
    factors, cross = _factors((6, 5))
    K = KroneckerGram(factors)
    u = torch.randn(6, 5, dtype=torch.float64, generator=torch.Generator().manual_seed(1))
    ref = torch.kron(cross[0], factors[1]) @ torch.linalg.solve(_dense(factors), u.reshape(-1))
    got = K.derivative(u, 0, cross[0]).reshape(-1)
    assert torch.allclose(got, ref, rtol=0, atol=1e-10 * ref.abs().max())
    ref_y = torch.kron(factors[0], cross[1]) @ torch.linalg.solve(_dense(factors), u.reshape(-1))
    got_y = K.derivative(u, 1, cross[1]).reshape(-1)
    assert torch.allclose(got_y, ref_y, rtol=0, atol=1e-10 * ref_y.abs().max())


def test_singular_factor_gets_explicit_reported_jitter_not_clamping():
    v = torch.tensor([1.0, 2.0, 3.0], dtype=torch.float64)
    singular = torch.outer(v, v)  # rank one, eigenvalues (0, 0, 14)
    spd = torch.eye(2, dtype=torch.float64) * 2.0
    K = KroneckerGram([singular, spd], rtol=1e-8)
    delta = K.jitter[0]
    assert delta > 0 and K.jitter[1] == 0.0
    jittered = singular + delta * torch.eye(3, dtype=torch.float64)
    dense = torch.kron(jittered, spd)
    assert abs(float(K.logdet() - torch.linalg.slogdet(dense)[1])) < 1e-8


def test_apply_along_and_shape_errors():
    m = torch.arange(6.0, dtype=torch.float64).reshape(3, 2)
    u = torch.ones(4, 2, dtype=torch.float64)
    assert apply_along(m, u, 1).shape == (4, 3)
    K = KroneckerGram([torch.eye(2, dtype=torch.float64)] * 2)
    with pytest.raises(ShapeError, match="Fix"):
        K.solve(torch.ones(3, 2, dtype=torch.float64))
    with pytest.raises(ShapeError):
        KroneckerGram([torch.ones(2, 3, dtype=torch.float64)])


def test_gpytorch_cross_check_of_the_solve():
    linear_operator = pytest.importorskip("linear_operator")
    from linear_operator.operators import DenseLinearOperator, KroneckerProductLinearOperator

    factors, _ = _factors((5, 4), jitter=1e-1)
    op = KroneckerProductLinearOperator(*(DenseLinearOperator(f) for f in factors))
    u = torch.randn(20, 1, dtype=torch.float64, generator=torch.Generator().manual_seed(2))
    ref = op.solve(u).reshape(5, 4)
    assert torch.allclose(KroneckerGram(factors).solve(u.reshape(5, 4)), ref, atol=1e-10)
    del linear_operator
