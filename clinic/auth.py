"""Authentication backend that loads the signed-in user with their clinic."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.base_user import AbstractBaseUser


class ClinicUserBackend(ModelBackend):
    """Load the user, their clinician or clinic-admin row and its clinic in one query.

    Every signed-in request reads the clinic (the middleware activates its time
    zone, the views and the admin scope to it). Django's ModelBackend loads the
    user alone, so the clinician and the clinic would cost a query each; joined
    here, a signed-in request costs two (session, user) before the view runs.
    """

    def get_user(self, user_id: int) -> AbstractBaseUser | None:
        user_model = get_user_model()
        try:
            user = user_model._default_manager.select_related(
                "clinician__clinic", "clinic_admin__clinic"
            ).get(pk=user_id)
        except user_model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
