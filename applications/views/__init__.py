"""Pages of applications (applications.py) and of the proceedings around the province's decisions:
hearings before an adverse decision and appeals after one (proceedings.py)."""

from .applications import rerender_application

__all__ = ["rerender_application"]
