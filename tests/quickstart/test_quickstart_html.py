"""The report's markdown-to-HTML renderer, block by block, and the markdown tables."""

from sciml.quickstart.html import render_body, render_page, slug
from sciml.quickstart.parts import Table, format_value


def test_headings_get_levels_and_ids():
    html = render_body("# Top\n\n### 3. Sub: part")
    assert html.splitlines() == ['<h1 id="top">Top</h1>', '<h3 id="3-sub-part">3. Sub: part</h3>']
    assert slug("4. Light Schrödinger bridge") == "4-light-schr-dinger-bridge"


def test_paragraph_lines_are_joined_and_inline_markup_rendered():
    html = render_body("A **bold** and *em* word,\na [link](b.md) and `x < y`.\n\nNext.")
    assert html.splitlines() == [
        '<p>A <strong>bold</strong> and <em>em</em> word, a <a href="b.md">link</a> and '
        "<code>x &lt; y</code>.</p>",
        "<p>Next.</p>",
    ]


def test_text_is_escaped_and_code_spans_are_literal():
    html = render_body("<script>alert(1)</script> `**not bold**` 2 * 3 * 4")
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<code>**not bold**</code>" in html
    assert "<em>" not in html  # spaced asterisks are multiplication, not emphasis


def test_pipe_table_with_alignment_and_escaped_pipe():
    md = "| name | value |\n|---|---:|\n| a \\| b | 1.5 |\n| c | 2 |"
    html = render_body(md)
    assert "<th>name</th>" in html and '<th style="text-align: right">value</th>' in html
    assert "<td>a | b</td>" in html and '<td style="text-align: right">1.5</td>' in html
    assert html.count("<tr>") == 3


def test_table_markdown_round_trips_through_the_renderer():
    table = Table("T", ("method", "error", "ok"), [("gp|fd", 1.25e-7, True), ("fd", 0.5, False)])
    html = render_body(table.markdown())
    assert "<td>gp|fd</td>" in html
    assert '<td style="text-align: right">1.250e-07</td>' in html
    assert "<td>yes</td>" in html and "<td>no</td>" in html


def test_image_line_becomes_a_figure_with_caption():
    html = render_body("![The error, *log* scale](figures/gp.png)")
    assert html == (
        '<figure><img src="figures/gp.png" alt="The error, *log* scale">'
        "<figcaption>The error, <em>log</em> scale</figcaption></figure>"
    )


def test_fenced_code_is_kept_verbatim():
    md = "```\nTraceback:\n  | a | b |\n# not a heading <x>\n```\nafter"
    html = render_body(md)
    assert "<pre><code>Traceback:\n  | a | b |\n# not a heading &lt;x&gt;</code></pre>" in html
    assert html.endswith("<p>after</p>")
    assert "<table>" not in html and "<h1" not in html


def test_lists_and_page_wrapper():
    html = render_body("- one\n- **two**\n\ntext")
    assert html.splitlines() == [
        "<ul>",
        "<li>one</li>",
        "<li><strong>two</strong></li>",
        "</ul>",
        "<p>text</p>",
    ]
    page = render_page("# R", title="a <b>")
    assert page.startswith("<!DOCTYPE html>") and "<title>a &lt;b&gt;</title>" in page
    assert page.rstrip().endswith("</html>") and "<style>" in page


def test_format_value_cells():
    assert format_value(0.123456) == "0.1235"
    assert format_value(3.2e-9) == "3.200e-09"
    assert format_value(123456) == "123,456"
    assert format_value(float("nan")) == "nan"
    assert format_value("a|b") == "a\\|b"
