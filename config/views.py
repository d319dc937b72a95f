"""Views of the project itself, not of any app."""

from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET


@login_not_required
@transaction.non_atomic_requests
@require_GET
def ping_view(request: HttpRequest) -> HttpResponse:
    """Answer "ok" without a query of its own.

    A load balancer asks it whether this process serves; bench/scale.py
    measures every page against it with the same login, so the ratio shows what
    a page adds to the middleware's fixed cost.
    """
    return HttpResponse("ok", content_type="text/plain")
