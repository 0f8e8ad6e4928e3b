"""Command-line families, typed parameters, configuration hashing and refusals."""

import numpy as np
import pytest

from sciml.core import DiscretizationError
from sciml.data import DatasetError, GenerationConfig
from sciml.data.config import canonical_json, config_diff
from sciml.data.families import FAMILIES, family_spec


def test_the_eight_families_are_named():
    assert set(FAMILIES) == {
        "darcy",
        "poisson",
        "helmholtz",
        "convection_diffusion",
        "heat",
        "sweep",
        "burgers",
        "navier_stokes",
    }


@pytest.mark.parametrize("name", sorted(FAMILIES))
def test_every_family_builds_with_defaults_and_samples_its_channels(name):
    spec = FAMILIES[name]
    family = spec.build(9, 3, spec.parse())
    x = family.sample_inputs(2, rng=0).values
    assert tuple(x.shape) == (2, len(family.channels), *family.grid.shape)
    assert set(spec.sort_channels) <= set(family.channels)
    assert len(spec.output_channels(family)) >= 1


def test_parameters_are_typed_and_defaults_filled():
    params = FAMILIES["darcy"].parse(["coefficient=lognormal", "tau=5", "sigma=none"])
    assert params["coefficient"] == "lognormal" and params["tau"] == 5.0
    assert params["sigma"] is None and params["alpha"] == 2.0
    assert FAMILIES["burgers"].parse(["record_times=0.5,1"])["record_times"] == [0.5, 1.0]
    assert FAMILIES["heat"].parse(["steps=4"])["steps"] == 4


@pytest.mark.parametrize(
    "item, words",
    [
        ("kappa=1", ["no parameter 'kappa'", "alpha", "coefficient", "tau"]),
        ("tau=abc", ["wrong type", "a finite number", "--param tau="]),
        ("tau=inf", ["wrong type"]),
        ("coefficient=gaussian", ["threshold | lognormal"]),
        ("tau", ["key=value"]),
    ],
)
def test_bad_parameters_are_explained(item, words):
    with pytest.raises(DatasetError) as err:
        FAMILIES["darcy"].parse([item])
    assert all(w in str(err.value) for w in words), str(err.value)


def test_unknown_family_lists_the_names():
    with pytest.raises(DatasetError, match="darcy, poisson"):
        family_spec("darcey")


def test_the_hash_ignores_spelled_out_defaults_and_sees_every_change():
    base = GenerationConfig("darcy", n=8, resolution=17)
    assert base.hash == GenerationConfig("darcy", n=8, resolution=17, params={"tau": 3}).hash
    for change in ({"n": 9}, {"seed": 1}, {"rtol": 1e-6}, {"method": "direct"}):
        other = GenerationConfig(**{"family": "darcy", "n": 8, "resolution": 17, **change})
        assert other.hash != base.hash
        assert config_diff(base.canonical(), other.canonical()) == sorted(change)


def test_canonical_json_does_not_depend_on_key_order():
    assert canonical_json({"b": 1, "a": [1.5, {"d": 2, "c": 3}]}) == canonical_json(
        {"a": [1.5, {"c": 3, "d": 2}], "b": 1}
    )


def test_sweep_frequencies_span_the_requested_range():
    config = GenerationConfig("sweep", n=5, resolution=9, params={"omega_max": 10.0})
    assert np.allclose(config.problem.omegas, np.linspace(9.0, 10.0, 5))


@pytest.mark.parametrize(
    "kwargs, error, words",
    [
        ({"family": "darcy", "n": 0}, DatasetError, ["n (the number of samples)", "--n"]),
        ({"family": "darcy", "n": -4}, DatasetError, [">= 1"]),
        ({"family": "darcy", "resolution": 2}, DiscretizationError, ["resolution", ">= 3"]),
        ({"family": "darcy", "rtol": 0.0}, DatasetError, ["0 < rtol < 1"]),
        ({"family": "darcy", "seed": -1}, DatasetError, ["seed"]),
        ({"family": "helmholtz", "method": "cg"}, DatasetError, ["not positive definite"]),
        ({"family": "darcy", "method": "factor_once"}, DatasetError, ["one per sample"]),
        ({"family": "burgers", "method": "direct"}, DatasetError, ["own pseudo-spectral"]),
        ({"family": "darcy", "method": "lu"}, DatasetError, ["unknown solution method"]),
    ],
)
def test_invalid_requests_are_refused_with_a_fix(kwargs, error, words):
    args = {"n": 4, "resolution": 9, **kwargs}
    with pytest.raises(error) as err:
        GenerationConfig(**args)
    text = str(err.value)
    assert "Fix:" in text and all(w in text for w in words), text


def test_applicable_methods_are_accepted():
    assert GenerationConfig("poisson", n=2, resolution=9, method="factor_once").method
    assert GenerationConfig("heat", n=2, resolution=9, method="amg_cg").method
    assert GenerationConfig("darcy", n=2, resolution=9, method="gcrodr_recycled_sorted").method
