import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from sciml.core import Axis, DiscretizationError

bounds = st.tuples(st.floats(-10, 10, allow_nan=False), st.floats(0.1, 10, allow_nan=False)).map(
    lambda t: (t[0], t[0] + t[1])
)


def test_uniform_vertex_nonperiodic_includes_both_ends():
    ax = Axis.uniform(5, (0.0, 2.0))
    assert ax.nodes.tolist() == [0.0, 0.5, 1.0, 1.5, 2.0]
    assert ax.weights.tolist() == [0.25, 0.5, 0.5, 0.5, 0.25]


def test_uniform_cell_centred_and_periodic_conventions():
    cell = Axis.uniform(4, (0.0, 1.0), offset="cell")
    assert cell.nodes.tolist() == [0.125, 0.375, 0.625, 0.875]
    per = Axis.uniform(4, (0.0, 1.0), periodic=True)
    assert per.nodes.tolist() == [0.0, 0.25, 0.5, 0.75]
    per_cell = Axis.uniform(4, (0.0, 1.0), periodic=True, offset=0.5)
    assert per_cell.offset == 0.5 and per_cell.nodes[0] == 0.125


@given(st.integers(1, 64), bounds, st.booleans(), st.sampled_from(["vertex", "cell"]))
def test_integral_of_one_is_the_length(n, b, periodic, offset):
    if not periodic and offset == "vertex" and n < 2:
        n = 2
    ax = Axis.uniform(n, b, periodic=periodic, offset=offset)
    assert float(ax.weights.sum()) == pytest.approx(b[1] - b[0], rel=1e-12)


@given(st.integers(2, 60), bounds)
def test_chebyshev_and_gauss_weights_sum_to_length(n, b):
    for ax in (Axis.chebyshev(n, b), Axis.gauss_legendre(n, b)):
        assert float(ax.weights.sum()) == pytest.approx(b[1] - b[0], rel=1e-12)
        assert bool((ax.weights > 0).all())


@given(st.integers(1, 30), st.integers(0, 10**6))
def test_gauss_legendre_exact_to_degree_2n_minus_1(n, seed):
    rng = np.random.default_rng(seed)
    coeffs = rng.standard_normal(2 * n)  # degree 2n-1
    ax = Axis.gauss_legendre(n, (-1.0, 2.0))
    poly = np.polynomial.Polynomial(coeffs)
    exact = poly.integ()(2.0) - poly.integ()(-1.0)
    quad = float((ax.weights * torch.from_numpy(poly(ax.nodes.numpy()))).sum())
    assert quad == pytest.approx(exact, rel=1e-9, abs=1e-9 * np.abs(coeffs).sum() * 2 ** (2 * n))


def test_gauss_legendre_not_exact_at_degree_2n():
    ax = Axis.gauss_legendre(3, (-1.0, 1.0))
    assert abs(float((ax.weights * ax.nodes**6).sum()) - 2 / 7) > 1e-3


@given(st.integers(2, 30), st.integers(0, 10**6))
def test_clenshaw_curtis_exact_to_degree_n_minus_1(n, seed):
    rng = np.random.default_rng(seed)
    poly = np.polynomial.Chebyshev(rng.standard_normal(n))  # degree n-1
    ax = Axis.chebyshev(n, (-1.0, 1.0))
    exact = poly.integ()(1.0) - poly.integ()(-1.0)
    quad = float((ax.weights * torch.from_numpy(poly(ax.nodes.numpy()))).sum())
    assert quad == pytest.approx(exact, abs=1e-12 * n)


@given(st.integers(1, 40), st.integers(0, 10**6), bounds)
def test_periodic_trapezoid_exact_on_trigonometric_polynomials(n, seed, b):
    rng = np.random.default_rng(seed)
    lo, hi = b
    length = hi - lo
    k_max = (n - 1) // 2  # degrees < n/2 are integrated exactly (no aliasing onto k=0)
    a, c = rng.standard_normal(k_max + 1), rng.standard_normal(k_max + 1)
    ax = Axis.uniform(n, b, periodic=True)
    x = ax.nodes.numpy()
    vals = sum(
        a[k] * np.cos(2 * np.pi * k * (x - lo) / length)
        + c[k] * np.sin(2 * np.pi * k * (x - lo) / length)
        for k in range(k_max + 1)
    )
    assert float((ax.weights * torch.from_numpy(vals)).sum()) == pytest.approx(
        a[0] * length, abs=1e-10 * (1 + np.abs(a).sum() + np.abs(c).sum()) * length
    )


