"""The solve sequence: greedy order, positions, chains of the samples still to solve."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from sciml.data.chains import coarse_features, plan_order, positions, split_chains


@settings(max_examples=60, deadline=None)
@given(
    st.integers(1, 40).flatmap(
        lambda n: st.tuples(
            st.permutations(list(range(n))), st.lists(st.booleans(), min_size=n, max_size=n)
        )
    ),
    st.integers(1, 9),
)
def test_chains_cover_the_undone_samples_in_sequence_order(order_done, chunk):
    order, done = np.array(order_done[0]), np.array(order_done[1])
    chains = split_chains(order, done, chunk)
    joined = np.concatenate(chains) if chains else np.array([], int)
    assert joined.tolist() == [i for i in order if not done[i]]
    assert all(1 <= len(c) <= chunk for c in chains)


def test_positions_invert_the_order():
    order = np.random.default_rng(1).permutation(25)
    pos = positions(order)
    assert np.array_equal(order[pos], np.arange(25)) and np.array_equal(pos[order], np.arange(25))


def test_plan_order_is_the_nearest_neighbour_chain_from_sample_0():
    features = np.array([[0.0], [10.0], [1.0], [9.0], [2.0]])
    assert plan_order(5, features).tolist() == [0, 2, 4, 3, 1]
    assert plan_order(5).tolist() == [0, 1, 2, 3, 4]


def test_coarse_features_stride_large_grids_and_keep_small_ones():
    x = np.arange(2 * 1 * 65 * 65, dtype=float).reshape(2, 1, 65, 65)
    f = coarse_features(x, max_points=32)
    assert f.shape == (2, 22 * 22)  # stride 3 on 65 nodes: 0, 3, ..., 63
    assert f[0, 1] == x[0, 0, 0, 3]
    assert np.array_equal(coarse_features(x[:, :, :9, :9]), x[:, :, :9, :9].reshape(2, -1))
