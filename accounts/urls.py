from django.urls import path

from . import views

app_name = "users"
urlpatterns = [
    path("staff/", views.staff_accounts, name="staff_accounts"),
    path("staff/<int:pk>/toggle/", views.toggle_account, name="toggle_account"),
    path("departments/", views.departments, name="departments"),
    path("departments/<int:pk>/", views.departments, name="department_edit"),
]
