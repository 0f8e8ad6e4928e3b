"""Darcy with a fixed number of GRF modes: one coefficient function at every resolution."""

import numpy as np
import pytest

from sciml.data import GenerationConfig, H5Dataset, generate
from sciml.solvers.pde import Darcy
from sciml.solvers.pde._checks import ParameterError


def test_fixed_modes_give_the_same_field_at_every_resolution():
    coarse, fine = Darcy(17, grf_modes=12), Darcy(33, grf_modes=12)
    g_coarse = coarse.field.sample(3, rng=5).values.numpy()
    g_fine = fine.field.sample(3, rng=5).values.numpy()
    np.testing.assert_allclose(g_fine[..., ::2, ::2], g_coarse, atol=1e-12, rtol=0)
    assert coarse.field.noise_shape == fine.field.noise_shape == (12, 12)


def test_default_draws_differ_between_resolutions():
    g17 = Darcy(17).field.sample(2, rng=5).values.numpy()
    g33 = Darcy(33).field.sample(2, rng=5).values.numpy()
    assert np.abs(g33[..., ::2, ::2] - g17).max() > 0.1


def test_files_at_two_resolutions_share_coefficients(tmp_path):
    paths = {}
    for r in (9, 17):
        paths[r] = tmp_path / f"darcy{r}.h5"
        config = GenerationConfig(
            "darcy", n=3, resolution=r, seed=2, method="direct", params={"grf_modes": 8}
        )
        generate(config, paths[r])
    coarse = H5Dataset(paths[9])
    injected = H5Dataset(paths[17], resolution=9)
    for i in range(3):
        np.testing.assert_array_equal(coarse[i][0].numpy(), injected[i][0].numpy())
    coarse.close()
    injected.close()


@pytest.mark.parametrize("bad", [0, -3, 2.5, True])
def test_bad_mode_count_is_refused(bad):
    with pytest.raises(ParameterError, match="grf_modes must be a positive int"):
        Darcy(9, grf_modes=bad)
