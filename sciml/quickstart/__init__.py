"""The main job, ``sciml quickstart``: every part of the package end to end, one report.

:func:`run_quickstart` runs five stages, each isolated (a failure is reported in its
section and makes the exit status 1, the other stages still run):

1. :mod:`.darcy_data`: a Darcy data set by :func:`sciml.data.generate` with the automatic
   solver choice, and its speed-up over independent GMRES(40)+ILU measured in the same run;
2. :mod:`.operator`: an FNO trained on it, evaluated at the training grid and zero-shot at
   twice the resolution;
3. :mod:`.gp`: a high-frequency benchmark PDE by the Kronecker GP solver, finite
   differences and Chebyshev collocation;
4. :mod:`.bridge`: a Light Schrödinger bridge on an entropic-OT benchmark pair, with the
   exact cBW2-UVP metric beside its oracle floor;
5. :mod:`.validation`: the fast validation tier, every claim beside its broken variant.

The report (:mod:`.report`) is ``report.md`` with a table per part and PNG figures, its
HTML rendering ``report.html`` (:mod:`.html`) and ``results.json``. Parameter sets are in
:mod:`.scales`.
"""

from .parts import Context, Part, Table
from .runner import STAGES, QuickstartResult, default_device, run_quickstart
from .scales import PAPER, SCALES, SMALL, TINY, Scale

__all__ = [
    "PAPER",
    "SCALES",
    "SMALL",
    "STAGES",
    "TINY",
    "Context",
    "Part",
    "QuickstartResult",
    "Scale",
    "Table",
    "default_device",
    "run_quickstart",
]
