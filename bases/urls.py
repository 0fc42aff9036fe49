from django.urls import path

from . import views

app_name = "bases"
urlpatterns = [
    path("mine/", views.mine, name="mine"),
    path("recommended/", views.recommended, name="recommended"),
    path("all/", views.province_list, name="province_list"),
    path("<int:pk>/", views.detail, name="detail"),
]
