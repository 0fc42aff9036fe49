from django.urls import path

from .views import classes, imports, participants, records

app_name = "training"

urlpatterns = [
    path("", classes.all_classes, name="all_classes"),
    path("base/<int:pk>/", classes.base_classes, name="base_classes"),
    path("base/<int:pk>/new/", classes.class_new, name="class_new"),
    path("base/<int:pk>/import/", imports.import_page, name="import"),
    path("base/<int:pk>/import/template/", imports.import_template, name="import_template"),
    path("imports/<int:pk>/", imports.import_detail, name="import_detail"),
    path("imports/<int:pk>/progress/", imports.import_progress, name="import_progress"),
    path("imports/<int:pk>/rejected/", imports.import_rejected, name="import_rejected"),
    path("learning-records/", records.learning_record, name="learning_record"),
    path("learning-records/hours/", records.learning_hours, name="learning_hours"),
    path("<int:pk>/sheet.pdf", records.class_sheet_pdf, name="class_sheet_pdf"),
    path("<int:pk>/", classes.class_detail, name="class_detail"),
    path("<int:pk>/edit/", classes.class_edit, name="class_edit"),
    path("<int:pk>/delete/", classes.class_delete, name="class_delete"),
    path("<int:pk>/participants/new/", participants.participant_new, name="participant_new"),
    path("participants/<int:pk>/", participants.participant, name="participant"),
    path("participants/<int:pk>/remove/", participants.participant_remove, name="participant_remove"),
    path("participants/<int:pk>/reveal/", participants.reveal_id, name="reveal_id"),
]
