"""A Django `{# … #}` comment ends on its own line: one spread over several lines is printed on the page as
text (it happened with the 添加一行 partial). Comments over several lines use {% comment %}."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_no_template_opens_a_one_line_comment_it_does_not_close():
    open_comments = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in sorted((ROOT / "templates").rglob("*.html"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if line.count("{#") > line.count("#}")
    ]
    assert not open_comments, "multi-line {# comments (use {% comment %}):\n" + "\n".join(open_comments)
