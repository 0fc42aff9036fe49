from django.urls import path

from . import views

app_name = "api"

urlpatterns = [
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/new/", views.token_new, name="token_new"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
]
