"""Multi-resolution training: batches injected onto coarser nested grids."""

import pytest
import torch
from torch import nn

from sciml.core import Field, ParameterError, TensorGrid
from sciml.operators import FNO
from sciml.training import StopTraining, Trainer, load_training_state
from sciml.training.multiresolution import MultiResolution, check_factors
from sciml.training.pairs import as_pairs


class ShapeRecorder(nn.Module):
    """y = w x, recording the spatial shape and grid of every training input."""

    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.ones(()))
        self.seen = []

    def forward(self, x, grid=None):
        self.seen.append((tuple(x.shape[2:]), None if grid is None else grid.shape))
        return self.w * x


def vertex_data(n_samples=8, n=9):
    grid = TensorGrid.uniform((n, n))
    x = torch.randn(n_samples, 1, n, n, generator=torch.Generator().manual_seed(0))
    return Field(x, grid), Field(3 * x, grid)


@pytest.mark.parametrize("bad", [(), [0], (1, -2), (1.5,), (True,), "12", 2])
def test_factors_must_be_positive_ints(bad):
    with pytest.raises(ParameterError, match="coarsening factors"):
        check_factors(bad)


def test_batches_cycle_through_the_coarsened_grids():
    model = ShapeRecorder()
    trainer = Trainer(model, epochs=1, batch_size=2, progress=False, multiresolution=(1, 1, 2))
    trainer.fit(vertex_data())
    assert model.seen == [
        ((9, 9), (9, 9)),
        ((9, 9), (9, 9)),
        ((5, 5), (5, 5)),
        ((9, 9), (9, 9)),
    ]


@pytest.mark.parametrize("periodic, n, coarse", [(False, 9, 5), (True, 8, 4)])
def test_coarse_batches_are_the_samples_at_every_other_node(periodic, n, coarse):
    grid = TensorGrid.uniform((n, n), periodic=periodic)
    x = torch.randn(3, 2, n, n)
    data = as_pairs((Field(x, grid), Field(-x, grid)))
    xc, yc, in_grid, out_grid = MultiResolution((2,), data).batch(0, x, -x)
    assert in_grid == out_grid == grid.coarsen(2)
    assert in_grid.shape == (coarse, coarse)
    torch.testing.assert_close(xc, x[..., ::2, ::2], rtol=0, atol=0)
    torch.testing.assert_close(yc, -x[..., ::2, ::2], rtol=0, atol=0)
    same = MultiResolution((2,), data).batch(1, x, -x)  # cycle of one: always coarse
    assert same[2] == grid.coarsen(2)


def test_a_factor_that_does_not_divide_the_cells_is_refused_before_training():
    grid = TensorGrid.uniform((8, 8))  # 7 cells per axis
    x = torch.randn(4, 1, 8, 8)
    model = ShapeRecorder()
    trainer = Trainer(model, epochs=1, batch_size=2, progress=False, multiresolution=(1, 2))
    with pytest.raises(ParameterError, match="factor 2 does not fit.*divide the cells"):
        trainer.fit((Field(x, grid), Field(x, grid)))
    assert model.seen == []


def test_raw_tensors_need_a_grid_for_coarse_batches():
    x = torch.randn(4, 1, 9, 9)
    trainer = Trainer(ShapeRecorder(), epochs=1, progress=False, multiresolution=(1, 2))
    with pytest.raises(ParameterError, match="needs the inputs on a TensorGrid.*Field"):
        trainer.fit((x, x))
    Trainer(ShapeRecorder(), epochs=1, progress=False).fit((x, x))  # single resolution: fine


def fno():
    return FNO(1, 1, (2, 2), 4, 2, seed=0)


def test_multiresolution_changes_the_training_and_is_deterministic():
    data = vertex_data(n_samples=12)
    runs = [
        Trainer(fno(), epochs=2, batch_size=4, progress=False, multiresolution=m).fit(data)
        for m in ((1, 2), (1, 2), None)
    ]
    assert runs[0]["train_loss"] == runs[1]["train_loss"]
    assert runs[0]["train_loss"] != runs[2]["train_loss"]


class StopAfter:
    def __init__(self, epochs):
        self.epochs = epochs

    def __call__(self, trainer, epoch, history):
        if epoch >= self.epochs:
            raise StopTraining


def test_resume_keeps_the_cycle_and_checks_it(tmp_path):
    data = vertex_data(n_samples=12)
    opts = dict(epochs=3, batch_size=4, progress=False, multiresolution=(1, 2))
    straight = fno()
    Trainer(straight, **opts).fit(data)
    part = fno()
    Trainer(part, checkpoint=tmp_path / "ck.pt", callbacks=[StopAfter(1)], **opts).fit(data)
    resumed = FNO(1, 1, (2, 2), 4, 2, seed=5)
    Trainer(resumed, **opts).fit(data, resume_from=tmp_path / "ck.pt")
    for a, b in zip(resumed.parameters(), straight.parameters()):
        torch.testing.assert_close(a, b, rtol=0, atol=0)
    other = {**opts, "multiresolution": (1, 1, 2)}
    with pytest.raises(ParameterError, match="settings differ.*multiresolution"):
        Trainer(fno(), **other).fit(data, resume_from=tmp_path / "ck.pt")


def test_checkpoints_from_before_the_option_resume_as_single_resolution(tmp_path):
    data = vertex_data(n_samples=8)
    opts = dict(epochs=2, batch_size=4, progress=False)
    Trainer(fno(), checkpoint=tmp_path / "ck.pt", callbacks=[StopAfter(1)], **opts).fit(data)
    payload = torch.load(tmp_path / "ck.pt", weights_only=True)
    del payload["training"]["settings"]["multiresolution"]  # as written before it existed
    torch.save(payload, tmp_path / "ck.pt")
    assert "multiresolution" not in load_training_state(tmp_path / "ck.pt")["settings"]
    history = Trainer(fno(), **opts).fit(data, resume_from=tmp_path / "ck.pt")
    assert history["epoch"] == [1, 2]
    with pytest.raises(ParameterError, match="settings differ"):
        Trainer(fno(), multiresolution=(1, 2), **opts).fit(data, resume_from=tmp_path / "ck.pt")
