"""The API reference covers the package: every public subpackage has a page in docs/, every
page is reachable from the index, and CI builds it with warnings as errors. (The build
itself runs in CI, not here.)"""

import importlib.util
import pkgutil
import re
from pathlib import Path

import pytest

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
BUILD = "sphinx-build -b html -W --keep-going docs docs/_build/html"

# Packages documented elsewhere than on a page of their own, and why.
NO_PAGE = {
    "sciml": "the index page describes the package",
    "sciml.solvers": "a namespace; its five subpackages have pages",
}


def setuptools_config() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]


def packages() -> list[str]:
    return setuptools_config()["packages"]


def source(name: str) -> Path | None:
    """The folder or file of a module, found from pyproject's package-dir without importing
    anything (the imports would make this test as slow as the docs build)."""
    package_dir = setuptools_config()["package-dir"]
    root = max((k for k in package_dir if name == k or name.startswith(k + ".")), key=len)
    path = ROOT / package_dir[root] / Path(*name[len(root) :].lstrip(".").split("."))
    if (path / "__init__.py").is_file():
        return path
    return path.with_suffix(".py") if path.with_suffix(".py").is_file() else None


def documented_modules() -> set[str]:
    """Every module named by an ``automodule`` directive in docs/."""
    pattern = re.compile(r"^\.\. automodule:: *(\S+) *$", re.M)
    return {m for rst in DOCS.rglob("*.rst") for m in pattern.findall(rst.read_text())}


def test_every_public_subpackage_has_a_page():
    documented = documented_modules()
    missing = [p for p in packages() if p not in NO_PAGE and p not in documented]
    assert not missing, (
        f"no API page documents {missing}: add docs/api/NAME.rst with '.. automodule:: NAME' "
        "and list it in a toctree of docs/index.rst"
    )


def test_every_page_names_an_existing_module():
    for name in documented_modules():
        assert source(name) is not None, f"docs/ documents {name}, which does not exist"


def test_modules_of_packages_without_all_are_documented_one_by_one():
    """A package that exports nothing (``sciml.theory``) is documented module by module,
    so a new module there needs its own ``automodule`` line."""
    documented = documented_modules()
    for name in packages():
        folder = source(name)
        if name in NO_PAGE or re.search(r"^__all__", (folder / "__init__.py").read_text(), re.M):
            continue
        public = [
            info.name
            for info in pkgutil.iter_modules([str(folder)], name + ".")
            if not info.name.rsplit(".", 1)[1].startswith("_")
        ]
        missing = sorted(set(public) - documented)
        assert not missing, f"{name} exports no __all__; document these modules too: {missing}"


def test_every_page_is_in_the_index():
    index = (DOCS / "index.rst").read_text()
    for page in sorted((DOCS / "api").glob("*.rst")):
        assert re.search(rf"^\s+api/{re.escape(page.stem)}\s*$", index, re.M), (
            f"docs/api/{page.name} is in no toctree of docs/index.rst"
        )


def test_ci_builds_the_docs_with_warnings_as_errors():
    ci = (ROOT / ".ci" / "run").read_text()
    assert BUILD in ci and '.[docs]"' in ci


@pytest.fixture(scope="module")
def fixes():
    pytest.importorskip("numpydoc")
    path = DOCS / "_ext" / "docstring_fixes.py"
    spec = importlib.util.spec_from_file_location("docstring_fixes", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_unknown_sections_are_kept_in_notes(fixes):
    doc = "Summary.\n\nShapes\n------\n``(B, c) -> (B, d)``\n\nExamples\n--------\n>>> 1\n1"
    out = fixes.fold_unknown_sections(doc.splitlines())
    assert "Shapes" not in out
    notes = out.index("Notes")
    assert out[notes + 1] == "-----" and out[notes + 2] == "**Shapes.** ``(B, c) -> (B, d)``"
    assert out[out.index("Examples") + 2] == ">>> 1"


def test_shape_types_escape_their_stars_outside_literals(fixes):
    doc = [
        "Parameters",
        "----------",
        "**options : torch.Tensor of shape (*batch, ``*shape``)",
        "    Text with *emphasis*.",
        "Returns",
        "-------",
        "torch.Tensor of shape (*batch,)",
    ]
    out = fixes.escape_type_lines(doc)
    assert out[2] == r"**options : torch.Tensor of shape (\*batch, ``*shape``)"
    assert out[3] == doc[3]
    assert out[6] == r"torch.Tensor of shape (\*batch,)"
