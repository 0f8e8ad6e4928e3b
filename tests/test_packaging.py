"""Packaging facts: every package folder is listed in pyproject, mapped names import from
the repository, and no mapped folder is importable as a top-level module."""

import importlib
import subprocess
import sys
from pathlib import Path

import sciml

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]


def declared():
    cfg = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    return set(cfg["packages"]), cfg["package-dir"]


def test_every_package_folder_is_declared():
    packages, package_dir = declared()
    found = set()
    for name, folder in package_dir.items():
        for init in (ROOT / folder).rglob("__init__.py"):
            rel = init.parent.relative_to(ROOT / folder).parts
            if name == "sciml" and rel and rel[0] in ("solvers", "theory", "validation"):
                continue
            found.add(".".join([name, *rel]))
    missing = found - packages
    assert not missing, f"add these to [tool.setuptools] packages in pyproject.toml: {missing}"


def test_mapped_packages_import_from_the_repository():
    for name, folder in declared()[1].items():
        module = importlib.import_module(name)
        assert Path(module.__file__).resolve().parent == (ROOT / folder).resolve()


def test_version_matches_metadata():
    from importlib.metadata import version

    assert sciml.__version__ == version("sciml-numerics")


def test_mapped_folders_are_not_top_level_modules():
    code = (
        "import importlib.util,sys; sys.path=[p for p in sys.path if p not in ('', '.')];"
        "print([n for n in ('solvers','theory','validation') "
        "if (s:=importlib.util.find_spec(n)) and 'sciml' in str(s.origin)])"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd="/", check=True
    )
    assert out.stdout.strip() == "[]"
