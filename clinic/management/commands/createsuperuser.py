"""Django's createsuperuser, its --noinput password held to the password validators.

Asked interactively, Django checks the password against
AUTH_PASSWORD_VALIDATORS; with --noinput it takes DJANGO_SUPERUSER_PASSWORD as
it is. A deploy script is where a weak password would slip in unseen, so here
the same validators refuse it with the same messages.
"""

import os

from django.contrib.auth.management.commands import createsuperuser
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError


class Command(createsuperuser.Command):
    def handle(self, *args: object, **options: object) -> None:
        password = os.environ.get("DJANGO_SUPERUSER_PASSWORD")
        if not options["interactive"] and password is not None:
            username_field = self.UserModel.USERNAME_FIELD
            attributes = {
                field: options.get(field)
                or os.environ.get(f"DJANGO_SUPERUSER_{field.upper()}", "")
                for field in (username_field, *self.UserModel.REQUIRED_FIELDS)
            }
            try:
                validate_password(password, self.UserModel(**attributes))
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from None
        super().handle(*args, **options)
