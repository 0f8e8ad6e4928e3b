"""SpectralConv against an explicit dense-matrix reference, and the kept-mode convention."""

import itertools

import numpy as np
import pytest
import torch

from sciml.core import ShapeError
from sciml.operators import SpectralConv


def kept_frequencies(n_modes):
    """Integer frequency vectors of the kept box, in the weight tensor's index order."""
    axes = [list(range(m)) + list(range(-(m - 1), 0)) for m in n_modes[:-1]]
    axes.append(list(range(n_modes[-1])))
    return axes


def dense_reference(weight: np.ndarray, n_modes, shape) -> np.ndarray:
    """The layer as a matrix (out*N) x (in*N), written from the formula
    (K v)(x) = sum_k c_k Re[(R v_hat)_k e^{2 pi i k.x / n}], c_k = 1 if k_d = 0 else 2,
    with v_hat = mean_x v(x) e^{-2 pi i k.x / n}."""
    c_in, c_out = weight.shape[:2]
    points = list(itertools.product(*(range(n) for n in shape)))
    n_pts = len(points)
    x = np.array(points, dtype=float) / np.array(shape, dtype=float)  # x_j / n_j
    mat = np.zeros((c_out * n_pts, c_in * n_pts))
    freq_axes = kept_frequencies(n_modes)
    for idx in itertools.product(*(range(len(a)) for a in freq_axes)):
        k = np.array([freq_axes[a][i] for a, i in enumerate(idx)], dtype=float)
        phase = np.exp(2j * np.pi * x @ k)  # e^{2 pi i k.x/n} at every point
        c = 1.0 if k[-1] == 0 else 2.0
        # v_hat_i(k) = (1/N) sum_x' v_i(x') conj(phase(x')); output contribution
        # c Re[ sum_i R[i, o, k] v_hat_i(k) phase(x) ]
        outer = np.outer(phase, phase.conj()) / n_pts  # (x, x')
        for i in range(c_in):
            for o in range(c_out):
                block = c * (weight[(i, o, *idx)] * outer).real
                mat[o * n_pts : (o + 1) * n_pts, i * n_pts : (i + 1) * n_pts] += block
    return mat


@pytest.mark.parametrize(
    "n_modes,shape",
    [((3,), (7,)), ((3,), (8,)), ((2, 3), (5, 6)), ((2, 2), (4, 5)), ((2, 2, 2), (4, 4, 5))],
)
def test_spectral_conv_equals_dense_matrix_reference(n_modes, shape):
    torch.manual_seed(0)
    conv = SpectralConv(2, 3, n_modes).double()
    weight = conv.weight().detach().numpy()
    mat = dense_reference(weight, n_modes, shape)
    v = torch.randn(4, 2, *shape, dtype=torch.float64)
    out = conv(v).detach().numpy().reshape(4, -1)
    expected = v.numpy().reshape(4, -1) @ mat.T
    np.testing.assert_allclose(out, expected, atol=1e-12, rtol=0)


def test_kept_modes_pass_and_dropped_modes_vanish():
    """An identity weight keeps |k| < m on every axis and removes everything else."""
    conv = SpectralConv(1, 1, (3, 3)).double()
    with torch.no_grad():
        conv.weight.weight.zero_()
        conv.weight.weight[..., 0] = 1.0  # real part 1: the identity multiplier
    n = 12
    x = torch.arange(n, dtype=torch.float64) / n
    X, Y = torch.meshgrid(x, x, indexing="ij")
    inside = torch.cos(2 * torch.pi * (2 * X - 2 * Y)) + torch.sin(2 * torch.pi * (-2 * X + Y))
    outside = torch.cos(2 * torch.pi * 3 * X) + torch.sin(2 * torch.pi * (X + 3 * Y))
    out = conv((inside + outside)[None, None])[0, 0]
    torch.testing.assert_close(out, inside, atol=1e-12, rtol=0)


def test_too_coarse_grid_is_refused_with_the_needed_size():
    conv = SpectralConv(1, 1, (8,))
    with pytest.raises(ShapeError, match=r"at least \(16,\) points"):
        conv(torch.randn(1, 1, 15))
    assert conv(torch.randn(1, 1, 16)).shape == (1, 1, 16)


def test_same_weights_any_resolution_band_limited_exact():
    """Band-limited input sampled at 16 and 40 points: the outputs are samples of one
    function (checked through the exact trigonometric interpolant at 40 points)."""
    torch.manual_seed(1)
    conv = SpectralConv(1, 2, (4,)).double()

    def f(x):
        return 1 + torch.sin(2 * torch.pi * x) + 0.3 * torch.cos(2 * torch.pi * 5 * x)

    out = {n: conv(f(torch.arange(n, dtype=torch.float64) / n)[None, None]) for n in (16, 40)}
    coarse = torch.fft.rfft(out[16], norm="forward")
    fine = torch.fft.rfft(out[40], norm="forward")
    torch.testing.assert_close(fine[..., :4], coarse[..., :4], atol=1e-13, rtol=0)
    assert fine[..., 4:].abs().max() < 1e-13
