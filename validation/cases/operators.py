"""Claims about the neural operators (``sciml.operators``).

* ``operators.fno.zero_shot_resolution``: a seeded, randomly initialized Fourier layer
  (:class:`~sciml.operators.SpectralConv`) is discretization invariant: on band-limited
  input sampled at ``N`` and ``2N`` points, the fine output injected onto the coarse grid
  equals the coarse output to round-off. Broken: a pixel-space convolution with the same
  stencil at every resolution (a CNN layer), whose output depends on the grid spacing.
"""

from __future__ import annotations

import numpy as np
import torch

from sciml.operators import SpectralConv, seeded

from ..registry import Measurement, register
from ..rules import BelowTolerance

__all__ = ["band_limited_input"]

_SIZES = (16, 32, 64, 128, 256)
_MODES = 8
_CHANNELS = 3
ZERO_SHOT_TOL = 1e-12


def band_limited_input(coef, n: int) -> torch.Tensor:
    """The trigonometric polynomials ``sum_k a_k cos(2 pi k x) + b_k sin(2 pi k x)`` on ``n``
    periodic points of ``[0, 1)``.

    Parameters
    ----------
    coef : ndarray of shape (2, batch, channels, modes)
        Cosine and sine coefficients ``a``, ``b``; exact on any ``n >= 2 modes``.
    n : int

    Returns
    -------
    torch.Tensor of shape (batch, channels, n), float64
    """
    k = np.arange(coef.shape[-1])
    phase = 2.0 * np.pi * k[:, None] * (np.arange(n) / n)[None, :]
    return torch.from_numpy(coef[0] @ np.cos(phase) + coef[1] @ np.sin(phase))


def _spectral(seed: int):
    with seeded(seed):
        layer = SpectralConv(_CHANNELS, _CHANNELS, n_modes=(_MODES,))
    return layer.double()


def _pixel(seed: int):
    with seeded(seed):
        layer = torch.nn.Conv1d(_CHANNELS, _CHANNELS, 5, padding=2, padding_mode="circular")
    return layer.double()


def _zero_shot(seed, make_layer) -> Measurement:
    root = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)
    torch_seed = int(root.generate_state(1)[0] % 2**31)
    layer = make_layer(torch_seed)
    errors = []
    for n, rng in zip(_SIZES, (np.random.default_rng(s) for s in root.spawn(len(_SIZES)))):
        coef = rng.normal(size=(2, 2, _CHANNELS, _MODES)) / (1.0 + np.arange(_MODES))
        with torch.no_grad():
            out_coarse = layer(band_limited_input(coef, n))
            out_fine = layer(band_limited_input(coef, 2 * n))
        scale = float(out_coarse.abs().max())
        errors.append(float((out_fine[..., ::2] - out_coarse).abs().max()) / scale)
    return Measurement(_SIZES, errors)


@register(
    name="operators.fno.zero_shot_resolution",
    statement="A seeded random Fourier layer (8 modes, 3 channels) applied to band-limited "
    "input at N and 2N points gives the same function: the fine output injected onto the "
    f"coarse grid matches the coarse output to {ZERO_SHOT_TOL:g} relative (N = 16..256).",
    source="Li et al., ICLR 2021 (zero-shot super-resolution); Kovachki et al., JMLR 24 "
    "(2023), discretization invariance; Lanthaler, Stuart & Trautner, arXiv 2405.02221",
    variable="N",
    scale="loglog",
    rule=BelowTolerance(ZERO_SHOT_TOL),
    broken=lambda seed: _zero_shot(seed, _pixel),
)
def fno_zero_shot_resolution(seed) -> Measurement:
    """Max relative deviation between the outputs at N and 2N (float64). The broken variant
    is a 5-point circular pixel-space convolution: its stencil spans a different physical
    width at each resolution."""
    return _zero_shot(seed, _spectral)
