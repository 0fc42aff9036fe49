"""The API's browsable docs (issue 17, point 3) render in a real browser under the portal's Content Security
Policy: Swagger UI from the portal's own static files, every operation listed, no policy violation."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_api_docs_render_every_operation_without_breaking_the_policy(page):
    violations, failed = [], []
    page.on("console", lambda message: message.type == "error" and violations.append(message.text))
    page.on("requestfailed", lambda request: failed.append(request.url))
    page.goto("/api/docs")
    page.locator(".opblock").first.wait_for()
    operations = page.locator(".opblock-summary-path").all_inner_texts()
    assert {
        "/api/v1/classes",
        "/api/v1/classes/{record_id}",
        "/api/v1/classes/{record_id}/participants",
        "/api/v1/learning-records/query",
        "/api/v1/results",
    } <= {text.replace("\u200b", "").strip() for text in operations}
    assert page.get_by_text("福建省继续教育基地管理平台数据接口").first.is_visible()
    page.locator(".opblock-summary-path", has_text="/api/v1/learning-records/query").first.click()
    body = page.locator(".opblock.is-open .opblock-body").first
    body.get_by_text("Try it out").wait_for()
    assert '"id_number"' in body.inner_text()
    assert page.get_by_role("button", name="Authorize").is_visible()  # the bearer token can be tried out
    assert violations == []  # nothing refused by the policy, no script error
    assert not failed, failed
