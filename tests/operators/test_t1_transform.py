"""T1: variance-preserving initialization across depth, resolution independence for
band-limited inputs (Fourier on periodic axes, cosine on non-periodic ones)."""

import math

import pytest
import torch

from sciml.core import Field, ParameterError, TensorGrid
from sciml.operators import T1, build


def band_limited(batch, channels, n, modes, seed=0):
    """Random real fields on an n x n periodic grid with frequencies |k_i| < modes."""
    gen = torch.Generator().manual_seed(seed)
    x = torch.randn(batch, channels, n, n, generator=gen)
    spec = torch.fft.rfft2(x)
    spec[..., modes : n - modes + 1, :] = 0
    spec[..., modes:] = 0
    x = torch.fft.irfft2(spec, s=(n, n))
    return x / x.pow(2).mean().sqrt()


@pytest.mark.parametrize("activation", ["gelu", "relu"])
@pytest.mark.parametrize("depth", [1, 4, 12])
def test_initialization_preserves_output_variance_across_depth(depth, activation):
    grid = TensorGrid.uniform((32, 32), periodic=True)
    x = band_limited(8, 4, 32, 8)
    ratios = []
    for seed in range(3):
        model = T1(4, 4, (8, 8), 32, depth, activation=activation, seed=seed)
        with torch.no_grad():
            y = model(x, grid=grid)
        ratios.append(float(y.pow(2).mean() / x.pow(2).mean()))
    assert all(0.5 < r < 2.0 for r in ratios), ratios


def test_mode_mixing_matters_for_the_variance():
    """Without the 1/K_i scaling of the mode-mixing matrices the second moment grows by
    about K_i per axis and layer: the scaling is what the test above checks."""
    grid = TensorGrid.uniform((32, 32), periodic=True)
    x = band_limited(8, 4, 32, 8)
    model = T1(4, 4, (8, 8), 32, 4, seed=0)
    with torch.no_grad():
        for layer in model.layers:
            for m, k in zip(layer.mix, layer.kept):
                m.mul_(math.sqrt(k))
        y = model(x, grid=grid)
    assert float(y.pow(2).mean() / x.pow(2).mean()) > 1e3


def test_gelu_needs_its_own_gain():
    """Near 0, GELU(x) ~ x / 2 keeps a quarter of the second moment (ReLU: half), so GELU
    layers draw W with variance 4 / c; with ReLU's 2 / c the output would fade by about 2x
    per layer."""
    grid = TensorGrid.uniform((32, 32), periodic=True)
    x = band_limited(8, 4, 32, 8)
    model = T1(4, 4, (8, 8), 32, 6, activation="gelu", seed=0)
    with torch.no_grad():
        for layer in model.layers:
            layer.weight.mul_(math.sqrt(2.0 / 4.0))
        y = model(x, grid=grid)
    assert float(y.pow(2).mean() / x.pow(2).mean()) < 0.05


def test_models_saved_before_the_activation_option_rebuild_with_relu():
    new = T1(1, 1, (4,), 8, 2, seed=0)
    assert new.config()["activation"] == "gelu"
    old = {k: v for k, v in new.config().items() if k != "activation"}
    rebuilt = T1.from_config(old)
    assert rebuilt.config()["activation"] == "relu"
    x = torch.randn(2, 1, 16)
    rebuilt.load_state_dict(new.state_dict())  # same parameters, other nonlinearity
    assert not torch.allclose(rebuilt(x), new(x))
    with pytest.raises(ParameterError, match="activation"):
        T1(1, 1, (4,), 8, 2, activation="tanh")


def test_resolution_independence_periodic_fft():
    model = T1(1, 2, (6,), 16, 3, seed=0).double()

    def f(x):
        return torch.sin(2 * math.pi * x[..., 0]) + 0.4 * torch.cos(10 * math.pi * x[..., 0])

    out = {
        n: model(Field.from_function(f, TensorGrid.uniform((n,), periodic=True))) for n in (16, 48)
    }
    torch.testing.assert_close(out[48].values[..., ::3], out[16].values, atol=1e-12, rtol=0)


def test_resolution_independence_non_periodic_cosine_transform():
    """cos(pi x) + cos(3 pi x) on [0, 1] is band-limited in the cosine basis (its even
    extension has two Fourier modes), so vertex grids of 17 and 65 nodes agree exactly;
    the same input on the plain-FFT path is not periodic and does not."""

    def f(x):
        return torch.cos(math.pi * x[..., 0]) + 0.5 * torch.cos(3 * math.pi * x[..., 0])

    fields = {n: Field.from_function(f, TensorGrid.uniform((n,))) for n in (17, 65)}
    for transform, exact in (("auto", True), ("fft", False)):
        model = T1(1, 1, (6,), 16, 3, transform=transform, seed=0).double()
        a, b = model(fields[17]).values, model(fields[65]).values[..., ::4]
        assert torch.allclose(a, b, atol=1e-10) is exact


def test_shapes_2d_non_periodic_and_spec():
    model = T1(2, 3, (4, 5), 8, 2, seed=0)
    x = torch.randn(2, 2, 17, 12)
    assert model(x).shape == (2, 3, 17, 12)
    copy = build(model.spec())
    copy.load_state_dict(model.state_dict())
    torch.testing.assert_close(copy(x), model(x), rtol=0, atol=0)
