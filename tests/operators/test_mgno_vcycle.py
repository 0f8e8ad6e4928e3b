"""MgNO: shapes, the divisibility rule and its message, boundary handling, prolongation."""

import pytest
import torch

from sciml.core import DiscretizationError, Field, ShapeError, TensorGrid
from sciml.operators import MgNO, build
from sciml.operators.vcycle import Prolongation


@pytest.mark.parametrize(
    "ndim,centering,shape",
    [(1, "cell", (32,)), (1, "vertex", (33,)), (2, "vertex", (17, 25)), (2, "cell", (16, 24))],
)
def test_shapes(ndim, centering, shape):
    model = MgNO(2, 3, 8, 2, levels=4, ndim=ndim, centering=centering, seed=0)
    out = model(torch.randn(2, 2, *shape))
    assert out.shape == (2, 3, *shape)


def test_no_lifting_or_projection_mlps():
    """The first V-cycle takes the input channels directly; only a 1x1 head follows."""
    model = MgNO(3, 1, 8, 2, levels=3, seed=0)
    assert model.cycles[0].S[0].in_channels == 3
    assert not any("lifting" in name or "projection" in name for name, _ in model.named_modules())


def test_divisibility_error_names_size_levels_and_nearest_sizes():
    model = MgNO(1, 1, 4, 1, levels=4, centering="vertex", seed=0)
    with pytest.raises(ShapeError) as info:
        model(torch.randn(1, 1, 34, 33))
    msg = str(info.value)
    assert "levels=4" in msg and "34 points" in msg and "[33, 41]" in msg and "Fix" in msg
    cell = MgNO(1, 1, 4, 1, levels=4, centering="cell", seed=0)
    with pytest.raises(ShapeError, match=r"\[32, 40\]"):
        cell(torch.randn(1, 1, 33, 32))


def test_field_grid_must_match_the_centering():
    model = MgNO(1, 1, 4, 1, levels=3, centering="vertex", seed=0)
    periodic = TensorGrid.uniform((17, 17), periodic=True)
    with pytest.raises(DiscretizationError, match="vertex-centred"):
        model(Field(torch.randn(1, 1, 17, 17), periodic))
    vertex = TensorGrid.uniform((17, 17))
    assert model(Field(torch.randn(1, 1, 17, 17), vertex)).disc == vertex


def test_circular_padding_is_periodic_and_zeros_is_not():
    """With circular padding the model commutes with shifts by multiples of the coarsest
    cell (2**(levels-1) points): the periodic boundary is seamless. Zero padding
    (Dirichlet) breaks that symmetry at the boundary."""
    x = torch.randn(2, 1, 16, 24)
    for mode, equivariant in (("circular", True), ("zeros", False)):
        model = MgNO(1, 1, 6, 2, levels=4, padding_mode=mode, seed=0)
        with torch.no_grad():
            shifted = model(torch.roll(x, 8, -1))
            expected = torch.roll(model(x), 8, -1)
        assert torch.allclose(shifted, expected, atol=1e-5) is equivariant


def test_prolongation_nests_coarse_nodes_vertex_and_cell():
    """With linear-interpolation stencils the prolongation reproduces linear interpolation:
    coarse vertex nodes land on fine nodes 0, 2, 4, ...; cell centres split in two."""
    coarse = torch.tensor([[[0.0, 1.0, 4.0, 9.0, 16.0]]])
    vertex = Prolongation(1, 1, centering="vertex")
    with torch.no_grad():
        vertex.conv.weight.copy_(torch.tensor([[[0.5, 1.0, 0.5]]]))
    fine = vertex(coarse)[0, 0]
    expected = torch.tensor([0.0, 0.5, 1.0, 2.5, 4.0, 6.5, 9.0, 12.5, 16.0])
    torch.testing.assert_close(fine, expected)
    cell = Prolongation(1, 1, centering="cell", padding_mode="replicate")
    with torch.no_grad():
        cell.conv.weight.copy_(torch.tensor([[[0.25, 0.75, 0.75, 0.25]]]))
    fine = cell(coarse)[0, 0]
    # interior: linear interpolation at the fine cell centres
    expected = torch.tensor([0.25, 0.75, 1.75, 3.25, 5.25, 7.75, 10.75, 14.25])
    torch.testing.assert_close(fine[1:-1], expected)
    assert fine.shape == (10,)


def test_rebuild_from_spec():
    model = MgNO(2, 1, 6, 2, levels=3, pre_smooth=[1, 1, 2], post_smooth=1, seed=0)
    copy = build(model.spec())
    copy.load_state_dict(model.state_dict())
    x = torch.randn(1, 2, 16, 16)
    torch.testing.assert_close(copy(x), model(x), rtol=0, atol=0)
