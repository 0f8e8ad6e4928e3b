"""muP vs SP: the parametrization table, the coordinate check and learning-rate transfer."""

import numpy as np
import pytest
import torch

from sciml.core import ParameterError
from sciml.theory.mup import (
    PARAMETRIZATIONS,
    optimal_learning_rate,
    output_update,
    teacher_task,
    train_losses,
)


def test_parametrization_table():
    """Init stds and learning rates of Tensor Programs V, Table 3 (SGD)."""
    mup, sp = PARAMETRIZATIONS["mup"], PARAMETRIZATIONS["sp"]
    assert mup.stds(4, 256) == pytest.approx((0.5, 1 / 16, 1 / 256))
    assert mup.lrs(256) == pytest.approx((256.0, 1.0, 1 / 256))
    assert sp.stds(4, 256) == pytest.approx((0.5, 1 / 16, 1 / 16))
    assert sp.lrs(256) == (1.0, 1.0, 1.0)


def test_teacher_task_is_seeded_and_bounded():
    x, y = teacher_task(50, 3, seed=1)
    x2, y2 = teacher_task(50, 3, seed=1)
    assert x.shape == (50, 3) and y.shape == (50,) and x.dtype == torch.float64
    assert torch.equal(x, x2) and torch.equal(y, y2) and float(y.abs().max()) <= 1.5


def test_gradient_descent_decreases_the_loss_and_flags_divergence():
    x, y = teacher_task(32, 4)
    start = float(0.5 * (y**2).mean())  # muP output starts near 0
    losses = train_losses(x, y, 64, [0.5, 1e6], steps=50, seeds=2)
    assert losses.shape == (2, 2)
    assert np.all(losses[0] < 0.5 * start)
    assert np.all(np.isinf(losses[1]))


def test_coordinate_check_muP_flat_SP_linear():
    """One step at fixed eta: the output moves Theta(1) under muP, ~width under SP."""
    x, y = teacher_task(64, 4)
    widths = (64, 256, 1024)
    mup = [output_update(x, y, n, 0.1, parametrization="mup") for n in widths]
    sp = [output_update(x, y, n, 0.1, parametrization="sp") for n in widths]
    slope = lambda v: np.polyfit(np.log(widths), np.log(v), 1)[0]  # noqa: E731
    assert abs(slope(mup)) < 0.1
    assert slope(sp) == pytest.approx(1.0, abs=0.15)


def test_optimal_learning_rate_recovers_a_parabola_and_stays_on_the_grid_at_the_edge():
    eta = 2.0 ** np.arange(-8.0, 3.0, 0.5)
    loss = np.exp((np.log(eta) - np.log(0.3)) ** 2)[:, None]
    assert optimal_learning_rate(eta, loss) == pytest.approx(0.3, rel=1e-10)
    edge = np.exp(np.log(eta))[:, None]  # increasing: minimum at the first point
    assert optimal_learning_rate(eta, edge) == pytest.approx(eta[0], rel=1e-12)


def test_lr_transfer_small_sweep():
    """Widths 32 and 256: the muP optimum moves by < 1/2 octave, the SP one by > 1.5."""
    x, y = teacher_task(64, 4)
    eta = 2.0 ** np.arange(-8.0, 2.5, 0.5)
    best = {
        p: [
            optimal_learning_rate(eta, train_losses(x, y, n, eta, parametrization=p, steps=100))
            for n in (32, 256)
        ]
        for p in ("mup", "sp")
    }
    assert abs(np.log2(best["mup"][1] / best["mup"][0])) < 0.5
    assert np.log2(best["sp"][0] / best["sp"][1]) > 1.5


@pytest.mark.parametrize("bad", [{"parametrization": "ntk"}, {"width": 0}, {"width": 2.5}])
def test_bad_input_names_the_problem(bad):
    x, y = teacher_task(8, 2)
    kwargs = {"width": 8, **bad}
    with pytest.raises(ParameterError, match="parametrization|width"):
        train_losses(x, y, kwargs.pop("width"), [0.1], steps=1, **kwargs)
