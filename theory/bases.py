"""Feature maps on boxes of the core: orthonormal polynomial and trigonometric bases,
multivariate index sets and random Fourier features.

Every basis maps points of shape ``(n, d)`` to features of shape ``(n, m)``. Orthonormal
bases are orthonormal in ``L^2_mu`` for a probability measure ``mu`` on their domain:

==============  ===================================================  =========================
basis           ``phi_j``                                            ``mu`` on ``[a, b]``
==============  ===================================================  =========================
Legendre        ``sqrt(2j+1) P_j(t)``                                 uniform ``dx / (b - a)``
Chebyshev       ``1, sqrt(2) T_j(t)``                                 ``dt / (pi sqrt(1 - t^2))``
Fourier         ``1, sqrt(2) cos(2 pi k s), sqrt(2) sin(2 pi k s)``  uniform, periodic
TensorBasis     ``prod_k phi_{nu_k}(x_k)``, ``nu`` in an index set    product measure
==============  ===================================================  =========================

with ``t = (2x - a - b) / (b - a)`` in ``[-1, 1]`` and ``s = (x - a) / (b - a)``.

Each orthonormal basis can sample ``mu`` and the component measures ``phi_j^2 d mu``
(exactly, by rejection), which is what optimal (Christoffel) sampling needs.
"""

from __future__ import annotations

import abc
import itertools

import numpy as np

from sciml.core import Domain, ParameterError, ShapeError
from sciml.core.errors import explain

__all__ = [
    "AbstractBasis",
    "AbstractOrthonormalBasis",
    "Legendre",
    "Chebyshev",
    "Fourier",
    "TensorBasis",
    "RandomFourierFeatures",
    "tensor_index_set",
    "total_degree_index_set",
]


def _points(points, ndim: int) -> np.ndarray:
    x = np.asarray(points, dtype=np.float64)
    if ndim == 1 and x.ndim == 1:
        x = x[:, None]
    if x.ndim != 2 or x.shape[1] != ndim:
        raise ShapeError(
            explain(
                "points have the wrong shape",
                expected=f"(n, {ndim})" + (" or (n,)" if ndim == 1 else ""),
                received=f"{x.shape}",
                fix="stack the points as rows",
            )
        )
    return x


def _count(m, name: str = "m") -> int:
    if isinstance(m, bool) or not isinstance(m, (int, np.integer)) or m < 1:
        raise ParameterError(
            explain(
                f"{name} must be a positive integer",
                expected=f"{name} >= 1",
                received=repr(m),
                fix=f"pass the number of basis functions as an int {name}",
            )
        )
    return int(m)


def _interval(domain) -> Domain:
    dom = domain if isinstance(domain, Domain) else Domain([tuple(domain)])
    if dom.ndim != 1:
        raise ParameterError(
            explain(
                "a univariate basis needs a 1-D domain",
                expected="Domain([(a, b)])",
                received=f"a {dom.ndim}-D domain",
                fix="combine univariate bases with TensorBasis",
            )
        )
    return dom


class AbstractBasis(abc.ABC):
    """A feature map ``x -> (phi_1(x), ..., phi_m(x))`` on a :class:`~sciml.core.Domain`."""

    domain: Domain
    dim: int

    @property
    def ndim(self) -> int:
        """Dimension d of the points."""
        return self.domain.ndim

    @abc.abstractmethod
    def evaluate(self, points) -> np.ndarray:
        """Features at ``points`` of shape ``(n, d)`` (or ``(n,)`` in 1-D): shape ``(n, m)``."""


class AbstractOrthonormalBasis(AbstractBasis):
    """An ``L^2_mu``-orthonormal basis that samples ``mu`` and ``phi_j^2 d mu``."""

    @abc.abstractmethod
    def sample_measure(self, n: int, *, rng: np.random.Generator) -> np.ndarray:
        """``n`` i.i.d. points of ``mu``: shape ``(n, d)``."""

    @abc.abstractmethod
    def sample_components(self, j, *, rng: np.random.Generator) -> np.ndarray:
        """One point of ``phi_{j_i}^2 d mu`` per index in ``j`` (shape (n,)): shape (n, d)."""


