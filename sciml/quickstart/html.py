"""A small markdown-to-HTML renderer for the subset the quickstart report uses.

Blocks: ATX headings (``#`` to ``######``), paragraphs, pipe tables (a header row, a
``|---|---:|`` delimiter row giving the alignment, body rows), fenced code blocks
(three backticks), unordered lists (``- item``) and images alone on a line (rendered as a
figure with the alt text as caption). Inline: ``code``, ``**bold**``, ``*emphasis*``,
``[links](url)`` and ``![images](src)``. Everything else is text, HTML-escaped. The output
is one self-contained page (inline CSS; images are referenced by their relative path).

Examples
--------
>>> print(render_body("# Title\\n\\nSome `code` and **bold**."))
<h1 id="title">Title</h1>
<p>Some <code>code</code> and <strong>bold</strong>.</p>
>>> "<th>a</th>" in render_body("| a | b |\\n|---|---:|\\n| 1 | 2 |")
True
"""

from __future__ import annotations

import html
import re

__all__ = ["render_body", "render_page", "slug"]

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_IMAGE_LINE = re.compile(r"^!\[([^\]]*)\]\(([^)\s]+)\)\s*$")
_DELIMITER = re.compile(r"^\|?\s*:?-{1,}:?\s*(\|\s*:?-{1,}:?\s*)*\|?\s*$")
_INLINE = re.compile(
    r"(?P<image>!\[(?P<alt>[^\]]*)\]\((?P<src>[^)\s]+)\))"
    r"|(?P<link>\[(?P<text>[^\]]+)\]\((?P<href>[^)\s]+)\))"
    r"|(?P<bold>\*\*(?P<strong>.+?)\*\*)"
    r"|(?P<emph>(?<![\w*])\*(?P<em>[^*\s](?:[^*]*[^*\s])?)\*(?![\w*]))"
)

_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; max-width: 1100px;
       margin: 2em auto; padding: 0 1em; line-height: 1.45; color: #222; }
