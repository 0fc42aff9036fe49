"""The province's management of staff accounts, the provincial industry departments and the categories (Art. 3)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from core import access, exports
from core.errors import RuleViolation
from core.exports import Column as C
from core.forms import show_refusal

from . import categories, selectors, services
from .access import STAFF_ROLES
from .forms import AliasForm, CategoryForm, DepartmentForm, StaffAccountForm
from .models import Department, InstitutionKind, TrainingField, TrainingFieldAlias, User


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


# -- categories (分类管理, Art. 3) ------------------------------------------------------------------------

CATEGORY_MODELS = {"fields": TrainingField, "kinds": InstitutionKind}
UNMAPPED_COLUMNS = [
    C("原填写的词", lambda w: w.word, 20),
    C("出现次数", lambda w: w.count, 10),
    C("出现于（示例）", lambda w: "；".join(w.where), 60),
]


def _category_model(kind: str):
    try:
        return CATEGORY_MODELS[kind]
    except KeyError:
        raise Http404 from None


@access.allowed("manage_categories")
def categories_page(request):
    """Both lists of categories, what uses each, and a form to add one to either (Art. 3)."""
    forms = {kind: CategoryForm(prefix=kind) for kind in CATEGORY_MODELS}
    if request.method == "POST":
        kind = request.POST.get("kind")
        model = _category_model(kind)
        form = forms[kind] = CategoryForm(request.POST, prefix=kind)
        if form.is_valid():
            try:
                category = services.add_category(
                    actor=request.user, model=model, name=form.cleaned_data["name"], order=form.cleaned_data["order"]
                )
            except RuleViolation as error:
                show_refusal(request, error, form)
            else:
                messages.success(request, f"已新增{model._meta.verbose_name}“{category.name}”。")
                return redirect(reverse("users:categories") + f"#{kind}")
    return render(request, "users/categories.html", {"forms": forms, **selectors.categories_overview()})


@access.allowed("manage_categories")
def category_edit(request, kind, pk):
    model = _category_model(kind)
    category = get_object_or_404(model, pk=pk)
    form = CategoryForm(
        request.POST if "save" in request.POST else None, initial={"name": category.name, "order": category.order}
    )
    alias_form = AliasForm(request.POST if "add_alias" in request.POST else None)
    if form.is_bound and form.is_valid():
        try:
            services.rename_category(actor=request.user, category=category, **form.cleaned_data)
        except RuleViolation as error:
            show_refusal(request, error, form)
        else:
            messages.success(request, f"已保存“{form.cleaned_data['name']}”。")
            return redirect("users:category_edit", kind=kind, pk=pk)
    if alias_form.is_bound and model is TrainingField and alias_form.is_valid():
        try:
            services.add_alias(actor=request.user, field=category, word=alias_form.cleaned_data["word"])
        except RuleViolation as error:
            show_refusal(request, error, alias_form)
        else:
            messages.success(request, f"已为“{category.name}”新增别名“{alias_form.cleaned_data['word']}”。")
            return redirect("users:category_edit", kind=kind, pk=pk)
    context = {
        "kind": kind,
        "title": model._meta.verbose_name,
        "category": category,
        "form": form,
        "alias_form": alias_form if model is TrainingField else None,
        "aliases": category.aliases.all() if model is TrainingField else (),
        "history": selectors.category_history(category),
        "uses": categories.uses(category),
    }
    return render(request, "users/category_edit.html", context)


@access.allowed("manage_categories")
@require_POST
def category_retire(request, kind, pk):
    category = get_object_or_404(_category_model(kind), pk=pk)
    try:
        services.retire_category(actor=request.user, category=category)
    except RuleViolation as error:
        show_refusal(request, error)
    else:
        messages.success(request, f"已停用“{category.name}”：新的申报和基地不再可选，已有记录仍显示。")
    return redirect(reverse("users:categories") + f"#{kind}")


@access.allowed("manage_categories")
@require_POST
def category_restore(request, kind, pk):
    category = get_object_or_404(_category_model(kind), pk=pk)
    try:
        services.restore_category(actor=request.user, category=category)
    except RuleViolation as error:
        show_refusal(request, error)
    else:
        messages.success(request, f"已恢复“{category.name}”。")
    return redirect(reverse("users:categories") + f"#{kind}")


@access.allowed("manage_categories")
@require_POST
def alias_remove(request, pk):
    alias = get_object_or_404(TrainingFieldAlias.objects.select_related("field"), pk=pk)
    services.remove_alias(actor=request.user, alias=alias)
    messages.success(request, f"已删除别名“{alias.word}”。")
    return redirect("users:category_edit", kind="fields", pk=alias.field_id)


@access.allowed("manage_categories")
def unmapped_words(request):
    """The words of the old free-text fields that name no field or alias: map them by adding aliases."""
    rows = categories.unmapped_words()
    if export := exports.respond(request, rows=rows, columns=UNMAPPED_COLUMNS, filename="未归类的培训领域"):
        return export
    fields = TrainingField.objects.in_use()
    return render(request, "users/unmapped_words.html", {"rows": rows, "fields": fields})
