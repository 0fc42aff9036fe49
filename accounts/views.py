"""Signing in with a second factor, the account's two-step settings, the province's management of staff
accounts, the provincial industry departments and the categories (Art. 3)."""

import time
from urllib.parse import urlencode

import qrcode
import qrcode.image.svg
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_login_failed
from django.contrib.auth.views import LoginView, redirect_to_login
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from core import access, exports
from core.errors import RuleViolation
from core.exports import Column as C
from core.forms import show_refusal

from . import categories, selectors, services, twofactor
from .access import STAFF_ROLES
from .forms import (
    AliasForm,
    CategoryForm,
    DepartmentForm,
    LoginForm,
    StaffAccountForm,
    TwoFactorCodeForm,
    TwoFactorEnrolForm,
)
from .models import Department, InstitutionKind, TrainingField, TrainingFieldAlias, User

# -- signing in (issue 19 (8)) ---------------------------------------------------------------------------------


def _next_url(request, default: str = "") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return default or reverse(settings.LOGIN_REDIRECT_URL)


class SignInView(LoginView):
    """The password step. A user with an authenticator is not signed in yet: the code step does that, so a right
    password alone neither opens a session nor clears the failures that wrong codes counted (django-axes)."""

    authentication_form = LoginForm

    def form_valid(self, form):
        user = form.get_user()
        if not selectors.has_two_factor(user):
            return super().form_valid(form)  # a required user without one is sent to enrol (the middleware)
        self.request.session.cycle_key()
        self.request.session[twofactor.PENDING_KEY] = {"user": user.pk, "backend": user.backend, "at": time.time()}
        return redirect(f"{reverse('two_factor_verify')}?{urlencode({'next': self.get_success_url()})}")


@never_cache
def two_factor_verify(request):
    """The code step: after the right password (pending), or for a required user signed in without a code."""
    pending = request.session.get(twofactor.PENDING_KEY)
    if pending and time.time() - pending["at"] >= twofactor.PENDING_SECONDS:
        request.session.pop(twofactor.PENDING_KEY, None)
        messages.error(request, "验证已超时，请重新登录。")
        return redirect_to_login(_next_url(request))
    if pending:  # the right password was given just now (perhaps by someone else signed in on this browser)
        user = User.objects.filter(pk=pending["user"], is_active=True).first()
        if user is None:
            request.session.pop(twofactor.PENDING_KEY, None)
            return redirect_to_login(_next_url(request))
    elif request.user.is_authenticated:
        if twofactor.is_verified(request) or not selectors.has_two_factor(request.user):
            return redirect(_next_url(request))
        user = request.user
    else:
        return redirect_to_login(_next_url(request))
    form = TwoFactorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        credentials = {"username": user.get_username()}
        if settings.AXES_ENABLED and not AxesProxyHandler.is_allowed(request, credentials):
            request.session.pop(twofactor.PENDING_KEY, None)
            return get_lockout_response(request, None, credentials)
        device = services.verify_second_factor(user=user, code=form.cleaned_data["code"])
        if device is None:
            # counted with the wrong passwords: django-axes's lockout and the throttle per address (core/throttle.py)
            user_login_failed.send(sender=__name__, credentials=credentials, request=request)
            form.add_error("code", "验证码不正确或已使用，请重新输入。")
        else:
            if pending:
                login(request, user, backend=pending["backend"])  # a new session if someone else was signed in
            otp_login(request, device)
            request.session.pop(twofactor.PENDING_KEY, None)
            if device.persistent_id.startswith("otp_static"):
                left = device.token_set.count()
                messages.warning(request, f"您使用了一个备用验证码，还剩{left}个。用完前请在“两步验证”页面重新生成。")
            return redirect(_next_url(request))
    return render(request, "registration/two_factor_verify.html", {"form": form, "next": _next_url(request)})


def _enrolment_key(request) -> str:
    """The key being enrolled, kept in the session (not the database) until a code confirms it."""
    key = request.session.get(twofactor.ENROL_KEY)
    if not key:
        key = request.session[twofactor.ENROL_KEY] = services.new_totp_key()
    return key


@login_required
@never_cache
def two_factor_setup(request):
    """Enrolment: a new key as a QR code and as text; a code from the app confirms it, then the backup codes are
    shown, once."""
    if selectors.has_two_factor(request.user):
        return redirect("two_factor")
    key = _enrolment_key(request)
    form = TwoFactorEnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device, codes = services.enable_two_factor(user=request.user, key=key, code=form.cleaned_data["code"])
        except RuleViolation as refusal:
            form.add_error(refusal.field, refusal.message)
        else:
            request.session.pop(twofactor.ENROL_KEY, None)
            otp_login(request, device)
            context = {"codes": codes, "next": _next_url(request, reverse("two_factor")), "first": True}
            return render(request, "users/backup_codes.html", context)
    context = {"form": form, "secret": twofactor.base32(key), "next": _next_url(request, "")}
    return render(request, "users/two_factor_setup.html", context)


@login_required
@never_cache
def two_factor_qr(request):
    """The enrolment key as a QR code (SVG), drawn here: no third-party service sees the key."""
    device = TOTPDevice(user=request.user, key=_enrolment_key(request))
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2)
    response = HttpResponse(image.to_string(), content_type="image/svg+xml")
    response["Cache-Control"] = "no-store"
    return response


@login_required
def two_factor(request):
    """The account's two-step page: on or off, the backup codes left, and the way to turn it on."""
    codes = request.session.pop(twofactor.NEW_CODES_KEY, None)
    if codes:
        return render(request, "users/backup_codes.html", {"codes": codes, "next": reverse("two_factor")})
    return render(request, "users/two_factor.html", selectors.two_factor_status(request.user))


@login_required
@require_POST
def two_factor_backup_codes(request):
    try:
        codes = services.regenerate_backup_codes(user=request.user)
    except RuleViolation as refusal:
        messages.error(request, refusal.message)
        return redirect("two_factor")
    request.session[twofactor.NEW_CODES_KEY] = codes  # shown by the next page, once
    return redirect("two_factor")


def admin_sign_in(request, extra_context=None):
    """The admin's sign-in is the portal's (with its second step): one form, one lockout, one throttle."""
    return redirect_to_login(_next_url(request, reverse("admin:index")))


# -- staff accounts and departments ----------------------------------------------------------------------------


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


def _switch_category(request, kind, pk, service, done: str):
    """Retire or restore a category (Art. 3); a refusal (a category still in use) is told, nothing changes."""
    category = get_object_or_404(_category_model(kind), pk=pk)
    try:
        service(actor=request.user, category=category)
    except RuleViolation as error:
        show_refusal(request, error)
    else:
        messages.success(request, done.format(name=category.name))
    return redirect(reverse("users:categories") + f"#{kind}")


@access.allowed("manage_categories")
@require_POST
def category_retire(request, kind, pk):
    return _switch_category(
        request, kind, pk, services.retire_category, "已停用“{name}”：新的申报和基地不再可选，已有记录仍显示。"
    )


@access.allowed("manage_categories")
@require_POST
def category_restore(request, kind, pk):
    return _switch_category(request, kind, pk, services.restore_category, "已恢复“{name}”。")


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
