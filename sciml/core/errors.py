"""Exceptions raised by sciml, with messages that say what was expected, what was received,
and how to fix it.

Every exception derives from :class:`SciMLError`, so ``except SciMLError`` catches the
package's own errors and nothing else; each also derives from the built-in class a caller
would expect (``ValueError``, ``RuntimeError``), so generic handlers keep working.
"""

from __future__ import annotations

__all__ = [
    "SciMLError",
    "ShapeError",
    "DiscretizationError",
    "ParameterError",
    "ConvergenceError",
    "explain",
]


def explain(problem: str, *, expected: str, received: str, fix: str) -> str:
    """Format an error message in the package's three-part convention.

    Parameters
    ----------
    problem : str
        One sentence naming what went wrong.
    expected, received : str
        What the call needed and what it was given.
    fix : str
        What the caller should do.

    Examples
    --------
    >>> print(explain("bad shape", expected="(3,)", received="(4,)", fix="pass 3 values"))
    bad shape: expected (3,), received (4,). Fix: pass 3 values.
    """
    return f"{problem}: expected {expected}, received {received}. Fix: {fix}."


class SciMLError(Exception):
    """Base class of every error raised by sciml."""


class ShapeError(SciMLError, ValueError):
    """An array has the wrong number of dimensions or the wrong extent."""


class DiscretizationError(SciMLError, ValueError):
    """Discretizations are invalid, incompatible, or have no resampling policy between them."""


class ParameterError(SciMLError, ValueError):
    """A numerical or physical parameter is invalid (negative viscosity, NaN coefficient,
    non-positive time step, restart length below the recycle dimension, ...)."""


class ConvergenceError(SciMLError, RuntimeError):
    """An iterative method stopped without meeting its tolerance."""
