"""Per-request clinic settings: its time zone and time format, its idle timeout, its second factor."""

import time
import zoneinfo
from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponseBase
from django.urls import reverse
from django.utils import timezone

from . import time_display
from .access import clinic_for_user
from .second_factor import second_factor_required, totp_device_confirmed


class ClinicTimezoneMiddleware:
    """Activate the clinic's zone and time format.

    The zone makes typed times mean what the clinician's clock said; the format
    makes every page write times as the clinic reads them (clinic.time_display).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        clinic = clinic_for_user(user=request.user)
        if clinic is not None:
            timezone.activate(zoneinfo.ZoneInfo(clinic.time_zone))
            time_display.activate(clinic.time_format)
        try:
            return self.get_response(request)
        finally:
            # Whatever this thread runs next (another user's request, a task,
            # a test) starts from the defaults, not this clinic's zone and format.
            timezone.deactivate()
            time_display.deactivate()


# The session key holding the time (epoch seconds) of the user's last request.
LAST_ACTIVITY_KEY = "perfnote_last_activity"
# Requests this close together do not rewrite the session: a page's every
# request would otherwise cost a write.
ACTIVITY_RESOLUTION_SECONDS = 60
DEFAULT_IDLE_TIMEOUT_MINUTES = 15
IDLE_LOGGED_OUT = "You were logged out after {minutes} minutes without activity."


def idle_timeout_seconds(*, user: AbstractBaseUser | AnonymousUser) -> int:
    """Return how long the user may stay idle: their clinic's setting, else the default."""
    clinic = clinic_for_user(user=user)
    minutes = clinic.idle_timeout_minutes if clinic else DEFAULT_IDLE_TIMEOUT_MINUTES
    return minutes * 60


def idle_clock_start(request: HttpRequest | None, **kwargs: object) -> None:
    """Start the idle clock at login (connected to ``user_logged_in``)."""
    if request is not None and hasattr(request, "session"):
        request.session[LAST_ACTIVITY_KEY] = int(time.time())


class IdleTimeoutMiddleware:
    """Log a signed-in user out after their clinic's idle timeout without a request.

    Each request of a signed-in user restarts the clock, except the idle
    warning's own status check (``clinic:session-status`` GET), which must not
    keep an abandoned page signed in. The time left is put on the request as
    ``idle_timeout_seconds`` for the page's warning script.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if request.user.is_authenticated:
            timeout = idle_timeout_seconds(user=request.user)
            now = int(time.time())
            last = request.session.get(LAST_ACTIVITY_KEY, now)
            if now - last >= timeout:
                logout(request)
                messages.info(request, IDLE_LOGGED_OUT.format(minutes=timeout // 60))
            else:
                request.idle_timeout_seconds = timeout
                request.idle_seconds_left = timeout - (now - last)
                counts = not (
                    request.method == "GET"
                    and request.path_info == reverse("session-status")
                )
                if counts and (
                    LAST_ACTIVITY_KEY not in request.session
                    or now - last >= ACTIVITY_RESOLUTION_SECONDS
                ):
                    request.session[LAST_ACTIVITY_KEY] = now
                    request.idle_seconds_left = timeout
        return self.get_response(request)


# Pages a signed-in user still reaches before giving their second factor.
SECOND_FACTOR_OPEN_VIEWS = frozenset(
    {"second-factor-setup", "second-factor-verify", "logout", "session-status"}
)


class SecondFactorMiddleware:
    """Keep every page from a user whose clinic requires a second factor until given.

    After the password, such a user reaches only the second-factor pages,
    logout, and pages open to anyone (``login_not_required``, such as
    /verify/); everything else, the admin included, redirects to the setup
    page (no authenticator app yet) or to the code prompt, and comes back
    afterwards. Users of other clinics pay nothing: their clinic is already
    loaded with them.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., HttpResponseBase],
        view_args: tuple[object, ...],
        view_kwargs: dict[str, object],
    ) -> HttpResponseBase | None:
        user = request.user
        if (
            not getattr(view_func, "login_required", True)
            or not user.is_authenticated
            or not second_factor_required(user=user)
            or user.is_verified()
            or request.resolver_match.view_name in SECOND_FACTOR_OPEN_VIEWS
        ):
            return None
        page = (
            "second-factor-verify"
            if totp_device_confirmed(user=user)
            else "second-factor-setup"
        )
        return redirect_to_login(request.get_full_path(), reverse(page))
