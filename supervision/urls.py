from django.urls import path

from . import views

app_name = "supervision"
urlpatterns = [
    path("", views.inspection_list, name="list"),
    path("schedule/", views.schedule, name="schedule"),
    path("<int:pk>/", views.inspection_detail, name="detail"),
    path("<int:pk>/record/", views.record, name="record"),
    path("<int:pk>/act/<slug:action>/", views.inspection_act, name="act"),
    path("documents/<int:pk>/", views.document, name="document"),
    path("draws/", views.draw_list, name="draws"),
    path("draws/new/", views.draw_new, name="draw_new"),
    path("draws/<int:pk>/", views.draw_detail, name="draw"),
    path("draws/<int:pk>/publish/", views.draw_publish, name="draw_publish"),
    path("rectifications/", views.rectification_list, name="rectifications"),
    path("rectifications/new/<int:base_pk>/", views.rectification_new, name="rectification_new"),
    path("rectifications/<int:pk>/", views.rectification_detail, name="rectification"),
    path("rectifications/<int:pk>/report/", views.rectification_report, name="rectification_report"),
    path("rectifications/<int:pk>/verify/<slug:action>/", views.rectification_verify, name="rectification_verify"),
    path("revoke/<int:base_pk>/", views.revoke, name="revoke"),
    path("cancellations/", views.cancellation_list, name="cancellations"),
    path("cancellations/new/<int:base_pk>/", views.cancellation_new, name="cancellation_new"),
    path("cancellations/<int:pk>/", views.cancellation_detail, name="cancellation"),
]
