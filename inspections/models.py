"""Periodic inspections, spot checks and rectification (Art. 20-23): filled in by the supervision issue."""
