"""The import graph respects the layering of DESIGN.md.

import-linter cannot be used: its graph builder does not see packages mapped with
setuptools ``package-dir``. This test reads every module's imports with ``ast`` instead,
resolving relative imports, and checks each internal edge against the allowed layers.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# import name -> folder in the repository
PACKAGE_DIRS = {
    "sciml": ROOT / "sciml",
    "sciml.solvers": ROOT / "solvers",
    "sciml.theory": ROOT / "theory",
    "sciml.validation": ROOT / "validation",
}

# Layer of each internal module prefix (longest prefix wins) and what it may import.
LAYERS = {
    "sciml.core": set(),
    "sciml.plot": {"sciml.core"},
    "sciml.plot_predictions": {"sciml.core"},
    "sciml.solvers": {"sciml.core"},
    "sciml.theory": {"sciml.core"},
    "sciml.operators": {"sciml.core"},
    "sciml.training": {"sciml.core", "sciml.operators"},
    "sciml.data": {"sciml.core", "sciml.solvers"},
    "sciml.validation": {
        "sciml.core",
        "sciml.plot",
        "sciml.solvers",
        "sciml.theory",
        "sciml.operators",
        "sciml.training",
        "sciml.data",
    },
    "sciml.quickstart": {"*"},  # the main job composes every part
    "sciml.cli": {"*"},
    "sciml.__main__": {"sciml.cli"},
    "sciml": set(),  # the root package only re-exports lazily, by name
}


def module_files():
    """Yield (dotted module name, path) for every module of the installed packages."""
    for pkg, folder in PACKAGE_DIRS.items():
        for path in sorted(folder.rglob("*.py")):
            rel = path.relative_to(folder).with_suffix("")
            parts = list(rel.parts)
            if pkg == "sciml" and parts and parts[0] in ("solvers", "theory", "validation"):
                continue  # not a real location
            if parts[-1] == "__init__":
                parts = parts[:-1]
            yield ".".join([pkg, *parts]), path


def layer_of(module: str) -> str:
    best = ""
    for prefix in LAYERS:
        if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > len(best):
            best = prefix
    return best


def imports_of(module: str, path: Path):
    """Absolute names imported by a module, relative imports resolved."""
    tree = ast.parse(path.read_text(), filename=str(path))
    is_pkg = path.name == "__init__.py"
    package = module if is_pkg else module.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            yield target, node.lineno
            for alias in node.names:  # "from . import x" may import a submodule
                yield f"{target}.{alias.name}", node.lineno


def internal_edges():
    for module, path in module_files():
        for target, line in imports_of(module, path):
            if target == "sciml" or target.startswith("sciml."):
                yield module, target, path, line


def test_module_discovery_sees_every_mapped_package():
    modules = dict(module_files())
    assert "sciml.core" in modules
    assert "sciml.solvers" in modules and "sciml.theory" in modules


def test_no_top_level_imports_of_mapped_folders():
    """`import solvers` would pick up an unrelated PyPI package once installed."""
    offenders = []
    for module, path in module_files():
        for target, line in imports_of(module, path):
            if target.split(".")[0] in ("solvers", "theory", "validation"):
                offenders.append(f"{path.relative_to(ROOT)}:{line} imports {target}")
    assert not offenders, "\n".join(offenders)


def test_layering():
    violations = []
    for module, target, path, line in internal_edges():
        src, dst = layer_of(module), layer_of(target)
        if not src:
            violations.append(f"{module} is in no layer; add it to LAYERS")
            continue
        allowed = LAYERS[src]
        if dst == src or "*" in allowed or dst in allowed:
            continue
        violations.append(f"{path.relative_to(ROOT)}:{line}: {src} must not import {target}")
    assert not violations, "layering violations:\n" + "\n".join(violations)


@pytest.mark.parametrize(
    "src,dst,ok",
    [
        ("sciml.core.field", "sciml.core.grid", True),
        ("sciml.core.field", "sciml.solvers.krylov", False),
        ("sciml.solvers.krylov.cg", "sciml.core", True),
        ("sciml.solvers.krylov.cg", "sciml.operators.fno", False),
        ("sciml.validation.runner", "sciml.solvers", True),
    ],
)
def test_layer_rules_themselves(src, dst, ok):
    """The checker can fail: known-bad edges are rejected."""
    s, d = layer_of(src), layer_of(dst)
    assert (d == s or "*" in LAYERS[s] or d in LAYERS[s]) is ok
