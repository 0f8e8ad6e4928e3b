import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from sciml.core import DiscretizationError, Domain, ShapeError


def test_volume_ndim_and_periodic_broadcast():
    dom = Domain([(0, 1), (-1, 2)], periodic=True)
    assert dom.ndim == 2 and dom.volume == 3.0 and dom.periodic == (True, True)


def test_contains_respects_periodic_axes():
    dom = Domain([(0, 1), (0, 1)], periodic=(True, False))
    inside = dom.contains(np.array([[5.0, 0.5], [0.5, 1.5], [0.2, 0.0]]))
    assert inside.tolist() == [True, False, True]


@given(st.integers(1, 500), st.integers(0, 2**32 - 1))
def test_sample_is_seeded_and_inside(n, seed):
    dom = Domain([(0, 2), (-1, 1), (3, 4)])
    a, b = dom.sample(n, rng=seed), dom.sample(n, rng=seed)
    assert a == b
    assert bool(dom.contains(a.points()).all())
    assert a.volume == pytest.approx(dom.volume)


def test_grid_kinds_per_dimension():
    g = Domain([(-1, 1), (0, 1)]).grid((5, 4), kind=("chebyshev", "uniform"), offset="cell")
    assert g.axes[0].kind == "chebyshev" and g.axes[1].offset == 0.5


@pytest.mark.parametrize(
    "make,err,fragment",
    [
        (lambda: Domain([(0, float("nan"))]), DiscretizationError, "NaN and Inf"),
        (lambda: Domain([(1, 0)]), DiscretizationError, "finite increasing"),
        (lambda: Domain([]), DiscretizationError, "at least one"),
        (lambda: Domain([(0, 1)], periodic=(True, False)), DiscretizationError, "periodic"),
        (lambda: Domain([(0, 1), (0, 1)]).grid((4, 4, 4)), ShapeError, "2 entries"),
        (lambda: Domain([(0, 1)], True).grid(8, "chebyshev"), DiscretizationError, "periodic"),
        (lambda: Domain([(0, 1)]).grid(8, "hermite"), DiscretizationError, "unknown grid kind"),
        (lambda: Domain([(0, 1)]).contains(torch.zeros(3, 2)), ShapeError, "(..., 1)"),
        (lambda: Domain([(0, 1)]).sample(0), ShapeError, "n >= 1"),
    ],
)
def test_bad_input(make, err, fragment):
    with pytest.raises(err, match="Fix") as info:
        make()
    assert fragment in str(info.value)
