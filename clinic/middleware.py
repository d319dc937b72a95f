"""Show and read times in the time zone of the signed-in user's clinic."""

import zoneinfo
from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase
from django.utils import timezone

from .access import clinic_for_user


class ClinicTimezoneMiddleware:
    """Activate the clinic's zone so typed times mean what the clinician's clock said."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        clinic = clinic_for_user(user=request.user)
        if clinic is not None:
            timezone.activate(zoneinfo.ZoneInfo(clinic.time_zone))
        else:
            timezone.deactivate()
        return self.get_response(request)
