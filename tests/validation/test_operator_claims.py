"""Claims of sciml.operators are registered, and the band-limited inputs they rely on are
exact on every grid (verdicts: test_builtin_claims.py)."""

import numpy as np
import torch

from sciml.operators import SpectralConv
from sciml.validation import cases
from sciml.validation.cases import operators as claims


def test_zero_shot_claim_is_registered_in_the_fast_tier():
    assert "operators.fno.zero_shot_resolution" in [c.name for c in cases("fast", "operators.")]


def test_band_limited_input_is_the_same_function_on_every_grid():
    coef = np.random.default_rng(0).normal(size=(2, 1, 2, 4))
    fine, coarse = claims.band_limited_input(coef, 32), claims.band_limited_input(coef, 8)
    assert fine.shape == (1, 2, 32) and torch.allclose(fine[..., ::4], coarse, atol=1e-14)
    x = 3 / 8  # one sample by hand: a_k cos(2 pi k x) + b_k sin(2 pi k x)
    k = np.arange(4)
    by_hand = coef[0, 0, 1] @ np.cos(2 * np.pi * k * x) + coef[1, 0, 1] @ np.sin(2 * np.pi * k * x)
    assert abs(float(coarse[0, 1, 3]) - by_hand) < 1e-13


def test_a_spectral_layer_ignores_content_above_its_modes():
    """The claim's invariance needs the input inside the kept modes: a mode at k = n_modes
    is filtered out, so adding it changes nothing."""
    layer = SpectralConv(1, 1, n_modes=(4,)).double()
    x = torch.linspace(0, 1, 33, dtype=torch.float64)[:-1]
    base = torch.cos(2 * torch.pi * x)[None, None]
    high = base + torch.sin(2 * torch.pi * 4 * x)[None, None]
    with torch.no_grad():
        assert torch.allclose(layer(base), layer(high), atol=1e-13)
