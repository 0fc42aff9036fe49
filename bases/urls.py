from django.urls import path

from .views import bases, changes, filings, recognition, suspension

app_name = "bases"
urlpatterns = [
    path("mine/", bases.mine, name="mine"),
    path("recommended/", bases.recommended, name="recommended"),
    path("all/", bases.province_list, name="province_list"),
    path("<int:pk>/", bases.detail, name="detail"),
    path("<int:pk>/plaque.pdf", bases.plaque, name="plaque"),
    path("<int:pk>/fees/", changes.fee_disclosure, name="fee_disclosure"),
    path("<int:pk>/suspend/", suspension.suspend, name="suspend"),
    path("<int:pk>/resume/", suspension.resume, name="resume"),
    path("<int:pk>/changes/new/", changes.change_new, name="change_new"),
    path("changes/", changes.change_list, name="change_list"),
    path("changes/<int:pk>/", changes.change_detail, name="change_detail"),
    path("changes/<int:pk>/evidence/", changes.change_evidence, name="change_evidence"),
    path("publish/<int:batch_pk>/", recognition.publish_batch, name="publish_batch"),
    path("filings/", filings.filings, name="filings"),
    path("filings/queue/", filings.filing_queue, name="filing_queue"),
    path("filings/overview/", filings.filing_overview, name="filing_overview"),
    path("<int:base_pk>/filings/<int:year>/start/", filings.filing_start, name="filing_start"),
    path("filings/<int:pk>/", filings.filing_detail, name="filing_detail"),
    path("filings/<int:pk>/edit/", filings.filing_edit, name="filing_edit"),
    path("filings/<int:pk>/<slug:action>/", filings.filing_act, name="filing_act"),
]

# Recognition happens on the application's pages, under /applications/ (config/urls.py), but creates a
# base, so its views live here, above the applications layer.
recognition_urlpatterns = [
    path("batches/<int:batch_pk>/notice/", recognition.notice_new, name="notice_new"),
    path("<int:pk>/approve/", recognition.approve, name="approve"),
]
