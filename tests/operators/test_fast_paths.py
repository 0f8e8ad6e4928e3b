"""The FNO's fast paths compute the same numbers as the plain formulas: truncated FFTs,
dense DFT matrices, the real-arithmetic mode contraction (values and gradients) and the
channels-first MLP."""

import pytest
import torch

from sciml.operators import dft
from sciml.operators.dft import dense_irfftn, dense_rfftn, use_dense_dft
from sciml.operators.mlp import MLP, PointwiseMLP, pointwise_linear
from sciml.operators.spectral_conv import (
    SpectralConv,
    contract_modes,
    contract_real_modes,
    gather_modes,
    scatter_modes,
    truncated_irfftn,
    truncated_rfftn,
)

CASES = [((3,), (7,)), ((4,), (8,)), ((2, 3), (5, 6)), ((3, 4), (9, 8)), ((2, 2, 3), (4, 5, 7))]


@pytest.mark.parametrize("n_modes,shape", CASES)
def test_truncated_transforms_equal_full_transforms(n_modes, shape):
    gen = torch.Generator().manual_seed(0)
    d = len(shape)
    dims = tuple(range(2, 2 + d))
    x = torch.randn(2, 3, *shape, generator=gen, dtype=torch.float64)
    full = gather_modes(torch.fft.rfftn(x, dim=dims, norm="forward"), n_modes)
    torch.testing.assert_close(truncated_rfftn(x, n_modes), full, atol=1e-14, rtol=0)
    z = torch.randn(full.shape, generator=gen, dtype=torch.complex128)
    spectrum = scatter_modes(z, n_modes, shape)
    ref = torch.fft.irfftn(spectrum, s=shape, dim=dims, norm="forward")
    torch.testing.assert_close(truncated_irfftn(z, n_modes, shape), ref, atol=1e-13, rtol=0)


@pytest.mark.parametrize("kept", [(5,), (5, 3), (3, 3, 2)])
def test_contraction_values_and_gradients_equal_complex_einsum(kept):
    gen = torch.Generator().manual_seed(1)
    s = "xyz"[: len(kept)]
    z = torch.randn(4, 3, *kept, generator=gen, dtype=torch.complex128, requires_grad=True)
    w = torch.randn(3, 2, *kept, generator=gen, dtype=torch.complex128, requires_grad=True)
    g = torch.randn(4, 2, *kept, generator=gen, dtype=torch.complex128)
    ref = torch.einsum(f"bi{s},io{s}->bo{s}", z, w)
    ref_grads = torch.autograd.grad(ref, (z, w), g)
    out = contract_modes(z, w)
    grads = torch.autograd.grad(out, (z, w), g)
    torch.testing.assert_close(out, ref, atol=1e-13, rtol=0)
    for a, b in zip(grads, ref_grads):
        torch.testing.assert_close(a, b, atol=1e-13, rtol=0)


@pytest.mark.parametrize("grid", [(), (7,), (5, 6), (3, 4, 5)])
def test_pointwise_mlp_equals_mlp_on_channels_last(grid):
    torch.manual_seed(2)
    layer = PointwiseMLP(3, 2, hidden=(5,)).double()
    x = torch.randn(4, 3, *grid, dtype=torch.float64)
    ref = torch.movedim(layer.mlp(torch.movedim(x, 1, -1)), -1, 1)
    torch.testing.assert_close(layer(x), ref, atol=1e-14, rtol=0)
    assert isinstance(layer.mlp, MLP)  # same parameters, so checkpoints are unchanged


DENSE_CASES = [
    ((3,), (7,)),
    ((4,), (8,)),
    ((2, 3), (5, 6)),
    ((3, 4), (9, 8)),
    ((4, 4), (8, 11)),
    ((2, 2, 3), (4, 5, 7)),
    ((2, 3, 2), (6, 7, 4)),
]
TOL = {torch.float64: 1e-12, torch.float32: 2e-5}


