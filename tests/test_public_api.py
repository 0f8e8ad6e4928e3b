"""The public API surface: the names each subpackage exports are snapshotted in
``tests/public_api.txt``, so adding, removing or renaming a public name is a visible,
reviewed change; and ``import sciml`` stays cheap (no torch, scipy, matplotlib or h5py).

To accept a deliberate change of the surface, regenerate the snapshot and review its diff::

    SCIML_UPDATE_API_SNAPSHOT=1 python -m pytest tests/test_public_api.py
"""

import importlib
import os
import pkgutil
import subprocess
import sys
import types
from pathlib import Path

SNAPSHOT = Path(__file__).with_name("public_api.txt")
UPDATE = "SCIML_UPDATE_API_SNAPSHOT"
PACKAGES = (
    "sciml",
    "sciml.core",
    "sciml.data",
    "sciml.operators",
    "sciml.training",
    "sciml.solvers",
    "sciml.solvers.gp",
    "sciml.solvers.krylov",
    "sciml.solvers.multigrid",
    "sciml.solvers.pde",
    "sciml.solvers.transport",
    "sciml.theory",
    "sciml.validation",
    "sciml.validation.cases",
)
HEAVY = ("torch", "scipy", "matplotlib", "h5py")


def _exported(module: types.ModuleType) -> list[str]:
    """``__all__``; for a package without one, its public submodules (and attributes that
    are not imported helpers), which is where its API lives."""
    if hasattr(module, "__all__"):
        return sorted(module.__all__)
    names = set()
    if hasattr(module, "__path__"):
        names |= {m.name for m in pkgutil.iter_modules(module.__path__) if m.name[0] != "_"}
    for name in dir(module):
        value = getattr(module, name, None)
        if name.startswith("_") or type(value).__module__ == "__future__":
            continue
        if isinstance(value, types.ModuleType):
            if value.__name__.startswith(module.__name__ + "."):
                names.add(name)
            continue
        names.add(name)
    return sorted(names)


def _modules() -> list[str]:
    """:data:`PACKAGES`, and the modules of ``sciml.theory`` (its API is per module)."""
    theory = importlib.import_module("sciml.theory")
    per_module = [f"sciml.theory.{m.name}" for m in pkgutil.iter_modules(theory.__path__)]
    return [*PACKAGES, *sorted(n for n in per_module if not n.rsplit(".", 1)[1].startswith("_"))]


def _surface() -> list[str]:
    lines = []
    for name in _modules():
        module = importlib.import_module(name)
        lines += [f"{name}: {export}" for export in _exported(module)]
    return lines


def test_exported_names_match_the_snapshot():
    current = _surface()
    if os.environ.get(UPDATE):
        SNAPSHOT.write_text(
            "# The public API: one 'module: name' per line. Regenerate with\n"
            f"# {UPDATE}=1 python -m pytest tests/test_public_api.py\n" + "\n".join(current) + "\n"
        )
    assert SNAPSHOT.exists(), f"no {SNAPSHOT.name}: run with {UPDATE}=1 to create it"
    recorded = [
        line
        for line in SNAPSHOT.read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    added = sorted(set(current) - set(recorded))
    removed = sorted(set(recorded) - set(current))
    assert not added and not removed, (
        "the public API differs from tests/public_api.txt:\n"
        + "".join(f"  + {line}  (new)\n" for line in added)
        + "".join(f"  - {line}  (gone)\n" for line in removed)
        + f"If the change is deliberate, run\n  {UPDATE}=1 python -m pytest "
        "tests/test_public_api.py\nand commit the updated tests/public_api.txt with it."
    )


def test_every_exported_name_exists():
    for name in _modules():
        module = importlib.import_module(name)
        missing = [n for n in getattr(module, "__all__", ()) if not hasattr(module, n)]
        assert not missing, f"{name}.__all__ lists names it does not define: {missing}"


def test_import_sciml_loads_no_heavy_dependency():
    code = (
        "import sys, sciml; "
        f"print(','.join(m for m in {HEAVY!r} if m in sys.modules)); "
        "print(sciml.__version__)"
    )
    run = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    loaded, version = run.stdout.splitlines()
    assert loaded == "", f"'import sciml' imported {loaded}: keep these imports lazy"
    assert version.count(".") >= 2