def test_trapezoid_is_second_order_not_exact():
    errs = []
    for n in (11, 21, 41):
        ax = Axis.uniform(n, (0.0, 1.0))
        errs.append(abs(float((ax.weights * torch.exp(ax.nodes)).sum()) - (np.e - 1)))
    ratios = [errs[i] / errs[i + 1] for i in range(2)]
    assert all(3.9 < r < 4.1 for r in ratios)


def test_axes_are_hashable_and_compare_by_content():
    a, b = Axis.uniform(8, periodic=True), Axis.uniform(8, periodic=True)
    assert a == b and hash(a) == hash(b) and len({a, b}) == 1
    assert a != Axis.uniform(8, periodic=True, offset="cell")
    assert a != Axis.uniform(8)


@pytest.mark.parametrize(
    "make,fragment",
    [
        (lambda: Axis([0.0, 2.0, 1.0]), "strictly increasing"),
        (lambda: Axis([0.0, 1.0, 1.0]), "strictly increasing"),
        (lambda: Axis([0.0, float("nan")]), "finite"),
        (lambda: Axis([0.5, 2.0], bounds=(0.0, 1.0)), "inside the bounds"),
        (lambda: Axis([0.0, 0.5, 1.0], bounds=(0, 1), periodic=True), "drop the node at hi"),
        (lambda: Axis([0.0, 1.0], weights=[1.0]), "match the nodes"),
        (lambda: Axis.uniform(4, (1.0, 0.0)), "finite and increasing"),
        (lambda: Axis.uniform(4, (0.0, float("nan"))), "finite and increasing"),
        (lambda: Axis.uniform(1, (0.0, 1.0)), "n >= 2"),
        (lambda: Axis.uniform(4, offset="middle"), "vertex or cell"),
        (lambda: Axis.chebyshev(1), "n >= 2"),
        (lambda: Axis.uniform(2.5), "integer"),
        (lambda: Axis.uniform(9, periodic=True).coarsen(2), "divisible by 2"),
    ],
)
def test_bad_input_says_what_and_how_to_fix(make, fragment):
    with pytest.raises(DiscretizationError, match="Fix:") as info:
        make()
    assert fragment in str(info.value)


@pytest.mark.parametrize(
    "axis",
    [
        Axis.uniform(9, (0.0, 1.0)),
        Axis.uniform(8, (0.0, 1.0), periodic=True),
        Axis.uniform(8, (0.0, 1.0), offset="cell"),
        Axis.chebyshev(9, (0.0, 1.0)),
        Axis([0.0, 0.1, 0.3, 0.6, 1.0]),
    ],
)
def test_refine_then_coarsen_is_identity(axis):
    assert axis.refine(2).coarsen(2) == axis
    assert axis.refine(2).n > axis.n


def test_vertex_and_chebyshev_coarsening_is_nested():
    for axis in (Axis.uniform(17, (0.0, 1.0)), Axis.chebyshev(17)):
        coarse = axis.coarsen()
        assert torch.allclose(coarse.nodes, axis.nodes[::2], atol=1e-15)


def test_periodic_custom_refinement_fills_the_wrap_around_gap():
    ax = Axis([0.0, 0.25, 0.5], bounds=(0.0, 1.0), periodic=True)
    fine = ax.refine(2)
    assert fine.nodes.tolist() == pytest.approx([0.0, 0.125, 0.25, 0.375, 0.5, 0.75])
    assert float(fine.weights.sum()) == pytest.approx(1.0)


def test_spacing_of_uniform_axes():
    assert Axis.uniform(2, (0.0, 1.0)).spacing == 1.0
    assert Axis.uniform(4, (0.0, 1.0), periodic=True).spacing == 0.25
    assert Axis.uniform(4, (0.0, 1.0), offset="cell").spacing == 0.25
    with pytest.raises(DiscretizationError, match="only uniform axes"):
        _ = Axis.chebyshev(4).spacing
