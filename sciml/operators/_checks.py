"""Argument checks shared by the operator constructors (messages: expected/received/fix)."""

from __future__ import annotations

import numbers

from sciml.core.errors import ParameterError, explain

__all__ = ["check_int", "check_modes", "check_choice", "check_fraction"]


def check_int(value, name: str, *, minimum: int = 1) -> int:
    """``value`` as an int ``>= minimum``, else a :class:`ParameterError`."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise ParameterError(
            explain(
                f"{name} must be an integer >= {minimum}",
                expected=f"{name} >= {minimum}",
                received=repr(value),
                fix=f"pass an int of at least {minimum}",
            )
        )
    return int(value)


def check_modes(n_modes, name: str = "n_modes") -> tuple[int, ...]:
    """A tuple of positive ints (one per spatial dimension, 1 to 3 of them)."""
    modes = (n_modes,) if isinstance(n_modes, numbers.Integral) else tuple(n_modes)
    if not 1 <= len(modes) <= 3:
        raise ParameterError(
            explain(
                f"{name} gives one count per spatial dimension (1-D, 2-D or 3-D)",
                expected="a tuple of 1 to 3 positive ints",
                received=repr(n_modes),
                fix=f"pass e.g. {name}=(12, 12) for a 2-D model",
            )
        )
    return tuple(check_int(m, name) for m in modes)


def check_choice(value, name: str, choices) -> object:
    """``value`` if it is one of ``choices``."""
    if value not in choices:
        raise ParameterError(
            explain(
                f"unknown {name}",
                expected=" | ".join(repr(c) for c in choices),
                received=repr(value),
                fix=f"pass one of the supported values of {name}",
            )
        )
    return value


def check_fraction(value, name: str, *, upper: float = float("inf")) -> float:
    """A real number in ``[0, upper]``."""
    ok = isinstance(value, numbers.Real) and not isinstance(value, bool)
    if not ok or not 0.0 <= float(value) <= upper:
        raise ParameterError(
            explain(
                f"{name} must be a real number in [0, {upper}]",
                expected=f"0 <= {name} <= {upper}",
                received=repr(value),
                fix=f"pass a float {name} in the range",
            )
        )
    return float(value)