@pytest.mark.parametrize("dtype", [torch.float64, torch.float32])
@pytest.mark.parametrize("n_modes,shape", DENSE_CASES)
def test_dense_transforms_equal_fft_values_and_gradients(n_modes, shape, dtype):
    """dense_rfftn/dense_irfftn against rfftn/irfftn of the zero-filled spectrum."""
    gen = torch.Generator().manual_seed(3)
    d = len(shape)
    dims = tuple(range(2, 2 + d))
    tol = TOL[dtype]
    x = torch.randn(2, 3, *shape, generator=gen, dtype=torch.float64).to(dtype)
    x.requires_grad_(True)
    full = gather_modes(torch.fft.rfftn(x, dim=dims, norm="forward"), n_modes)
    ref = torch.stack([full.real, full.imag]).permute(0, *range(3, 3 + d), 1, 2)
    dense = dense_rfftn(x, n_modes)
    assert dense.shape == (2, *full.shape[2:], 2, 3) and dense.dtype == dtype
    torch.testing.assert_close(dense, ref, atol=tol, rtol=0)
    g = torch.randn(ref.shape, generator=gen, dtype=torch.float64).to(dtype)
    (gx_ref,) = torch.autograd.grad(ref, x, g)
    (gx,) = torch.autograd.grad(dense, x, g)
    torch.testing.assert_close(gx, gx_ref, atol=tol, rtol=0)

    y = torch.randn(ref.shape, generator=gen, dtype=torch.float64).to(dtype)
    y.requires_grad_(True)
    z = torch.complex(y[0], y[1]).permute(d, d + 1, *range(d))  # (B, C, *K)
    out_ref = torch.fft.irfftn(scatter_modes(z, n_modes, shape), s=shape, dim=dims, norm="forward")
    out = dense_irfftn(y, n_modes, shape)
    assert out.shape == (2, 3, *shape) and out.dtype == dtype
    torch.testing.assert_close(out, out_ref, atol=tol, rtol=0)
    h = torch.randn(out.shape, generator=gen, dtype=torch.float64).to(dtype)
    (gy_ref,) = torch.autograd.grad(out_ref, y, h)
    (gy,) = torch.autograd.grad(out, y, h)
    torch.testing.assert_close(gy, gy_ref, atol=tol, rtol=0)


def test_dense_irfftn_ignores_imaginary_part_of_real_frequencies():
    """irfft keeps only the real part of the zero frequency of the last axis: so must the
    dense inverse (the sine row of k = 0 vanishes)."""
    y = torch.zeros(2, 1, 1, 1, dtype=torch.float64)
    y[1] = 5.0
    torch.testing.assert_close(dense_irfftn(y, (1,), (6,)), torch.zeros(1, 1, 6).double())


def test_real_contraction_equals_complex_einsum_values_and_gradients():
    gen = torch.Generator().manual_seed(4)
    zr = torch.randn(2, 3, 2, 4, 5, generator=gen, dtype=torch.float64, requires_grad=True)
    w = torch.randn(5, 6, 3, 2, generator=gen, dtype=torch.complex128, requires_grad=True)
    g = torch.randn(2, 3, 2, 4, 6, generator=gen, dtype=torch.float64)
    z = torch.complex(zr[0], zr[1])
    ref = torch.einsum("xybi,ioxy->xybo", z, w)
    ref = torch.stack([ref.real, ref.imag])
    out = contract_real_modes(zr, w)
    torch.testing.assert_close(out, ref, atol=1e-13, rtol=0)
    for a, b in zip(torch.autograd.grad(out, (zr, w), g), torch.autograd.grad(ref, (zr, w), g)):
        torch.testing.assert_close(a, b, atol=1e-13, rtol=0)


def _fft_conv(conv, x):
    """SpectralConv by the plain formula: full rfftn, complex einsum, full irfftn."""
    shape = tuple(x.shape[2:])
    dims = tuple(range(2, x.ndim))
    s = "xyz"[: conv.ndim]
    x_ft = gather_modes(torch.fft.rfftn(x, dim=dims, norm="forward"), conv.n_modes)
    y = torch.einsum(f"bi{s},io{s}->bo{s}", x_ft, conv.weight().to(x_ft.dtype))
    spectrum = scatter_modes(y, conv.n_modes, shape)
    return torch.fft.irfftn(spectrum, s=shape, dim=dims, norm="forward")


