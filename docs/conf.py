"""Sphinx configuration of the API reference.

Build: ``sphinx-build -b html -W --keep-going docs docs/_build/html`` (needs the ``docs``
extra: ``pip install -e ".[docs]"``). Pages are written by hand, one per public
subpackage (``docs/api/``); their contents come from the docstrings (numpydoc).
"""

import os
import sys
import warnings
from pathlib import Path

# One BLAS/torch thread: the build imports every module and runs nothing heavy.
os.environ.setdefault("OMP_NUM_THREADS", "1")

import sciml  # noqa: E402

sys.path.insert(0, str(Path(__file__).parent / "_ext"))

project = "sciml"
author = "sciml developers"
copyright = "sciml developers, BSD-3-Clause"
version = release = sciml.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
    "numpydoc",
    "docstring_fixes",  # docs/_ext: free-form sections and shape types, before numpydoc
]

exclude_patterns = ["_build"]
templates_path = []
html_theme = "alabaster"
html_static_path = []
html_title = f"sciml {release}"

# autodoc: members in the order of each module's __all__ (or source), type hints in the
# signature only, nothing executed beyond the import.
autodoc_default_options = {"members": True, "member-order": "bysource"}
autodoc_typehints = "signature"

# numpydoc renders the sections; class members are documented by autodoc, not repeated in
# a numpydoc member table. Docstring validation belongs to review, not to the build.
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_validation_checks = set()
numpydoc_xref_param_type = False

# numpydoc also parses each raw docstring while looking for a signature, and warns about
# the free-form sections there; docstring_fixes has already folded them into Notes for
# the rendered page, so those warnings carry no information.
warnings.filterwarnings("ignore", "Unknown section", UserWarning, r"numpydoc\.docscrape")

# Cross-references that do not resolve (third-party types such as torch.Tensor) are left
# as plain text instead of failing the build.
nitpicky = False
