"""Templates ask the one permission question (`obj|can:"action"`, `user|may:"capability"`) and read facts
from the model (`base.is_live`); they never compare a role or a state with a string (the layered-redesign
issue: a button decided in a template drifts from the rule the service enforces)."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = sorted((ROOT / "templates").rglob("*.html"))

FIELD = r"[\w.]*(?:role|state|status)\b"
FORBIDDEN = [
    re.compile(r"\buser\.role\b"),  # any use of the role in a template
    re.compile(rf"{FIELD}\s*(?:==|!=)\s*['\"]"),  # base.status == 'active'
    re.compile(rf"['\"]\s*(?:==|!=)\s*{FIELD}"),  # 'active' == base.status
    re.compile(rf"{FIELD}\s+(?:not\s+)?in\s+['\"(]"),  # app.state in 'draft returned'
]
TAG = re.compile(r"{%.*?%}", re.S)


def comparisons(text: str) -> list[str]:
    return [tag for tag in TAG.findall(text) if any(p.search(tag) for p in FORBIDDEN)]


def test_no_template_compares_a_role_or_a_state_with_a_string():
    found = [f"{path.relative_to(ROOT)}: {tag}" for path in TEMPLATES for tag in comparisons(path.read_text())]
    assert not found, "compare in Python, ask can/may in the template:\n" + "\n".join(found)


def test_the_check_sees_each_kind_of_comparison():
    assert comparisons("{% if user.role == 'province' %}")
    assert comparisons("{% if base.status != 'revoked' and x %}")
    assert comparisons("{% if 'open' == order.state %}")
    assert comparisons('{% if b.filing_state == "submitted" %}')
    assert comparisons("{% if app.state in 'draft returned' %}")
    assert not comparisons('{% if base|can:"revoke" %}{% if user|may:"plan_inspections" %}{% if base.is_live %}')
    assert not comparisons("{% if request.GET.state == v %}")  # a filter's selected option, not a rule
