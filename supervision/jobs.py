"""The daily supervision jobs (Art. 20, 23)."""

from core import jobs

from . import services

jobs.register("inspection-clock", services.flag_inspection_clock, at="07:00")
jobs.register("rectification-deadlines", services.flag_missed_deadlines, at="00:05")
