"""The daily supervision jobs (Art. 20, 21, 23, 24) and the monthly obligations reminder (issue 18 (4))."""

from core import jobs

from . import services

jobs.register("inspection-clock", services.flag_inspection_clock, at="07:00")
jobs.register("rectification-deadlines", services.flag_missed_deadlines, at="00:05")
jobs.register("unpublished-results", services.remind_unpublished_results, at="08:30")
jobs.register("revocations-take-effect", services.revocations_take_effect, at="00:01")
# runs daily so a missed day catches up; it reminds a base of a duty at most once a calendar month
jobs.register("obligation-reminders", services.send_monthly_obligation_reminders, at="09:00")
