"""Account pages of a signed-in user: password, second factor, the idle clock."""

import time
from base64 import b32encode
from typing import Any

import segno
from django import forms
from django.contrib import messages
from django.contrib.auth import authenticate
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.views import PasswordChangeView, redirect_to_login
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods
from django_otp.plugins.otp_totp.models import TOTPDevice

from .forms import SecondFactorCodeForm
from .middleware import LAST_ACTIVITY_KEY
from .second_factor import (
    second_factor_required,
    totp_code_check,
    totp_device_confirmed,
    totp_device_for_setup,
)

PASSWORD_CHANGED = "Your password is changed."  # noqa: S105
SECOND_FACTOR_SET_UP = (
    "Your authenticator app is set up: from now on, type its code after your password."
)


class ThrottledPasswordChangeForm(PasswordChangeForm):
    """Django's password change, its old password checked through authenticate().

    Django checks the old password with ``user.check_password``, which
    django-axes never sees; through authenticate() with the request, a wrong
    old password counts toward the lock-out like any other prompt, and a
    locked-out user cannot change their password. The new password goes
    through AUTH_PASSWORD_VALIDATORS (SetPasswordForm does that).
    """

    def __init__(
        self,
        user: AbstractBaseUser,
        *args: object,
        request: HttpRequest,
        **kwargs: object,
    ) -> None:
        self.request = request
        super().__init__(user, *args, **kwargs)

    def clean_old_password(self) -> str:
        old_password = self.cleaned_data["old_password"]
        user = authenticate(
            self.request, username=self.user.get_username(), password=old_password
        )
        if user is None or user.pk != self.user.pk:
            raise forms.ValidationError(
                self.error_messages["password_incorrect"], code="password_incorrect"
            )
        return old_password


class PasswordChangePageView(PasswordChangeView):
    """Let any signed-in user change their password; the admin's link comes here too."""

    form_class = ThrottledPasswordChangeForm
    template_name = "clinic/password_change_form.html"
    success_url = reverse_lazy("home")

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "request": self.request}

    def form_valid(self, form: ThrottledPasswordChangeForm) -> HttpResponse:
        response = super().form_valid(form)
        messages.success(self.request, PASSWORD_CHANGED)
        return response


@login_not_required
@require_http_methods(["GET", "POST"])
def session_status_view(request: HttpRequest) -> JsonResponse:
    """Tell the idle warning how many seconds are left; a POST restarts the clock.

    A GET does not count as activity (IdleTimeoutMiddleware skips it), so a
    page left open cannot keep itself signed in; the warning's "Stay signed
    in" button POSTs. Anyone may ask: a logged-out page learns it has 0 left.
    """
    if not request.user.is_authenticated:
        return JsonResponse({"seconds_left": 0})
    if request.method == "POST":
        request.session[LAST_ACTIVITY_KEY] = int(time.time())
        request.idle_seconds_left = request.idle_timeout_seconds
    return JsonResponse({"seconds_left": request.idle_seconds_left})


def _next_url(request: HttpRequest) -> str:
    """Where the second-factor pages send the user once done: ?next= if it is ours."""
    wanted = request.GET.get("next", "")
    if url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return reverse("home")


def _code_page(
    request: HttpRequest,
    *,
    device: TOTPDevice,
    template: str,
    context: dict[str, object],
    done: str = "",
) -> HttpResponse:
    """Ask for the device's code; a right one goes on to ?next=, a wrong one stays."""
    form = SecondFactorCodeForm(request.POST or None)
    if form.is_valid():
        try:
            totp_code_check(
                request=request, device=device, code=form.cleaned_data["code"]
            )
        except ValidationError as error:
            form.add_error("code", error)
        else:
            if done:
                messages.success(request, done)
            return redirect(_next_url(request))
    return render(request, template, {"form": form, **context})


@require_http_methods(["GET", "POST"])
def second_factor_setup_view(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app: show its secret as a QR code, confirm with a code.

    The QR code is an SVG drawn on the server (segno) and shown as an image, so
    the page needs no script; the secret and the otpauth URI are printed too,
    for apps that are typed into.
    """
    user = request.user
    if not second_factor_required(user=user) or user.is_verified():
        return redirect(_next_url(request))
    if totp_device_confirmed(user=user):
        return redirect_to_login(_next_url(request), reverse("second-factor-verify"))
    device = totp_device_for_setup(user=user)
    secret = b32encode(device.bin_key).decode()
    return _code_page(
        request,
        device=device,
        template="clinic/second_factor_setup.html",
        context={
            "qr_code": segno.make(device.config_url, error="m").svg_data_uri(scale=5),
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            "otpauth_uri": device.config_url,
        },
        done=SECOND_FACTOR_SET_UP,
    )


@require_http_methods(["GET", "POST"])
def second_factor_verify_view(request: HttpRequest) -> HttpResponse:
    """Ask for the authenticator app's code after the password; then go on."""
    user = request.user
    if not second_factor_required(user=user) or user.is_verified():
        return redirect(_next_url(request))
    device = totp_device_confirmed(user=user)
    if device is None:
        return redirect_to_login(_next_url(request), reverse("second-factor-setup"))
    return _code_page(
        request,
        device=device,
        template="clinic/second_factor_verify.html",
        context={},
    )
