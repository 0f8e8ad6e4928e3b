"""Per-sample random streams: sample ``i`` of a dataset depends on the seed and on ``i`` only.

A dataset generated in chunks, resumed after a crash, or spread over workers must contain
the same sample ``i`` as one generated in a single call. Each sample therefore draws from its
own :class:`numpy.random.SeedSequence`, the ``i``-th child of a root sequence (the child
that ``SeedSequence(seed).spawn(i + 1)[i]`` returns), never from a stream shared by the
batch.
"""

from __future__ import annotations

import numpy as np

from sciml.core.errors import explain

from ._checks import ParameterError, check_int

__all__ = ["root_sequence", "sample_sequences", "sample_generators"]


def root_sequence(rng) -> np.random.SeedSequence:
    """The root :class:`~numpy.random.SeedSequence` of a batch.

    Parameters
    ----------
    rng : int, sequence of int, numpy.random.SeedSequence or numpy.random.Generator
        An int (or SeedSequence) is used as is, so the same seed always gives the same
        samples. A Generator is advanced by one draw of 128 bits of root entropy: two
        identically seeded generators give identical samples, and successive calls with one
        generator give fresh samples.

    Raises
    ------
    ParameterError
        For ``None`` or any other type (randomness is always explicit).
    """
    if isinstance(rng, np.random.SeedSequence):
        return rng
    if isinstance(rng, np.random.Generator):
        return np.random.SeedSequence([int(v) for v in rng.integers(0, 2**32, size=4)])
    if isinstance(rng, (int, np.integer)) and not isinstance(rng, bool) and rng >= 0:
        return np.random.SeedSequence(int(rng))
    if isinstance(rng, (list, tuple)) and rng and all(isinstance(v, int) for v in rng):
        return np.random.SeedSequence(list(rng))
    raise ParameterError(
        explain(
            "rng must be an explicit seed or generator",
            expected="a non-negative int, a numpy SeedSequence or a numpy Generator",
            received=repr(rng),
            fix="pass rng=0 (reproducible) or rng=numpy.random.default_rng(seed)",
        )
    )


def sample_sequences(n: int, rng, *, start: int = 0) -> list[np.random.SeedSequence]:
    """The seed sequences of samples ``start, ..., start + n - 1``.

    Sample ``i`` gets the ``i``-th child of :func:`root_sequence` ``(rng)``, whatever ``n``
    and ``start`` are, so ``sample_inputs(10)[7]`` equals ``sample_inputs(1, start=7)[0]``.

    Examples
    --------
    >>> a = sample_sequences(3, 42)
    >>> b = sample_sequences(1, 42, start=2)
    >>> a[2].generate_state(2).tolist() == b[0].generate_state(2).tolist()
    True
    >>> a[2].generate_state(1).tolist() == np.random.SeedSequence(42).spawn(3)[2].generate_state(1).tolist()
    True
    """  # noqa: E501
    n = check_int(n, "n", minimum=0)
    start = check_int(start, "start", minimum=0)
    root = root_sequence(rng)
    return [
        np.random.SeedSequence(
            root.entropy, spawn_key=(*root.spawn_key, i), pool_size=root.pool_size
        )
        for i in range(start, start + n)
    ]


def sample_generators(n: int, rng, *, start: int = 0) -> list[np.random.Generator]:
    """One independent :class:`numpy.random.Generator` per sample (see
    :func:`sample_sequences`)."""
    return [np.random.default_rng(s) for s in sample_sequences(n, rng, start=start)]
