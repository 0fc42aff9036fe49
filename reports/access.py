"""Who may see the figures: the dashboard is the province's, and each recommender's over its own unit; the
year-end summary is the province's alone. (The rows behind the figures follow the scope rules of the
apps that own them.)"""

from accounts.models import Role
from core import access

access.capability("see_statistics", roles={Role.PROVINCE, Role.RECOMMENDER})
access.capability("see_year_summary", roles={Role.PROVINCE})
