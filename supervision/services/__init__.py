"""Every write of supervision (Art. 20-24): one function per user action, each in a transaction, one module
per part of the measures."""

from .draws import draw_drafts, draw_sample, draw_spot_check, publish_draw, replay_draw
from .fraud import find_fraud, fraud_drafts, handle_report, propose_fraud_finding, report_fraud
from .inspections import (
    DUE_SOON_DAYS,
    flag_inspection_clock,
    inspection_transition,
    publish_results,
    record_result,
    remind_unpublished_results,
    results_drafts,
    schedule_inspection,
)
from .obligations import remind_base, remind_duty, send_monthly_obligation_reminders
from .plans import accept_plan, move_entry, propose_plan, set_capacity
from .rectification import flag_missed_deadlines, order_rectification, report_rectification, verify_rectification
from .revocation import (
    announcement_draft,
    bar_by_default,
    cancellation_draft,
    decide_cancellation,
    needs_hearing,
    propose_cancellation,
    propose_revocation,
    request_cancellation,
    revocations_take_effect,
    revoke,
    take_effect,
)

__all__ = [
    "accept_plan",
    "move_entry",
    "propose_plan",
    "set_capacity",
    "announcement_draft",
    "DUE_SOON_DAYS",
    "bar_by_default",
    "cancellation_draft",
    "revocations_take_effect",
    "take_effect",
    "decide_cancellation",
    "find_fraud",
    "fraud_drafts",
    "handle_report",
    "needs_hearing",
    "propose_cancellation",
    "propose_fraud_finding",
    "propose_revocation",
    "report_fraud",
    "draw_sample",
    "draw_spot_check",
    "flag_inspection_clock",
    "flag_missed_deadlines",
    "inspection_transition",
    "order_rectification",
    "draw_drafts",
    "publish_draw",
    "publish_results",
    "results_drafts",
    "record_result",
    "remind_base",
    "remind_duty",
    "remind_unpublished_results",
    "send_monthly_obligation_reminders",
    "replay_draw",
    "report_rectification",
    "request_cancellation",
    "revoke",
    "schedule_inspection",
    "verify_rectification",
]
