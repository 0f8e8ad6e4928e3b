"""Cases, measurements and the registry: validation of fields, unique names, selection."""

import numpy as np
import pytest

from sciml.validation import (
    REGISTRY,
    BelowTolerance,
    Case,
    Estimate,
    Measurement,
    Registry,
    RegistryError,
    TwoSidedSlope,
    cases,
    get_case,
)


def square(seed):
    h = 2.0 ** -np.arange(2, 8)
    return Measurement(h, h**2)


def linear(seed):
    h = 2.0 ** -np.arange(2, 8)
    return Measurement(h, h)


def make(name="demo.square.order", **overrides):
    fields = dict(
        name=name,
        statement="h^2 converges at order 2.",
        source="algebra",
        variable="h",
        scale="loglog",
        rule=TwoSidedSlope(2.0, 0.1),
        run=square,
        broken=linear,
    )
    fields.update(overrides)
    return Case(**fields)


def test_duplicate_names_raise_a_clear_error():
    reg = Registry()
    reg.add(make())
    with pytest.raises(RegistryError, match="already registered.*rename"):
        reg.add(make())
    assert len(reg) == 1


def test_decorator_and_direct_registration():
    reg = Registry()

    @reg.register(
        name="demo.linear.order",
        statement="h converges at order 1.",
        source="algebra",
        variable="h",
        scale="loglog",
        rule=TwoSidedSlope(1.0, 0.1),
        broken=square,
    )
    def run(seed):
        return linear(seed)

    assert reg.register(make()) is reg.get("demo.square.order")
    assert reg.get("demo.linear.order").run is run
    with pytest.raises(RegistryError, match="not both"):
        reg.register(make("demo.other.case"), name="x.y")
    with pytest.raises(RegistryError, match="no case named"):
        reg.get("demo.missing.case")


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"name": "NoDots"}, "name"),
        ({"scale": "linear"}, "scale"),
        ({"tier": "nightly"}, "tier"),
        ({"rule": "slope 2"}, "rule"),
        ({"broken": None}, "broken"),
        ({"statement": " "}, "statement"),
    ],
)
def test_invalid_case_fields_are_named(overrides, field):
    with pytest.raises(RegistryError, match=f"invalid {field}"):
        make(**overrides)


def test_expected_defaults_to_the_rule_and_must_agree():
    assert make().expected == 2.0
    assert make(rule=BelowTolerance(1e-13)).expected is None
    with pytest.raises(RegistryError, match="two expected slopes"):
        make(expected=1.0)


def test_default_floor_scales_with_magnitude():
    eps = np.finfo(float).eps
    assert make().floor == pytest.approx(1e3 * eps)
    assert make(magnitude=10.0).floor == pytest.approx(1e4 * eps)
    assert make(floor=1e-9).floor == 1e-9


def test_measurement_shapes_are_checked():
    with pytest.raises(RegistryError, match="one value per level"):
        Measurement([1.0, 2.0], [1.0])
    with pytest.raises(RegistryError, match="1-D"):
        Measurement([[1.0, 2.0]], [[1.0, 2.0]])
    with pytest.raises(RegistryError, match="both"):
        Measurement([1.0, 2.0], [1.0, 1.0], y_low=[0.5, 0.5])
    with pytest.raises(RegistryError, match="low <= high"):
        Estimate("r", 1.0, 2.0, 0.5)
    m = Measurement([1, 2], [3, 4])
    with pytest.raises(ValueError):
        m.x[0] = 5.0  # read-only


def test_selection_by_tier_and_pattern():
    reg = Registry()
    reg.add(make("a.fast.one"))
    reg.add(make("a.slow.two", tier="slow"))
    reg.add(make("b.fast.three"))
    assert [c.name for c in reg.select("fast")] == ["a.fast.one", "b.fast.three"]
    assert [c.name for c in reg.select("all")] == ["a.fast.one", "a.slow.two", "b.fast.three"]
    assert [c.name for c in reg.select("all", "a.*")] == ["a.fast.one", "a.slow.two"]
    assert [c.name for c in reg.select("fast", "three")] == ["b.fast.three"]
    assert reg.select("fast", ["one", "three"]) == reg.select("fast")
    assert reg.select("gpu") == ()
    with pytest.raises(RegistryError, match="unknown tier"):
        reg.select("nonsense")


def test_builtin_claims_are_registered_once():
    names = [c.name for c in cases("fast", only="core.*")]
    assert len(names) == len(set(names)) >= 6
    assert get_case("core.trapezoid.order").variable == "h"
    assert all(c.tier == "fast" for c in cases("fast"))
    assert len(REGISTRY) >= 6
