"""The province's management of staff accounts and the list of provincial industry departments."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from core import access

from . import selectors, services
from .access import STAFF_ROLES
from .forms import DepartmentForm, StaffAccountForm
from .models import Department, User


@access.allowed("manage_staff")
def staff_accounts(request):
    form = StaffAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        password = data.pop("password")
        try:
            user = services.create_staff_account(actor=request.user, password=password, **data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"已创建账户“{user.username}”（{user.get_role_display()}）。")
            return redirect("users:staff_accounts")
    page = Paginator(access.visible(request.user, selectors.staff_accounts()), 30).get_page(request.GET.get("page"))
    page.object_list = access.bind(request.user, list(page.object_list))  # for `u|can:"toggle_active"`
    return render(request, "users/staff_accounts.html", {"form": form, "page_obj": page})


# Province staff manage staff accounts; administrators' and institutions' accounts are not theirs (404).
@access.allowed(
    User, "toggle_active", load="pk", queryset=lambda: User.objects.filter(role__in=STAFF_ROLES, is_superuser=False)
)
@require_POST
def toggle_account(request, user):
    if refused := access.refusal(request.user, "toggle_active", user):
        messages.error(request, refused.message)
    else:
        services.set_account_active(actor=request.user, user=user, active=not user.is_active)
        messages.success(request, f"账户“{user.username}”已{'启用' if user.is_active else '停用'}。")
    return redirect("users:staff_accounts")


@access.allowed("manage_staff")
def departments(request, pk=None):
    department = get_object_or_404(Department, pk=pk) if pk else None
    form = DepartmentForm(request.POST or None, instance=department)
    if request.method == "POST" and form.is_valid():
        services.save_department(actor=request.user, department=department, **form.cleaned_data)
        messages.success(request, f"已保存“{form.cleaned_data['name']}”。")
        return redirect("users:departments")
    return render(
        request,
        "users/departments.html",
        {
            "form": form,
            "department": department,
            "departments": Department.objects.order_by("-active", "name"),
        },
    )
