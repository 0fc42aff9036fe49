"""The public side: no login needed."""

from django.urls import path

from . import views

app_name = "public"
urlpatterns = [
    path("bases/", views.register, name="register"),
    path("bases/<int:pk>/", views.public_detail, name="base"),
    path("announcements/", views.announcement_list, name="announcements"),
    path("guides/", views.guide_list, name="guides"),
    path("guides/<slug:slug>/", views.guide, name="guide"),
    path("announcements/<int:pk>/", views.announcement_detail, name="announcement"),
    path("decisions/<int:pk>.pdf", views.decision_pdf, name="decision_pdf"),
    path("verify/", views.verify, name="verify"),
    path("verify/<str:code>/", views.verify, name="verify_code"),
    path("open-data/", views.open_data, name="open_data"),
    path("open-data/bases.csv", views.open_data_csv, name="open_data_csv"),
    path("open-data/bases.json", views.open_data_json, name="open_data_json"),
]
