"""FNO initialization and forward pass, against an independent reference composition and,
where the package is importable, against neuraloperator's FNO with the same weights."""

import math

import pytest
import torch
from torch.nn import functional as F

from sciml.core import TensorGrid
from sciml.operators import FNO, SpectralConv, build


def _reference_spectral(v, weight, n_modes):
    """Dense-spectrum reference of the spectral layer: full ``rfft2``, multiply the kept
    block ``|k_1| < m_1, 0 <= k_2 < m_2`` mode by mode, zero the rest, inverse."""
    m1, m2 = n_modes
    n1, n2 = v.shape[-2:]
    z = torch.fft.rfft2(v.double(), norm="forward")
    out = torch.zeros(v.shape[0], weight.shape[1], n1, n2 // 2 + 1, dtype=torch.complex128)
    for k1 in range(-(m1 - 1), m1):
        row = k1 % n1
        col_w = k1 % (2 * m1 - 1)
        out[:, :, row, :m2] = torch.einsum(
            "bik,iok->bok", z[:, :, row, :m2], weight[:, :, col_w, :].to(torch.complex128)
        )
    return torch.fft.irfft2(out, s=(n1, n2), norm="forward")


def _pointwise(v, linear):
    return (
        torch.einsum("oi,bi...->bo...", linear.weight.double(), v)
        + linear.bias.double()[:, None, None]
    )


def _reference_forward(model, x, grid, sigma):
    """The FNO by its definition, in float64: lifting MLP on ``[a, x_1, x_2]``, then
    ``v <- sigma(K v + W v + b)`` with no ``sigma`` after the last layer, then projection."""
    mesh = torch.stack(grid.mesh()).double()
    v = torch.cat([x.double(), mesh.expand(x.shape[0], *mesh.shape)], dim=1)
    lift, proj = model.lifting.mlp.net, model.projection.mlp.net
    v = _pointwise(F.gelu(_pointwise(v, lift[0])), lift[2])
    for i, (spectral, skip) in enumerate(zip(model.spectral, model.skips)):
        v = _reference_spectral(v, spectral.weight(), model.n_modes) + _pointwise(
            v, skip.mlp.net[0]
        )
        if i < model.n_layers - 1:
            v = sigma(v)
    return _pointwise(F.gelu(_pointwise(v, proj[0])), proj[2])


@pytest.mark.parametrize(
    "activation,sigma",
    [("gelu_twice", lambda v: F.gelu(F.gelu(v))), ("gelu", F.gelu)],
)
def test_forward_matches_reference_composition(activation, sigma):
    model = FNO(1, 1, (4, 3), 8, 3, activation=activation, seed=1)
    grid = TensorGrid.uniform((12, 10), periodic=True)
    x = torch.randn(2, 1, 12, 10)
    with torch.no_grad():
        out = model(x, grid=grid).double()
        ref = _reference_forward(model, x, grid, sigma)
    torch.testing.assert_close(out, ref, rtol=1e-4, atol=1e-5)


def test_default_activation_is_gelu_twice_and_differs_from_one_gelu():
    twice = FNO(1, 1, (4, 4), 8, 2, seed=3)
    once = FNO(1, 1, (4, 4), 8, 2, activation="gelu", seed=3)
    x = torch.randn(2, 1, 12, 12)
    with torch.no_grad():
        gap = (twice(x) - once(x)).abs().max()
    assert gap > 1e-3  # same weights, different nonlinearity


def test_old_config_without_activation_rebuilds_with_one_gelu():
    model = FNO(1, 1, (4, 4), 8, 2, activation="gelu", seed=0)
    spec = model.spec()
    del spec["config"]["activation"]
    old = build(spec)
    old.load_state_dict(model.state_dict())
    x = torch.randn(2, 1, 12, 12)
    torch.testing.assert_close(old(x), model(x), rtol=0, atol=0)
    new = build(FNO(1, 1, (4, 4), 8, 2, seed=0).spec())
    assert new.config()["activation"] == "gelu_twice"


def test_spectral_weight_variance_is_glorot_split_between_parts():
    torch.manual_seed(0)
    c_in, c_out = 8, 56  # 2 / (c_in + c_out) = 1/32, while 1 / c_in = 1/8
    w = SpectralConv(c_in, c_out, (8, 8)).weight()
    n = w.numel()  # 8 * 56 * 15 * 8 = 53760
    expected = 2.0 / (c_in + c_out)
    tol = 5 * math.sqrt(2.0 / n)  # five standard errors of a variance estimate
    assert abs(w.abs().pow(2).mean().item() / expected - 1) < tol
    assert abs(w.real.pow(2).mean().item() / (expected / 2) - 1) < 2 * tol
    assert abs(w.imag.pow(2).mean().item() / (expected / 2) - 1) < 2 * tol


def test_pointwise_layers_use_pytorch_default_uniform():
    model = FNO(1, 1, (4, 4), 64, 4, seed=0)
    layers = [model.lifting.mlp.net[2], model.projection.mlp.net[0]]
    layers += [skip.mlp.net[0] for skip in model.skips]
    for layer in layers:
        bound = 1 / math.sqrt(layer.weight.shape[1])
        assert layer.weight.abs().max() <= bound
        # U(-b, b) has standard deviation b / sqrt(3)
        assert abs(layer.weight.std().item() / (bound / math.sqrt(3)) - 1) < 0.1
    for layer in layers[:2]:
        assert layer.bias.abs().max() <= 1 / math.sqrt(layer.weight.shape[1])


def test_fourier_layer_biases_are_normal_with_glorot_variance():
    width = 64
    model = FNO(1, 1, (4, 4), width, 40, seed=0)
    biases = torch.cat([skip.mlp.net[0].bias.detach() for skip in model.skips])  # 2560
    std = math.sqrt(2.0 / (2 * width))  # 0.125; PyTorch's uniform would give 0.072
    assert abs(biases.std().item() / std - 1) < 0.05
    # PyTorch's uniform stays within 1/sqrt(width) = std; a normal draw exceeds one std
    # in 31.7 % of entries (standard error 0.9 % for 2560 entries)
    beyond = (biases.abs() > 1 / math.sqrt(width)).float().mean().item()
    assert 0.27 < beyond < 0.36


def _load_neuralop_weights(ours, ref):
    """neuraloperator 2.0.0 FNO weights into ours: its spectral weights are stored in
    ``fftshift`` order along the leading axes, its bias sits after the spectral layer."""
    sd = {}
    for name, src in (("lifting", ref.lifting), ("projection", ref.projection)):
        for i, fc in enumerate(src.fcs):
            sd[f"{name}.mlp.net.{2 * i}.weight"] = fc.weight[..., 0]
            sd[f"{name}.mlp.net.{2 * i}.bias"] = fc.bias
    for i, conv in enumerate(ref.fno_blocks.convs):
        w = conv.weight.to_tensor()
        w = torch.roll(w, -(w.shape[2] // 2), dims=2).contiguous()
        sd[f"spectral.{i}.weight.weight"] = torch.view_as_real(w)
        sd[f"skips.{i}.mlp.net.0.weight"] = ref.fno_blocks.fno_skips[i].conv.weight[..., 0]
        sd[f"skips.{i}.mlp.net.0.bias"] = conv.bias.reshape(-1)
    ours.load_state_dict({k: v.detach().clone() for k, v in sd.items()})


def test_same_outputs_as_neuraloperator_with_its_weights():
    neuralop = pytest.importorskip("neuralop.models")
    m, width, layers = 5, 8, 3
    torch.manual_seed(0)
    ref = neuralop.FNO(
        n_modes=(2 * m - 1, 2 * m - 2),
        in_channels=1,
        out_channels=1,
        hidden_channels=width,
        n_layers=layers,
        positional_embedding="grid",
        use_channel_mlp=False,
        fno_skip="linear",
        domain_padding=None,
    )
    ours = FNO(1, 1, (m, m), width, layers, seed=0)
    _load_neuralop_weights(ours, ref)
    once = FNO(1, 1, (m, m), width, layers, activation="gelu", seed=0)
    once.load_state_dict(ours.state_dict())
    grid = TensorGrid.uniform((16, 16), periodic=True)  # nodes j / 16, its "grid" embedding
    x = torch.randn(3, 1, 16, 16)
    with torch.no_grad():
        expected = ref(x)
        scale = expected.abs().max()
        assert (ours(x, grid=grid) - expected).abs().max() < 1e-5 * scale
        assert (once(x, grid=grid) - expected).abs().max() > 1e-3 * scale
