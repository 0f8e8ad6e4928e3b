"""The built-in claims. Importing this package registers them in
``sciml.validation.registry.REGISTRY``; add a module per area (``core``, ``solvers``, ...)
and import it here."""

from . import (
    core,
    gp,
    multigrid,
    operators,
    pde,
    theory,
    theory_rates,
    transport,
    transport_rates,
)

__all__ = [
    "core",
    "gp",
    "multigrid",
    "operators",
    "pde",
    "theory",
    "theory_rates",
    "transport",
    "transport_rates",
]