class _Univariate(AbstractOrthonormalBasis):
    """Shared parts of the 1-D bases: the affine map to the reference interval and
    rejection sampling of ``phi_j^2 d mu`` from a proposal with ``phi_j^2 / ratio <= bound``."""

    _bound = 2.0

    def __init__(self, m: int, domain=(-1.0, 1.0)):
        self.dim = _count(m)
        self.domain = _interval(domain)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.dim}, {self.domain.bounds[0]})"

    def _to_ref(self, x: np.ndarray) -> np.ndarray:
        a, b = self.domain.bounds[0]
        return (2.0 * x - a - b) / (b - a)

    def _from_ref(self, t: np.ndarray) -> np.ndarray:
        a, b = self.domain.bounds[0]
        return (0.5 * (a + b) + 0.5 * (b - a) * t)[:, None]

    @abc.abstractmethod
    def _ref_features(self, t: np.ndarray, m: int) -> np.ndarray:
        """The first ``m`` features at reference points ``t``: shape ``(n, m)``."""

    @abc.abstractmethod
    def _propose(self, n: int, rng) -> tuple[np.ndarray, np.ndarray]:
        """Reference proposals ``t`` and the factor ``c(t)`` with acceptance
        ``c(t) phi_j(t)^2 <= 1``."""

    def evaluate(self, points) -> np.ndarray:
        x = _points(points, 1)[:, 0]
        return self._ref_features(self._to_ref(x), self.dim)

    def sample_components(self, j, *, rng) -> np.ndarray:
        j = np.asarray(j, dtype=np.int64).reshape(-1)
        if j.size and (j.min() < 0 or j.max() >= self.dim):
            raise ParameterError(
                explain(
                    "component index out of range",
                    expected=f"0 <= j < {self.dim}",
                    received=f"[{j.min()}, {j.max()}]",
                    fix="index the basis functions from 0",
                )
            )
        out = np.empty(j.size)
        todo = np.arange(j.size)
        while todo.size:
            t, c = self._propose(todo.size, rng)
            phi = self._ref_features(t, int(j[todo].max()) + 1)[np.arange(todo.size), j[todo]]
            ok = rng.random(todo.size) < c * phi**2
            out[todo[ok]] = t[ok]
            todo = todo[~ok]
        return self._from_ref(out)


class Legendre(_Univariate):
    """Orthonormal Legendre polynomials ``sqrt(2j+1) P_j``, ``j < m``, for the uniform
    probability measure on ``[a, b]``.

    Components ``phi_j^2 d mu`` are sampled by rejection from the arcsine law: the
    Bernstein bound ``sqrt(1 - t^2) P_j(t)^2 <= 2 / (pi (j + 1/2))`` makes the density
    ratio at most 2, so exactly half of the proposals are accepted (theory.md §2).

    Examples
    --------
    >>> basis = Legendre(3)
    >>> basis.evaluate(np.array([1.0])).round(6).tolist()
    [[1.0, 1.732051, 2.236068]]
    """

    def _ref_features(self, t, m):
        out = np.empty((t.size, m))
        out[:, 0] = 1.0
        if m > 1:
            out[:, 1] = t
        for k in range(1, m - 1):  # (k+1) P_{k+1} = (2k+1) t P_k - k P_{k-1}
            out[:, k + 1] = ((2 * k + 1) * t * out[:, k] - k * out[:, k - 1]) / (k + 1)
        return out * np.sqrt(2.0 * np.arange(m) + 1.0)

    def sample_measure(self, n, *, rng):
        return self._from_ref(rng.uniform(-1.0, 1.0, int(n)))

    def _propose(self, n, rng):
        t = np.cos(np.pi * rng.random(n))  # arcsine law
        # target phi^2/2, proposal 1/(pi sqrt(1-t^2)); ratio / 2 <= 1
        return t, 0.25 * np.pi * np.sqrt(np.clip(1.0 - t * t, 0.0, None))


class Chebyshev(_Univariate):
    """Orthonormal Chebyshev polynomials ``1, sqrt(2) T_j`` for the Chebyshev (arcsine)
    probability measure on ``[a, b]``.

    Examples
    --------
    >>> Chebyshev(3).evaluate(np.array([0.0])).round(6).tolist()
    [[1.0, 0.0, -1.414214]]
    """

    def _ref_features(self, t, m):
        theta = np.arccos(np.clip(t, -1.0, 1.0))
        out = np.sqrt(2.0) * np.cos(np.outer(theta, np.arange(m)))
        out[:, 0] = 1.0
        return out

    def sample_measure(self, n, *, rng):
        return self._from_ref(np.cos(np.pi * rng.random(int(n))))

    def _propose(self, n, rng):
        return np.cos(np.pi * rng.random(n)), np.full(n, 0.5)


class Fourier(_Univariate):
    """The real trigonometric basis ``1, sqrt 2 cos(2 pi k s), sqrt 2 sin(2 pi k s)``,
    ``k = 1, 2, ...`` (first ``m`` of them), orthonormal for the uniform probability
    measure on a periodic interval.

    Examples
    --------
    >>> Fourier(3, (0.0, 1.0)).evaluate(np.array([0.25])).round(6).tolist()
    [[1.0, 0.0, 1.414214]]
    """

    def _ref_features(self, t, m):
        s = 0.5 * (t + 1.0)
        j = np.arange(m)
        k = (j + 1) // 2
        arg = 2.0 * np.pi * np.outer(s, k)
        out = np.sqrt(2.0) * np.where(j % 2 == 1, np.cos(arg), np.sin(arg))
        out[:, 0] = 1.0
        return out

    def sample_measure(self, n, *, rng):
        return self._from_ref(rng.uniform(-1.0, 1.0, int(n)))

    def _propose(self, n, rng):
        return rng.uniform(-1.0, 1.0, n), np.full(n, 0.5)


