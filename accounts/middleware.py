"""Province staff and administrators do nothing with a password alone (issue 19 (8))."""

from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse

from . import selectors, twofactor

# What a signed-in user who owes the second step may still open: the step itself, enrolment and signing out.
OPEN_TO_UNVERIFIED = ("two_factor_verify", "two_factor_setup", "two_factor_qr", "logout")


class TwoFactorMiddleware:
    """A required user (province, administrator, staff) whose session has not passed the second step is sent to
    enrol an authenticator, or to give its code, whatever page was asked for (the Django admin too).

    A verified session holds django-otp's device id: the check reads the session only, no query.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self._open: set[str] | None = None

    def __call__(self, request):
        if twofactor.must_verify(request):
            if self._open is None:
                self._open = {reverse(name) for name in OPEN_TO_UNVERIFIED}
            if request.path_info not in self._open:
                target = "two_factor_verify" if selectors.has_two_factor(request.user) else "two_factor_setup"
                if request.method == "GET":
                    return redirect_to_login(request.get_full_path(), reverse(target))
                return redirect(target)
        return self.get_response(request)
