"""The TOTP second factor: who must give one, setting up the app, checking its codes.

A clinic that turns on ``Clinic.requires_second_factor`` asks each of its
clinicians and clinic administrators, after their password, for the 6-digit
code of an authenticator app (TOTP, RFC 6238) through django-otp. The first
time, the user sets the app up: a device is made unconfirmed, its secret shown
as a QR code, and it is confirmed by the first right code. Every write to a
device goes through here, so the pages and the tests share one path.

Wrong codes are throttled by django-otp per device: after each one the next
code is refused for 1, 2, 4, 8… seconds (``OTP_TOTP_THROTTLE_FACTOR``), even a
right one, so guessing a million codes is out of reach. A right code resets it.
"""

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.formats import time_format
from django_otp import login as otp_login
from django_otp import verify_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from .access import clinic_for_user

DEVICE_NAME = "Authenticator app"
WRONG_CODE = "That code is not right: type the 6 digits your app shows now."
TOO_MANY_WRONG_CODES = (
    "Too many wrong codes: wait until {time}, then type the code your app shows."
)


def second_factor_required(*, user: AbstractBaseUser | AnonymousUser) -> bool:
    """Return whether the user's clinic makes them give a code after the password."""
    clinic = clinic_for_user(user=user)
    return clinic is not None and clinic.requires_second_factor


def totp_device_confirmed(*, user: AbstractBaseUser) -> TOTPDevice | None:
    """Return the user's set-up authenticator app, or None if they have none yet."""
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


def totp_device_for_setup(*, user: AbstractBaseUser) -> TOTPDevice:
    """Return the user's unconfirmed device, made now if there is none.

    The same secret comes back on every visit until it is confirmed, so a
    reload of the setup page does not invalidate the app the user just scanned.
    """
    device = TOTPDevice.objects.devices_for_user(user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def totp_code_check(*, request: HttpRequest, device: TOTPDevice, code: str) -> None:
    """Accept the code of the signed-in user's ``device``, or raise ValidationError.

    A right code confirms a device being set up and marks the session as
    verified. A wrong one counts toward the device's throttle; while
    throttled, every code is refused, with the time the next one is taken.
    """
    allowed, throttle = device.verify_is_allowed()
    if not allowed:
        until = timezone.localtime(throttle["locked_until"])
        raise ValidationError(
            TOO_MANY_WRONG_CODES.format(time=time_format(until, "H:i:s")),
            code="throttled",
        )
    # verify_token re-reads the device FOR UPDATE and checks the throttle again,
    # so guesses sent in parallel are each counted and refused.
    verified = verify_token(request.user, device.persistent_id, code.strip())
    if verified is None:
        raise ValidationError(WRONG_CODE, code="wrong")
    if not verified.confirmed:
        verified.confirmed = True
        verified.save(update_fields=["confirmed"])
    otp_login(request, verified)
