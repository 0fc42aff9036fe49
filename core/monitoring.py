"""Error reports to a self-hosted Sentry or GlitchTip (issue 19, point 7), without personal data.

`init_sentry` runs from the settings when `SENTRY_DSN` is set, with the Django and Celery integrations.
No personal data leaves the portal: `send_default_pii` is off, and `scrub` removes what an event could
still carry — cookies, headers that identify, the body of the request, the query string, the user's address
and name, local variables of frames — and masks 18-character ID numbers (身份证号) and e-mail addresses
in any text left. The request id goes along as a tag, so a report and the log lines meet.
"""

import re

ID_NUMBER = re.compile(r"\b\d{17}[\dXx]\b")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
MOBILE = re.compile(r"\b1[3-9]\d{9}\b")
MASK = "[已隐去]"
KEPT_HEADERS = {"user-agent", "accept", "accept-language", "content-type", "content-length", "host", "x-request-id"}


def _mask(value):
    if isinstance(value, str):
        return MOBILE.sub(MASK, EMAIL.sub(MASK, ID_NUMBER.sub(MASK, value)))
    if isinstance(value, dict):
        return {key: _mask(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_mask(item) for item in value]
    return value


def scrub(event: dict, hint: dict | None = None) -> dict:
    """Sentry's before_send: drop or mask everything that could identify a person."""
    request = event.get("request")
    if isinstance(request, dict):
        for key in ("cookies", "data", "query_string", "env"):
            request.pop(key, None)
        headers = request.get("headers") or {}
        request["headers"] = {name: value for name, value in headers.items() if name.lower() in KEPT_HEADERS}
    user = event.get("user")
    if isinstance(user, dict):
        event["user"] = {"id": user["id"]} if "id" in user else {}
    for exception in (event.get("exception") or {}).get("values", []) or []:
        for frame in (exception.get("stacktrace") or {}).get("frames", []) or []:
            frame.pop("vars", None)
    for key in ("message", "logentry", "exception", "breadcrumbs", "extra"):
        if key in event:
            event[key] = _mask(event[key])
    return event


def init_sentry(*, dsn: str, environment: str, release: str | None = None, traces_sample_rate: float = 0.0) -> None:
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    from .requestid import current

    def before_send(event, hint):
        event.setdefault("tags", {})["request_id"] = current.get()
        return scrub(event, hint)

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release,
        send_default_pii=False,
        include_local_variables=False,
        traces_sample_rate=traces_sample_rate,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        before_send=before_send,
    )
