import numpy as np
import pytest
import torch

from sciml.core import Domain, PointCloud, ShapeError


def test_default_weights_are_the_empirical_measure():
    pc = PointCloud(np.random.default_rng(0).standard_normal((10, 3)))
    assert pc.shape == (10,) and pc.ndim == 3
    assert float(pc.weights().sum()) == pytest.approx(1.0)


def test_one_dimensional_points_accepted_and_dtype_float64():
    pc = PointCloud([0.0, 1.0, 2.0])
    assert pc.points().shape == (3, 1) and pc.points().dtype == torch.float64


def test_monte_carlo_integral_is_unbiased_in_expectation():
    dom = Domain([(0, 2), (0, 1)])
    estimates = [
        float(dom.sample(400, rng=s).integrate(torch.ones(400)))  # exact: volume
        for s in range(5)
    ]
    assert estimates == pytest.approx([2.0] * 5)
    pc = dom.sample(20000, rng=1)
    x = pc.points()
    val = float(pc.integrate(x[:, 0] ** 2))  # exact 8/3
    assert val == pytest.approx(8 / 3, abs=4 * np.sqrt(64 / 45 * 2 / 20000) * 2)


@pytest.mark.parametrize(
    "make,fragment",
    [
        (lambda: PointCloud(np.zeros((2, 2, 2))), "2-D array"),
        (lambda: PointCloud(np.zeros((3, 2)), [1.0, 1.0]), "one per point"),
        (lambda: PointCloud(np.zeros((2, 1)), [1.0, -1.0]), "non-negative"),
        (lambda: PointCloud(np.zeros((2, 2)), domain=Domain([(0, 1)])), "length of domain"),
    ],
)
def test_bad_input(make, fragment):
    with pytest.raises(ShapeError, match="Fix") as info:
        make()
    assert fragment in str(info.value)


def test_nan_points_are_refused():
    with pytest.raises(ValueError, match="NaN/Inf"):
        PointCloud([[0.0], [float("nan")]])


def test_hash_by_content():
    a = PointCloud([[0.0], [1.0]])
    assert a == PointCloud([[0.0], [1.0]]) and a != PointCloud([[0.0], [2.0]])
    assert len({a, PointCloud([[0.0], [1.0]])}) == 1