def tensor_index_set(degrees) -> np.ndarray:
    """All multi-indices ``nu`` with ``0 <= nu_k < degrees[k]``: shape ``(prod, d)``.

    Examples
    --------
    >>> tensor_index_set((2, 2)).tolist()
    [[0, 0], [0, 1], [1, 0], [1, 1]]
    """
    ranges = [range(_count(p, "degree")) for p in degrees]
    return np.array(list(itertools.product(*ranges)), dtype=np.int64)


def total_degree_index_set(d: int, p: int) -> np.ndarray:
    """Multi-indices with ``|nu|_1 <= p`` in ``d`` variables, by total degree:
    shape ``(binom(d + p, d), d)``.

    Examples
    --------
    >>> total_degree_index_set(2, 1).tolist()
    [[0, 0], [0, 1], [1, 0]]
    """
    idx = tensor_index_set((p + 1,) * _count(d, "d"))
    idx = idx[idx.sum(axis=1) <= p]
    return idx[np.argsort(idx.sum(axis=1), kind="stable")]


class TensorBasis(AbstractOrthonormalBasis):
    """Products ``phi_nu(x) = prod_k phi^{(k)}_{nu_k}(x_k)`` of univariate orthonormal bases
    over a multi-index set (tensor, total degree, or any downward-closed set).

    Parameters
    ----------
    factors : sequence of univariate orthonormal bases
        One per dimension; factor k must have more than ``max nu_k`` functions.
    indices : array_like of int, shape (m, d)

    Examples
    --------
    >>> basis = TensorBasis([Legendre(3), Legendre(3)], total_degree_index_set(2, 2))
    >>> basis.dim, basis.evaluate(np.zeros((4, 2))).shape
    (6, (4, 6))
    """

    def __init__(self, factors, indices):
        self.factors = tuple(factors)
        idx = np.asarray(indices, dtype=np.int64)
        if idx.ndim != 2 or idx.shape[1] != len(self.factors) or idx.shape[0] < 1:
            raise ShapeError(
                explain(
                    "multi-indices do not match the factors",
                    expected=f"shape (m, {len(self.factors)})",
                    received=f"{idx.shape}",
                    fix="build them with tensor_index_set or total_degree_index_set",
                )
            )
        for k, f in enumerate(self.factors):
            if idx[:, k].min() < 0 or idx[:, k].max() >= f.dim:
                raise ParameterError(
                    explain(
                        f"factor {k} has too few functions for the index set",
                        expected=f"more than {idx[:, k].max()} functions",
                        received=f"{f.dim}",
                        fix="enlarge the univariate factor",
                    )
                )
        self.indices = idx
        self.dim = idx.shape[0]
        self.domain = Domain([f.domain.bounds[0] for f in self.factors])

    def evaluate(self, points) -> np.ndarray:
        x = _points(points, self.ndim)
        out = np.ones((x.shape[0], self.dim))
        for k, f in enumerate(self.factors):
            out *= f.evaluate(x[:, k])[:, self.indices[:, k]]
        return out

    def sample_measure(self, n, *, rng):
        return np.hstack([f.sample_measure(n, rng=rng) for f in self.factors])

    def sample_components(self, j, *, rng):
        nu = self.indices[np.asarray(j, dtype=np.int64).reshape(-1)]
        return np.hstack(
            [f.sample_components(nu[:, k], rng=rng) for k, f in enumerate(self.factors)]
        )


class RandomFourierFeatures(AbstractBasis):
    """Random features ``sqrt(2/m) cos(W x + b)`` whose Gram kernel approximates the
    Gaussian kernel ``exp(-|x - y|^2 / (2 l^2))`` (Rahimi & Recht 2007). Not orthonormal.

    Parameters
    ----------
    domain : Domain
    m : int
        Number of features.
    lengthscale : float
    rng : numpy.random.Generator
        Draws ``W ~ N(0, I / l^2)`` of shape (d, m) and ``b ~ U[0, 2 pi)``.

    Examples
    --------
    >>> rff = RandomFourierFeatures(Domain([(0, 1)]), 4000, 0.5, rng=np.random.default_rng(0))
    >>> phi = rff.evaluate(np.array([[0.2], [0.5]]))
    >>> bool(abs(phi[0] @ phi[1] - np.exp(-0.18)) < 0.05)
    True
    """

    def __init__(self, domain: Domain, m: int, lengthscale: float, *, rng):
        self.domain = domain
        self.dim = _count(m)
        if not float(lengthscale) > 0:
            raise ParameterError(
                explain(
                    "lengthscale must be positive",
                    expected="l > 0",
                    received=repr(lengthscale),
                    fix="pass a positive lengthscale",
                )
            )
        gen = np.random.default_rng(rng)
        self.frequencies = gen.normal(size=(domain.ndim, self.dim)) / float(lengthscale)
        self.phases = gen.uniform(0.0, 2.0 * np.pi, self.dim)

    def evaluate(self, points) -> np.ndarray:
        x = _points(points, self.ndim)
        return np.sqrt(2.0 / self.dim) * np.cos(x @ self.frequencies + self.phases)
