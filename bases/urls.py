from django.urls import path

from . import views

app_name = "bases"
urlpatterns = [
    path("mine/", views.mine, name="mine"),
    path("recommended/", views.recommended, name="recommended"),
    path("all/", views.province_list, name="province_list"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/plaque.pdf", views.plaque, name="plaque"),
    path("<int:pk>/fees/", views.fee_disclosure, name="fee_disclosure"),
    path("<int:pk>/changes/new/", views.change_new, name="change_new"),
    path("changes/", views.change_list, name="change_list"),
    path("changes/<int:pk>/", views.change_detail, name="change_detail"),
    path("changes/<int:pk>/evidence/", views.change_evidence, name="change_evidence"),
    path("publish/<int:batch_pk>/", views.publish_batch, name="publish_batch"),
    path("filings/", views.filings, name="filings"),
    path("filings/queue/", views.filing_queue, name="filing_queue"),
    path("filings/overview/", views.filing_overview, name="filing_overview"),
    path("<int:base_pk>/filings/<int:year>/start/", views.filing_start, name="filing_start"),
    path("filings/<int:pk>/", views.filing_detail, name="filing_detail"),
    path("filings/<int:pk>/edit/", views.filing_edit, name="filing_edit"),
    path("filings/<int:pk>/<slug:action>/", views.filing_act, name="filing_act"),
]

# Recognition happens on the application's pages, under /applications/ (config/urls.py), but creates a
# base, so its views live here, above the applications layer.
recognition_urlpatterns = [
    path("batches/<int:batch_pk>/notice/", views.notice_new, name="notice_new"),
    path("<int:pk>/approve/", views.approve, name="approve"),
]
