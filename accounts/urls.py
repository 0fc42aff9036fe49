from django.urls import path

from . import views

app_name = "users"
urlpatterns = [
    path("staff/", views.staff_accounts, name="staff_accounts"),
    path("staff/<int:pk>/toggle/", views.toggle_account, name="toggle_account"),
    path("departments/", views.departments, name="departments"),
    path("departments/<int:pk>/", views.departments, name="department_edit"),
    path("categories/", views.categories_page, name="categories"),
    path("categories/unmapped/", views.unmapped_words, name="unmapped_words"),
    path("categories/aliases/<int:pk>/remove/", views.alias_remove, name="alias_remove"),
    path("categories/<str:kind>/<int:pk>/", views.category_edit, name="category_edit"),
    path("categories/<str:kind>/<int:pk>/retire/", views.category_retire, name="category_retire"),
    path("categories/<str:kind>/<int:pk>/restore/", views.category_restore, name="category_restore"),
]
