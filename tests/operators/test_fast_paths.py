"""The FNO's fast paths compute the same numbers as the plain formulas: truncated FFTs,
the real-arithmetic mode contraction (values and gradients) and the channels-first MLP."""

import pytest
import torch

from sciml.operators.mlp import MLP, PointwiseMLP
from sciml.operators.spectral_conv import (
    contract_modes,
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