@pytest.mark.parametrize("dtype", [torch.float64, torch.float32])
@pytest.mark.parametrize(
    "n_modes,shape",
    [
        ((5,), (12,)),
        ((5,), (1024,)),
        ((16,), (32,)),
        ((4, 3), (8, 9)),
        ((6, 6), (12, 33)),
        ((16, 3), (32, 7)),
        ((2, 3, 2), (5, 7, 4)),
    ],
)
def test_spectral_conv_equals_plain_formula_values_and_gradients(n_modes, shape, dtype):
    """Whichever path the layer takes (FFT for 16 modes on 32 points, dense otherwise, by
    use_dense_dft), output and gradients equal the plain FFT formula."""
    torch.manual_seed(5)
    conv = SpectralConv(3, 2, n_modes)
    conv.to(dtype)
    x = torch.randn(2, 3, *shape, dtype=dtype, requires_grad=True)
    g = torch.randn(2, 2, *shape, dtype=dtype)
    params = (x, *conv.parameters())
    out, ref = conv(x), _fft_conv(conv, x)
    tol = TOL[dtype]
    torch.testing.assert_close(out, ref, atol=tol, rtol=0)
    for a, b in zip(torch.autograd.grad(out, params, g), torch.autograd.grad(ref, params, g)):
        torch.testing.assert_close(a, b, atol=tol, rtol=0)


def test_dense_and_fft_paths_agree_and_the_rule_picks_both(monkeypatch):
    """Forcing either path gives the same layer; the rule takes the dense path for few
    modes on a small grid and the FFT for many modes."""
    assert use_dense_dft((32, 32), (12, 12)) and not use_dense_dft((64, 64), (32, 32))
    assert not use_dense_dft((32, 7), (16, 3))
    torch.manual_seed(6)
    conv = SpectralConv(2, 2, (4, 5)).double()
    x = torch.randn(3, 2, 10, 12, dtype=torch.float64)
    monkeypatch.setattr(dft, "DENSE_DFT_RATIO", 1e9)
    dense = conv(x)
    monkeypatch.setattr(dft, "DENSE_DFT_RATIO", 0.0)
    fft = conv(x)
    torch.testing.assert_close(dense, fft, atol=1e-13, rtol=0)


def test_zero_shot_on_two_resolutions_gives_samples_of_one_function():
    """The dense matrices depend on the grid: one layer evaluated at 16 and 48 points per
    axis on a band-limited input gives samples of one function (compare at shared
    nodes)."""
    torch.manual_seed(7)
    conv = SpectralConv(1, 1, (3, 3)).double()

    def field(n):
        t = torch.arange(n, dtype=torch.float64) / n
        return (torch.cos(2 * torch.pi * t)[:, None] * torch.sin(4 * torch.pi * t)[None, :])[
            None, None
        ]

    coarse, fine = conv(field(16)), conv(field(48))
    torch.testing.assert_close(fine[..., ::3, ::3], coarse, atol=1e-12, rtol=0)


@pytest.mark.parametrize("grid", [(), (7,), (5, 6), (3, 4, 5)])
def test_pointwise_linear_equals_linear_on_channels_last_with_gradients(grid):
    gen = torch.Generator().manual_seed(8)
    x = torch.randn(4, 3, *grid, generator=gen, dtype=torch.float64, requires_grad=True)
    w = torch.randn(2, 3, generator=gen, dtype=torch.float64, requires_grad=True)
    b = torch.randn(2, generator=gen, dtype=torch.float64, requires_grad=True)
    g = torch.randn(4, 2, *grid, generator=gen, dtype=torch.float64)
    out = pointwise_linear(x, w, b)
    ref = torch.movedim(torch.nn.functional.linear(torch.movedim(x, 1, -1), w, b), -1, 1)
    torch.testing.assert_close(out, ref, atol=1e-14, rtol=0)
    for u, v in zip(torch.autograd.grad(out, (x, w, b), g), torch.autograd.grad(ref, (x, w, b), g)):
        torch.testing.assert_close(u, v, atol=1e-13, rtol=0)
    torch.testing.assert_close(pointwise_linear(x, w), ref - b.reshape(2, *(1,) * len(grid)))
