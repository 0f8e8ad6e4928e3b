"""The common contract of the operator models: a JSON configuration that rebuilds the model,
a registry of model classes by name, seeded initialization and parameter counts.

Every model is an ``nn.Module`` whose constructor arguments are JSON-serializable (or
discretizations, see :mod:`.serialize`), so a checkpoint can store ``state_dict`` plus a
JSON ``spec`` and rebuild the model in a new process without pickling Python objects.
"""

from __future__ import annotations

import abc
import contextlib

import torch
from torch import nn

from sciml.core.errors import ParameterError, explain

__all__ = ["AbstractOperator", "MODELS", "build", "parameter_count", "seeded"]

MODELS: dict[str, type[AbstractOperator]] = {}
"""Concrete operator classes by name, filled as the classes are defined."""


def parameter_count(module: nn.Module, *, trainable_only: bool = True) -> int:
    """Number of real scalars in the parameters of ``module``.

    Complex parameters count twice (real and imaginary part); the models of this package
    store complex weights as real tensors with a trailing axis of 2, so both conventions
    give the same number.

    Examples
    --------
    >>> parameter_count(nn.Linear(3, 2))
    8
    """
    total = 0
    for p in module.parameters():
        if trainable_only and not p.requires_grad:
            continue
        total += p.numel() * (2 if p.is_complex() else 1)
    return total


@contextlib.contextmanager
def seeded(seed: int | None):
    """Draw initial weights from ``torch.manual_seed(seed)`` inside a forked RNG.

    The global RNG state is restored on exit, so a library call never reseeds the caller's
    stream. ``seed=None`` uses the caller's global RNG as is.

    Examples
    --------
    >>> with seeded(0):
    ...     a = torch.randn(2)
    >>> with seeded(0):
    ...     b = torch.randn(2)
    >>> bool((a == b).all())
    True
    """
    if seed is None:
        yield
        return
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ParameterError(
            explain(
                "seed must be a non-negative int or None",
                expected="seed >= 0",
                received=repr(seed),
                fix="pass seed=0 (or any non-negative int)",
            )
        )
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        yield


class AbstractOperator(nn.Module, abc.ABC):
    """Base class of the operator models.

    Subclasses call :meth:`_store_config` in their constructor with their constructor
    arguments (JSON-serializable values) and are registered in :data:`MODELS` under their
    class name.
    """

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if not getattr(cls, "__abstractmethods__", None) and not cls.__name__.startswith("_"):
            MODELS[cls.__name__] = cls

    def _store_config(self, **config) -> None:
        self._config = dict(config)

    def config(self) -> dict:
        """Constructor arguments, JSON-serializable: ``type(self).from_config(cfg)``
        rebuilds an identically shaped (freshly initialized) model."""
        return dict(self._config)

    def spec(self) -> dict:
        """``{"class": name, "config": config()}``: what :func:`build` takes."""
        return {"class": type(self).__name__, "config": self.config()}

    #: Constructor options added after configs were first saved, with the value that
    #: older models were built with; configs that lack one rebuild with it.
    DEFAULTS_BEFORE_THEY_EXISTED: dict = {}

    @classmethod
    def from_config(cls, config: dict) -> AbstractOperator:
        """Rebuild from :meth:`config` (the inverse of ``config()``); options missing from
        an older config take their :attr:`DEFAULTS_BEFORE_THEY_EXISTED` value."""
        return cls(**{**cls.DEFAULTS_BEFORE_THEY_EXISTED, **config})

    def parameter_count(self) -> int:
        """Number of trainable real scalars (see :func:`parameter_count`)."""
        return parameter_count(self)

    @abc.abstractmethod
    def forward(self, *args, **kwargs): ...


def build(spec: dict) -> AbstractOperator:
    """A freshly initialized model from ``{"class": name, "config": {...}}``.

    Only classes registered in :data:`MODELS` can be built: a checkpoint never names an
    arbitrary import path.

    Examples
    --------
    >>> from sciml.operators import FNO
    >>> m = FNO(1, 1, n_modes=(4,), hidden_channels=8, n_layers=2, seed=0)
    >>> type(build(m.spec())).__name__
    'FNO'
    """
    name = spec.get("class") if isinstance(spec, dict) else None
    if name not in MODELS:
        raise ParameterError(
            explain(
                "unknown operator class in a model spec",
                expected=" | ".join(sorted(MODELS)),
                received=repr(name),
                fix="pass the spec written by model.spec() of a sciml.operators model",
            )
        )
    return MODELS[name].from_config(spec.get("config", {}))
