"""The token pages: the list, creating a token (its secret shown once, on the answer to the POST, never
stored), and revoking one after a confirmation."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from core.access import allowed, bind, may, refusal
from core.errors import RuleViolation
from core.forms import show_refusal

from . import selectors, services
from .forms import TokenForm
from .models import ApiToken


@allowed("manage_api_tokens")
def tokens(request):
    return render(request, "api/tokens.html", {"tokens": bind(request.user, list(selectors.tokens_for(request.user)))})


@never_cache
@allowed("manage_api_tokens")
def token_new(request):
    province = may(request.user, "issue_province_read_token")
    bases = None if province else selectors.token_bases(request.user)
    form = TokenForm(request.POST or None, bases=bases)
    if request.method == "POST" and form.is_valid():
        base = form.cleaned_data.get("base")
        try:
            token, secret = services.create_token(
                actor=request.user,
                name=form.cleaned_data["name"],
                base_id=base.pk if base else None,
                province=province,
            )
        except RuleViolation as error:
            show_refusal(request, error, form)
        else:
            # The one time the secret is shown: on this answer, which no cache keeps.
            return render(request, "api/token_created.html", {"token": token, "secret": secret})
    return render(request, "api/token_form.html", {"form": form, "province": province, "bases": bases})


@allowed(ApiToken, "revoke", load="pk", queryset=ApiToken.objects.select_related("base"))
def token_revoke(request, apitoken):
    if request.method != "POST":
        if (found := refusal(request.user, "revoke", apitoken)) is not None:
            show_refusal(request, found)
            return redirect("api:tokens")
        return render(request, "api/token_revoke.html", {"token": apitoken})
    try:
        services.revoke_token(actor=request.user, token_id=apitoken.pk)
    except RuleViolation as error:
        show_refusal(request, error)
    else:
        messages.success(request, f"已吊销令牌「{apitoken.name}」，使用它的调用将被拒绝。")
    return redirect("api:tokens")
