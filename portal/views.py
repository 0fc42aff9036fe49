"""The shell's own pages: home per role, the inbox, and institution self-registration."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from accounts import services as user_services
from accounts.forms import InstitutionAccountForm, InstitutionProfileForm
from accounts.models import Role, User
from applications import selectors as application_selectors
from core import access, uploads
from core.models import Decision, Notification
from core.pagecache import cached_signed_in_page
from core.seek import SeekPaginator

from . import selectors


@cached_signed_in_page
def home(request):
    """What waits for this user; the public landing page for visitors."""
    user = request.user
    if not user.is_authenticated:
        return render(request, "portal/home_public.html", {"open_batches": application_selectors.open_batches()})
    context = {"summary": selectors.home_summary(user)}
    template = {
        Role.INSTITUTION: "portal/home_institution.html",
        Role.RECOMMENDER: "portal/home_recommender.html",
        Role.PROVINCE: "portal/home_province.html",
        Role.INSPECTOR: "portal/home_inspector.html",
        Role.EXPERT: "portal/home_expert.html",
    }.get(user.role, "portal/home_admin.html")
    return render(request, template, context)


@cached_signed_in_page
@login_required
def inbox(request):
    notes = SeekPaginator(
        Notification.objects.filter(recipient=request.user).only("id", "title", "body", "url", "created_at", "read_at"),
        20,
        ("-created_at", "-id"),
    ).page(request.GET)
    return render(request, "portal/inbox.html", {"page_obj": notes})


@login_required
@require_POST
def inbox_open(request, pk):
    note = Notification.objects.filter(recipient=request.user, pk=pk).first()
    if note is None:
        return redirect("inbox")
    if note.read_at is None:
        Notification.objects.filter(pk=note.pk).update(read_at=timezone.now())
    # Only a path on this site: no scheme, no host, nothing a browser would read as one ("//", "/\\").
    safe = (
        note.url.startswith("/")
        and url_has_allowed_host_and_scheme(
            note.url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
        and not note.url.startswith(("//", "/\\"))
    )
    return redirect(note.url if safe else "inbox")


@login_required
@require_POST
def inbox_read_all(request):
    Notification.objects.filter(recipient=request.user, read_at=None).update(read_at=timezone.now())
    messages.success(request, "已全部标为已读。")
    return redirect("inbox")


@login_required
def decision_pdf(request, pk):
    """A decision as issued (SPEC 2.10), for whoever may see the record it decides; 404 for anyone else."""
    decision = Decision.objects.filter(pk=pk).select_related("content_type").first()
    if decision is None or not access.in_scope(request.user, decision.subject):
        raise Http404("未找到该决定文书。")
    return uploads.serve(decision.pdf, filename=f"{decision.number}.pdf", content_type="application/pdf")


def register(request):
    """An institution registers its account and profile in one form (Art. 8(3))."""
    if request.user.is_authenticated:
        return redirect("home")
    account_form = InstitutionAccountForm(request.POST or None, prefix="account", instance=User(role=Role.INSTITUTION))
    profile_form = InstitutionProfileForm(request.POST or None, prefix="org")
    if request.method == "POST" and account_form.is_valid() & profile_form.is_valid():
        data = account_form.cleaned_data
        with transaction.atomic():
            user = user_services.register_institution(
                account={k: data[k] for k in ("username", "full_name", "email", "phone")},
                institution=profile_form.cleaned_data,
                password=data["password1"],
            )
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, f"注册成功，欢迎使用。{user.institution.name}的账户已开通。")
        return redirect("home")
    if request.method == "POST":
        messages.error(request, "注册信息有误，请按提示修改（已填写的内容已保留）。")
    return render(request, "registration/register.html", {"account_form": account_form, "profile_form": profile_form})


def robots(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Allow: /applications/notices/",
        "Disallow: /applications/",
        "Disallow: /bases/",
        "Disallow: /inbox/",
        "Disallow: /users/",
        f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


def csrf_failure(request, reason=""):
    return render(request, "403_csrf.html", status=403)
