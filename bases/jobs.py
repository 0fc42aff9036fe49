"""The daily jobs about bases (Art. 4, 19, 23)."""

from core import jobs

from . import services

jobs.register("annual-filing-reminders", services.send_filing_reminders, at="08:00")
jobs.register("annual-filing-overdue", services.mark_overdue_filings, at="00:30")
jobs.register("suspension-year-warnings", services.warn_suspensions_ending, at="08:10")
jobs.register("adjustments-take-effect", services.adjustments_take_effect, at="00:05")
