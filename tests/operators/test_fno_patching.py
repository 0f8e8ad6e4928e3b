"""Multigrid patching: windows, context levels and stitching."""

import pytest
import torch
from torch import nn

from sciml.core import Field, ShapeError, TensorGrid
from sciml.operators import FNO, MultigridPatching, build


class Pick(nn.Module):
    """Return channel group ``k`` of ``c`` channels: exposes what the patch model sees."""

    def __init__(self, k, c):
        super().__init__()
        self.k, self.c = k, c

    def forward(self, x):
        return x[:, self.k * self.c : (self.k + 1) * self.c]


@pytest.mark.parametrize("padding", [0.0, 0.25])
def test_local_channels_stitch_back_to_the_input(padding):
    x = torch.randn(2, 3, 16, 8)
    mg = MultigridPatching(Pick(0, 3), levels=2, ndim=2, padding=padding)
    torch.testing.assert_close(mg(x), x, rtol=0, atol=0)


def test_context_channels_are_centred_coarse_windows_with_wraparound():
    x = torch.randn(1, 1, 16)
    mg = MultigridPatching(Pick(1, 1), levels=1, ndim=1)
    out = mg(x)[0, 0]
    # patch 0 covers nodes 0..7; its level-1 window (16 nodes) is centred on it: nodes
    # -4..11 (wrapping), averaged in pairs
    window = torch.roll(x[0, 0], 4)
    torch.testing.assert_close(out[:8], window.reshape(8, 2).mean(-1))
    torch.testing.assert_close(out[8:], torch.roll(window, -8).reshape(8, 2).mean(-1))


def test_wraps_a_model_and_rebuilds_from_spec():
    inner = FNO(3, 2, (3, 3), 8, 2, positional_embedding=False, seed=0)
    mg = MultigridPatching(inner, levels=2, ndim=2, padding=0.25)
    field = Field(torch.randn(2, 1, 32, 32), TensorGrid.uniform((32, 32), periodic=True))
    out = mg(field)
    assert isinstance(out, Field) and out.values.shape == (2, 2, 32, 32)
    copy = build(mg.spec())
    copy.load_state_dict(mg.state_dict())
    torch.testing.assert_close(copy(field).values, out.values, rtol=0, atol=0)


def test_grid_not_divisible_by_patches_is_refused():
    mg = MultigridPatching(Pick(0, 1), levels=2, ndim=1)
    with pytest.raises(ShapeError, match=r"divisible by 2\*\*levels = 4.*\(16, 20\)"):
        mg(torch.randn(1, 1, 18))
