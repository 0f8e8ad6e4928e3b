"""Sphinx extension: adapt the package's numpydoc docstrings before numpydoc renders them.

Two conventions of the code base are not numpydoc's:

* free-form sections such as ``Shapes`` (the tensor shapes an operator maps between).
  numpydoc drops unknown sections with a warning; here each one becomes a paragraph of the
  ``Notes`` section, headed by its title, so its content is kept;
* shape types like ``torch.Tensor of shape (*batch, c)`` in ``Parameters``/``Returns``.
  numpydoc writes type lines as reStructuredText, where ``*batch`` opens an emphasis that
  never closes; the stars of type lines (outside literals) are escaped.

The handler runs on ``autodoc-process-docstring`` before numpydoc's (priority 400 < 500).
"""

from __future__ import annotations

import re

from numpydoc.docscrape import NumpyDocString

KNOWN = set(NumpyDocString.sections) - {"Signature", "Summary", "Extended Summary"}
TYPED = {"Parameters", "Other Parameters", "Returns", "Yields", "Receives", "Attributes"}
UNNAMED = {"Returns", "Yields", "Receives"}  # a type line may carry no name
LITERAL = re.compile(r"(``.+?``|`[^`]+`)")


def _section_starts(lines: list[str]) -> list[tuple[int, str]]:
    """``(index, title)`` of every numpydoc section header (a title, then dashes)."""
    starts = []
    for i in range(len(lines) - 1):
        title, rule = lines[i].strip(), lines[i + 1].strip()
        if (
            title
            and not lines[i].startswith(" ")
            and rule
            and set(rule) == {"-"}
            and len(rule) == len(title)
        ):
            starts.append((i, title))
    return starts


def escape_stars(line: str) -> str:
    """Escape ``*`` outside inline literals, so ``(*batch,)`` is not an emphasis."""
    parts = LITERAL.split(line)
    parts[::2] = [re.sub(r"(?<!\\)\*", r"\\*", p) for p in parts[::2]]
    return "".join(parts)


def fold_unknown_sections(lines: list[str]) -> list[str]:
    """Move every section numpydoc does not know into ``Notes``, titled in bold.

    Parameters
    ----------
    lines : list of str
        A dedented docstring, one entry per line.

    Returns
    -------
    list of str
        The docstring with each unknown section ``Title / ----- / body`` removed and
        appended to ``Notes`` (created at the end when absent) as ``**Title.** body``.
    """
    starts = _section_starts(lines)
    if not starts:
        return lines
    bounds = [*(i for i, _ in starts), len(lines)]
    head = lines[: bounds[0]]
    sections = [(t, lines[bounds[k] + 2 : bounds[k + 1]]) for k, (_, t) in enumerate(starts)]
    kept, folded = [], []
    for title, body in sections:
        if title in KNOWN:
            kept.append((title, body))
        else:
            text = list(body)
            while text and not text[-1].strip():
                text.pop()
            if text:
                text[0] = f"**{title}.** {text[0].lstrip()}"
            folded += [*text, ""]
    if not folded:
        return lines
    if not any(title == "Notes" for title, _ in kept):
        kept.append(("Notes", []))
    out = list(head)
    for title, body in kept:
        if title == "Notes":
            body = [*folded, *body]
        out += [title, "-" * len(title), *body]
        if out[-1].strip():
            out.append("")
    return out


def escape_type_lines(lines: list[str]) -> list[str]:
    """Escape stars in the types of the unindented ``name : type`` lines of typed sections.

    Names (``*args``, ``**options``) are left alone: numpydoc escapes them itself.
    """
    out, section = [], None
    headers = dict(_section_starts(lines))
    for i, line in enumerate(lines):
        if i in headers:
            section = headers[i]
        elif section in TYPED and line and not line.startswith(" ") and set(line) != {"-"}:
            if " : " in line:
                name, kind = line.split(" : ", 1)
                line = f"{name} : {escape_stars(kind)}"
            elif section in UNNAMED:
                line = escape_stars(line)
        out.append(line)
    return out


def process(app, what, name, obj, options, lines):
    """``autodoc-process-docstring`` handler: edits ``lines`` in place."""
    lines[:] = escape_type_lines(fold_unknown_sections(list(lines)))


def setup(app):
    app.connect("autodoc-process-docstring", process, priority=400)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
