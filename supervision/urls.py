from django.urls import path

from .views import draws, fraud, inspections, obligations, plans, rectification, revocation

app_name = "supervision"
urlpatterns = [
    path("", inspections.inspection_list, name="list"),
    path("schedule/", inspections.schedule, name="schedule"),
    path("<int:pk>/", inspections.inspection_detail, name="detail"),
    path("<int:pk>/record/", inspections.record, name="record"),
    path("<int:pk>/panel/", inspections.panel, name="panel"),
    path("<int:pk>/act/<slug:action>/", inspections.inspection_act, name="act"),
    path("documents/<int:pk>/", inspections.document, name="document"),
    path("draws/", draws.draw_list, name="draws"),
    path("draws/new/", draws.draw_new, name="draw_new"),
    path("draws/<int:pk>/", draws.draw_detail, name="draw"),
    path("draws/<int:pk>/publish/", draws.draw_publish, name="draw_publish"),
    path("plans/", plans.plan_list, name="plans"),
    path("plans/new/", plans.plan_new, name="plan_new"),
    path("plans/<int:pk>/", plans.plan_detail, name="plan"),
    path("plans/<int:pk>/unplaced/", plans.plan_unplaced, name="plan_unplaced"),
    path("plans/<int:pk>/accept/", plans.plan_accept, name="plan_accept"),
    path("plans/entries/<int:pk>/move/", plans.plan_move, name="plan_move"),
    path("capacities/", plans.capacities, name="capacities"),
    path("rectifications/", rectification.rectification_list, name="rectifications"),
    path("rectifications/new/<int:base_pk>/", rectification.rectification_new, name="rectification_new"),
    path("rectifications/<int:pk>/", rectification.rectification_detail, name="rectification"),
    path("rectifications/<int:pk>/report/", rectification.rectification_report, name="rectification_report"),
    path(
        "rectifications/<int:pk>/verify/<slug:action>/", rectification.rectification_verify, name="rectification_verify"
    ),
    path("revoke/<int:base_pk>/", revocation.revoke, name="revoke"),
    path("cancellations/", revocation.cancellation_list, name="cancellations"),
    path("cancellations/new/<int:base_pk>/", revocation.cancellation_new, name="cancellation_new"),
    path("cancellations/<int:pk>/", revocation.cancellation_detail, name="cancellation"),
    path("obligations/", obligations.monitor, name="obligations"),
    path("obligations/remind/", obligations.remind_all, name="obligations_remind"),
    path("obligations/<int:base_pk>/remind/", obligations.remind, name="obligation_remind"),
    path("fraud/<int:pk>/", fraud.find_fraud, name="fraud"),
    path("fraud/<int:pk>/report/", fraud.fraud_report_new, name="fraud_report_new"),
    path("fraud-reports/", fraud.fraud_report_list, name="fraud_reports"),
    path("fraud-reports/<int:pk>/", fraud.fraud_report_detail, name="fraud_report"),
]
