from django.urls import path

from .views import panels, pool, seats, sheets, workload

app_name = "experts"
urlpatterns = [
    path("", pool.expert_list, name="list"),
    path("new/", pool.expert_new, name="new"),
    path("workload/", workload.workload, name="workload"),
    path("<int:pk>/", pool.expert_detail, name="detail"),
    path("<int:pk>/edit/", pool.expert_edit, name="edit"),
    path("<int:pk>/ties/", pool.tie_new, name="tie_new"),
    path("ties/<int:pk>/end/", pool.tie_end, name="tie_end"),
    path("panels/", panels.panel_list, name="panels"),
    path("panels/<int:pk>/", panels.panel_detail, name="panel"),
    path("panels/<int:pk>/fill/", panels.panel_fill, name="panel_fill"),
    path("assignments/", seats.assignment_list, name="assignments"),
    path("assignments/<int:pk>/", seats.assignment_detail, name="assignment"),
    path("assignments/<int:pk>/sheet/", sheets.sheet_edit, name="sheet_edit"),
    path("assignments/<int:pk>/<slug:action>/", seats.assignment_act, name="assignment_act"),
    path("sheets/<int:pk>/", sheets.sheet_detail, name="sheet"),
    path("sheets/<int:pk>/correct/", sheets.sheet_correct, name="sheet_correct"),
    path("sheets/<int:pk>/documents/<int:doc_pk>/", sheets.sheet_document, name="sheet_document"),
]
