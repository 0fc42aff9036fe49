"""Every write on bases, one module per part of the measures: recognition and publication (Art. 8-9), fee
disclosure and change filings (Art. 29, 31), annual filings (Art. 19)."""

from .adjustment import (
    adjust_base,
    adjustment_draft,
    adjustment_preview,
    adjustments_take_effect,
    merge_base,
    merger_preview,
    proposal,
)
from .changes import change_draft, decide_change, file_change, save_fee_disclosure
from .courseware import add_course, record_review
from .faculty import ImportReport, add_teacher, edit_teacher, end_teacher, import_faculty, seed_faculty
from .filings import (
    FILING_FIELDS,
    bases_due_to_file,
    filing_problems,
    filing_transition,
    filing_year_for,
    fill_filing_from_records,
    mark_overdue_filings,
    reminder_days,
    save_filing,
    send_filing_reminders,
    set_filing_tolerance,
    start_filing,
)
from .publishing import Draft
from .recognition import (
    DEFAULT_WORKING_DAYS,
    approve,
    candidates,
    create_base,
    notice_draft,
    publish_notice,
    publish_recognitions,
    recognition_list_draft,
)
from .suspension import current_suspension, resume, suspend, warn_suspensions_ending

__all__ = [
    "adjust_base",
    "adjustment_draft",
    "adjustment_preview",
    "merger_preview",
    "adjustments_take_effect",
    "merge_base",
    "proposal",
    "ImportReport",
    "add_course",
    "add_teacher",
    "edit_teacher",
    "end_teacher",
    "import_faculty",
    "record_review",
    "seed_faculty",
    "current_suspension",
    "resume",
    "suspend",
    "warn_suspensions_ending",
    "DEFAULT_WORKING_DAYS",
    "Draft",
    "FILING_FIELDS",
    "approve",
    "bases_due_to_file",
    "candidates",
    "change_draft",
    "create_base",
    "decide_change",
    "file_change",
    "filing_problems",
    "filing_transition",
    "filing_year_for",
    "fill_filing_from_records",
    "mark_overdue_filings",
    "notice_draft",
    "publish_notice",
    "publish_recognitions",
    "recognition_list_draft",
    "reminder_days",
    "save_fee_disclosure",
    "save_filing",
    "send_filing_reminders",
    "set_filing_tolerance",
    "start_filing",
]
