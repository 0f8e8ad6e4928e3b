"""Monge gap: exact zero for optimal maps, positive for a rotation, entropic version's
bound, and a fitted map approaching the Bures map."""

import math

import torch

from sciml.solvers.transport import bures_map, fit_map, monge_gap


def _x(n=200, seed=0):
    return torch.randn(n, 2, dtype=torch.float64, generator=torch.Generator().manual_seed(seed))


def test_exact_gap_vanishes_for_identity_and_spd_linear_maps():
    x = _x()
    S = torch.tensor([[2.0, 0.5], [0.5, 1.0]], dtype=torch.float64)
    assert abs(float(monge_gap(x, x))) <= 1e-9
    assert abs(float(monge_gap(x, x @ S.T))) <= 1e-9


def test_gap_is_positive_for_a_rotation_and_entropic_bound_holds():
    x = _x()
    R = torch.tensor([[0.0, -1.0], [1.0, 0.0]], dtype=torch.float64)
    exact = float(monge_gap(x, x @ R.T))
    assert exact > 0.5
    reg = 0.01 * float(((x[:, None] - x[None]) ** 2).sum(-1).mean() / 2)
    ent_id = float(monge_gap(x, x, reg=reg))
    assert -reg * math.log(len(x)) - 1e-9 <= ent_id <= 0.0
    assert float(monge_gap(x, x @ R.T, reg=reg)) > 0.5 * exact


def test_fitted_map_approaches_the_bures_map():
    torch.manual_seed(0)
    Ls = torch.tensor([[1.0, 0.0], [0.0, 1.0]], dtype=torch.float64)
    Lt = torch.tensor([[1.5, 0.0], [0.6, 0.5]], dtype=torch.float64)
    mt = torch.tensor([1.0, -0.5], dtype=torch.float64)
    A, c = bures_map(torch.zeros(2), Ls @ Ls.T, mt, Lt @ Lt.T)
    g = torch.Generator().manual_seed(1)

    def source(n):
        return torch.randn(n, 2, generator=g, dtype=torch.float64) @ Ls.T

    def target(n):
        return torch.randn(n, 2, generator=g, dtype=torch.float64) @ Lt.T + mt

    T = torch.nn.Linear(2, 2).double()
    fit_map(T, source, target, lam=1.0, reg_fit=0.5, steps=200, batch=128, lr=3e-2)
    err = float((T.weight.detach() - A).abs().max())
    assert err < 0.15, (T.weight, A)
    assert float((T.bias.detach() - c).abs().max()) < 0.15