h1, h2, h3 { line-height: 1.2; } h2 { border-bottom: 1px solid #ddd; padding-bottom: .2em; }
table { border-collapse: collapse; margin: .6em 0 1.2em; font-size: .92em; }
th, td { border: 1px solid #ccc; padding: .3em .6em; }
th { background: #f3f3f3; } tr:nth-child(even) td { background: #fafafa; }
code { background: #f3f3f3; padding: 0 .25em; border-radius: 3px; font-size: .92em; }
pre { background: #f6f6f6; padding: .8em; overflow-x: auto; border: 1px solid #e3e3e3; }
pre code { background: none; padding: 0; }
figure { margin: 1em 0; } figure img { max-width: 100%; border: 1px solid #eee; }
figcaption { font-size: .9em; color: #555; }
"""


def slug(text: str) -> str:
    """The ``id`` of a heading: lower case, runs of other characters turned into ``-``."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "section"


def _inline(text: str) -> str:
    """Inline markup of one line or paragraph; code spans are taken literally."""
    pieces = re.split(r"(`[^`]+`)", text)
    out = []
    for piece in pieces:
        if len(piece) >= 2 and piece.startswith("`") and piece.endswith("`"):
            out.append(f"<code>{_text(piece[1:-1])}</code>")
        else:
            out.append(_spans(piece))
    return "".join(out)


def _spans(text: str) -> str:
    out, pos = [], 0
    for m in _INLINE.finditer(text):
        out.append(_text(text[pos : m.start()]))
        if m.group("image"):
            out.append(
                f'<img src="{html.escape(m.group("src"))}" alt="{html.escape(m.group("alt"))}">'
            )
        elif m.group("link"):
            out.append(f'<a href="{html.escape(m.group("href"))}">{_spans(m.group("text"))}</a>')
        elif m.group("bold"):
            out.append(f"<strong>{_spans(m.group('strong'))}</strong>")
        else:
            out.append(f"<em>{_spans(m.group('em'))}</em>")
        pos = m.end()
    out.append(_text(text[pos:]))
    return "".join(out)


def _text(text: str) -> str:
    """Escape text content (``&``, ``<``, ``>``; quotes only matter inside attributes)."""
    return html.escape(text, quote=False)


def _cells(line: str) -> list[str]:
    body = line.strip()
    if body.startswith("|"):
        body = body[1:]
    if body.endswith("|") and not body.endswith("\\|"):
        body = body[:-1]
    cells = re.split(r"(?<!\\)\|", body)
    return [c.strip().replace("\\|", "|") for c in cells]


def _table(lines: list[str]) -> str:
    header = _cells(lines[0])
    aligns = []
    for spec in _cells(lines[1]):
        if spec.startswith(":") and spec.endswith(":"):
            aligns.append("center")
        elif spec.endswith(":"):
            aligns.append("right")
        else:
            aligns.append("")
    aligns += [""] * (len(header) - len(aligns))

    def row(cells, tag):
        cells = cells + [""] * (len(header) - len(cells))
        parts = []
        for cell, align in zip(cells, aligns):
            style = f' style="text-align: {align}"' if align else ""
            parts.append(f"<{tag}{style}>{_inline(cell)}</{tag}>")
        return "<tr>" + "".join(parts) + "</tr>"

    body = "\n".join(row(_cells(line), "td") for line in lines[2:])
    return (
        f"<table>\n<thead>{row(header, 'th')}</thead>\n<tbody>\n{body}\n</tbody>\n</table>"
        if body
        else f"<table>\n<thead>{row(header, 'th')}</thead>\n</table>"
    )


def render_body(markdown: str) -> str:
    """The HTML of ``markdown``'s blocks (no ``<html>``/``<body>`` wrapper)."""
    lines = markdown.splitlines()
    blocks, i = [], 0
    while i < len(lines):
        line = lines[i]
        stripped = line.strip()
        if not stripped:
            i += 1
        elif stripped.startswith("```"):
            lang = stripped[3:].strip()
            j = i + 1
            while j < len(lines) and not lines[j].strip().startswith("```"):
                j += 1
            code = _text("\n".join(lines[i + 1 : j]))
            cls = f' class="language-{html.escape(lang)}"' if lang else ""
            blocks.append(f"<pre><code{cls}>{code}</code></pre>")
            i = j + 1
        elif m := _HEADING.match(stripped):
            level, text = len(m.group(1)), m.group(2)
            blocks.append(f'<h{level} id="{slug(text)}">{_inline(text)}</h{level}>')
            i += 1
        elif m := _IMAGE_LINE.match(stripped):
            alt, src = html.escape(m.group(1)), html.escape(m.group(2))
            caption = f"<figcaption>{_inline(m.group(1))}</figcaption>" if alt else ""
            blocks.append(f'<figure><img src="{src}" alt="{alt}">{caption}</figure>')
            i += 1
        elif stripped.startswith("|") and i + 1 < len(lines) and _DELIMITER.match(lines[i + 1]):
            j = i + 2
            while j < len(lines) and lines[j].strip().startswith("|"):
                j += 1
            blocks.append(_table([lines[k] for k in range(i, j)]))
            i = j
        elif stripped.startswith(("- ", "* ")):
            items = []
            while i < len(lines) and lines[i].strip().startswith(("- ", "* ")):
                items.append(f"<li>{_inline(lines[i].strip()[2:])}</li>")
                i += 1
            blocks.append("<ul>\n" + "\n".join(items) + "\n</ul>")
        else:
            j = i
            while j < len(lines) and _paragraph_line(lines, j):
                j += 1
            text = " ".join(lines[k].strip() for k in range(i, j))
            blocks.append(f"<p>{_inline(text)}</p>")
            i = j
    return "\n".join(blocks)


def _paragraph_line(lines: list[str], j: int) -> bool:
    s = lines[j].strip()
    if not s or s.startswith(("```", "- ", "* ")) or _HEADING.match(s) or _IMAGE_LINE.match(s):
        return False
    return not (s.startswith("|") and j + 1 < len(lines) and _DELIMITER.match(lines[j + 1]))


def render_page(markdown: str, title: str = "report") -> str:
    """A complete HTML5 page for ``markdown`` with inline CSS.

    Examples
    --------
    >>> page = render_page("# Hi", title="demo")
    >>> page.startswith("<!DOCTYPE html>"), "<title>demo</title>" in page
    (True, True)
    """
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{html.escape(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        f"{render_body(markdown)}\n</body>\n</html>\n"
    )
