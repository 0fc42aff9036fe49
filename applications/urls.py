from django.urls import path

from .views import applications as views
from .views import proceedings

app_name = "applications"
urlpatterns = [
    path("batches/", views.batches, name="batches"),
    path("batches/new/", views.batch_edit, name="batch_new"),
    path("batches/<int:pk>/edit/", views.batch_edit, name="batch_edit"),
    path("batches/<int:pk>/toggle/", views.batch_toggle, name="batch_toggle"),
    path("batches/<int:batch_pk>/apply/", views.start, name="start"),
    path("mine/", views.mine, name="mine"),
    path("queue/recommender/", views.recommender_queue, name="recommender_queue"),
    path("queue/province/", views.province_queue, name="province_queue"),
    path("bars/", views.bars, name="bars"),
    path("notices/<int:notice_pk>/objection/", views.objection, name="objection"),
    path("objections/<int:pk>/resolve/", views.resolve_objection, name="resolve_objection"),
    path("objections/<int:pk>/evidence/", views.objection_evidence, name="objection_evidence"),
    path("calendar/", views.calendar, name="calendar"),
    path("hearings/", proceedings.hearing_list, name="hearings"),
    path("hearings/<int:pk>/", proceedings.hearing_detail, name="hearing"),
    path("hearings/<int:pk>/documents/<int:doc_pk>/", proceedings.hearing_document, name="hearing_document"),
    path("appeals/", proceedings.appeal_list, name="appeals"),
    path("appeals/new/<int:decision_pk>/", proceedings.appeal_new, name="appeal_new"),
    path("appeals/<int:pk>/", proceedings.appeal_detail, name="appeal"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/receipt.pdf", views.receipt, name="receipt"),
    path("<int:pk>/print/", views.print_view, name="print"),
    path("<int:pk>/documents/", views.upload, name="upload"),
    path("<int:pk>/documents/<int:doc_pk>/", views.download, name="download"),
    path("<int:pk>/act/<slug:action>/", views.act, name="act"),
    path("<int:pk>/visit/schedule/", views.schedule_visit, name="schedule_visit"),
    path("<int:pk>/visit/record/", views.record_visit, name="record_visit"),
    path("<int:pk>/visit/panel/", views.visit_panel, name="visit_panel"),
    path("<int:pk>/reject/", views.reject, name="reject"),
]
