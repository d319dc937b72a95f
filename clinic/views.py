"""Account pages of a signed-in user: change their password, see the idle clock."""

import time
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import authenticate
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.views import PasswordChangeView
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse_lazy
from django.views.decorators.http import require_http_methods

from .middleware import LAST_ACTIVITY_KEY

PASSWORD_CHANGED = "Your password is changed."  # noqa: S105


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
