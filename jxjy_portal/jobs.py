"""The scheduled jobs by the names operators use (beat schedule and `manage.py run_job`)."""

from bases import services as base_services
from inspections import services as inspection_services

JOBS = {
    "annual-filing-reminders": base_services.send_filing_reminders,
    "annual-filing-overdue": base_services.mark_overdue_filings,
    "inspection-clock": inspection_services.flag_inspection_clock,
    "rectification-deadlines": inspection_services.flag_missed_deadlines,
}
