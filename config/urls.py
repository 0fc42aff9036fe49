"""Top-level URLs: the shell, accounts, and each domain app under its own prefix."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from accounts import views as account_views
from accounts.forms import PortalPasswordChangeForm, PortalPasswordResetForm, PortalSetPasswordForm
from api.v1 import api as api_v1
from bases.urls import recognition_urlpatterns
from core import probes
from portal import export_views, views
from public.sitemaps import SITEMAPS

admin.site.site_header = "省级继续教育基地管理平台 · 系统管理"
admin.site.site_title = "系统管理"
admin.site.login = account_views.admin_sign_in  # the portal's sign-in, with its second step

urlpatterns = [
    path("", views.home, name="home"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/<int:pk>/open/", views.inbox_open, name="inbox_open"),
    path("inbox/read-all/", views.inbox_read_all, name="inbox_read_all"),
    path("register/", views.register, name="register"),
    path("exports/", export_views.export_list, name="export_list"),
    path("exports/<int:pk>/", export_views.export_job, name="export_job"),
    path("exports/<int:pk>/progress.json", export_views.export_progress, name="export_progress"),
    path("exports/<int:pk>/download/", export_views.export_download, name="export_download"),
    path("decisions/<int:pk>.pdf", views.decision_pdf, name="decision_pdf"),
    path("accounts/login/", account_views.SignInView.as_view(), name="login"),
    path("accounts/two-factor/", account_views.two_factor, name="two_factor"),
    path("accounts/two-factor/verify/", account_views.two_factor_verify, name="two_factor_verify"),
    path("accounts/two-factor/setup/", account_views.two_factor_setup, name="two_factor_setup"),
    path("accounts/two-factor/setup/qr.svg", account_views.two_factor_qr, name="two_factor_qr"),
    path("accounts/two-factor/backup-codes/", account_views.two_factor_backup_codes, name="two_factor_backup_codes"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/change/",
        auth_views.PasswordChangeView.as_view(form_class=PortalPasswordChangeForm),
        name="password_change",
    ),
    path(
        "accounts/password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path(
        "accounts/password/reset/",
        auth_views.PasswordResetView.as_view(form_class=PortalPasswordResetForm),
        name="password_reset",
    ),
    path(
        "accounts/password/reset/done/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(form_class=PortalSetPasswordForm),
        name="password_reset_confirm",
    ),
    path("accounts/reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("users/", include("accounts.urls")),
    path("applications/", include("applications.urls")),
    path("applications/", include((recognition_urlpatterns, "recognition"))),
    path("bases/", include("bases.urls")),
    path("training/", include("training.urls")),
    path("public/", include("public.urls")),
    path("inspections/", include("supervision.urls")),
    path("experts/", include("experts.urls")),
    path("reports/", include("reports.urls")),
    path("steering/", include("steering.urls")),
    path("api/", include("api.urls")),
    # the JSON API: /api/v1/…, its schema at /api/openapi.json and its docs at /api/docs
    path("api/", api_v1.urls),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", views.robots, name="robots"),
    # answered by core.probes.ProbeMiddleware before the host check and the HTTPS redirect; routed too
    path("healthz", probes.live, name="healthz"),
    path("livez", probes.live, name="livez"),
    path("readyz", probes.ready, name="readyz"),
    path("admin/", admin.site.urls),
]
