from django.urls import path

from . import views

app_name = "steering"
urlpatterns = [
    path("", views.rounds, name="rounds"),
    path("mine/", views.mine, name="mine"),
    path("programmes/<int:pk>/apply/", views.apply, name="apply"),
    path("tasks/<int:pk>/deliver/", views.deliver, name="deliver"),
    path("<int:year>/", views.round_page, name="round"),
    path("<int:year>/confirm/", views.confirm, name="confirm"),
    path("<int:year>/publish/", views.publish, name="publish"),
]
