"""What every solver returns: a value, a status whose text is the user's next step, stats
and a state for warm starts."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any

from .errors import ConvergenceError

__all__ = ["Status", "Solution"]


class Status(enum.Enum):
    """Outcome of a solve. Each value is the message a user needs."""

    SUCCESS = "converged: the requested tolerance was met"
    MAX_ITERATIONS = (
        "stopped at max_iter before reaching the tolerance: raise max_iter, loosen rtol/atol, "
        "or use a preconditioner"
    )
    BREAKDOWN = (
        "the method broke down (a zero divisor in the recurrence): the operator may be "
        "singular or indefinite for this method; try GMRES or a direct solve"
    )
    STAGNATION = (
        "the residual stopped decreasing: the tolerance may be below what the conditioning "
        "allows; loosen it or precondition"
    )
    NONFINITE = (
        "NaN or Inf appeared: check the inputs and coefficients for NaN/Inf and the operator "
        "for singularity"
    )

    @property
    def ok(self) -> bool:
        return self is Status.SUCCESS


@dataclass(frozen=True)
class Solution:
    """A solver's result.

    Parameters
    ----------
    value : Any
        The solution (a tensor, array or :class:`Field`).
    status : Status
    stats : dict
        Iterations, residual history, timings, matrix-vector products, ...
    state : Any
        What the next call can reuse (warm starts, recycled subspaces). Solvers return new
        state; they never mutate their arguments.

    Examples
    --------
    >>> s = Solution(1.0, Status.MAX_ITERATIONS, {"iterations": 50})
    >>> s.ok
    False
    >>> s.raise_for_status()
    Traceback (most recent call last):
    ...
    sciml.core.errors.ConvergenceError: stopped at max_iter ...
    """

    value: Any
    status: Status = Status.SUCCESS
    stats: dict = field(default_factory=dict)
    state: Any = None

    @property
    def ok(self) -> bool:
        """True when the solve converged."""
        return self.status.ok

    def raise_for_status(self) -> Solution:
        """Return self if converged, else raise :class:`ConvergenceError` with the status."""
        if not self.ok:
            detail = {k: v for k, v in self.stats.items() if isinstance(v, (int, float, str))}
            raise ConvergenceError(f"{self.status.value} (stats: {detail})")
        return self
