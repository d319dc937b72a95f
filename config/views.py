"""Views of the project itself, not of any app: /ping/ and /favicon.ico."""

from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.templatetags.static import static
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


@login_not_required
@transaction.non_atomic_requests
@require_GET
def favicon_view(request: HttpRequest) -> HttpResponseRedirect:
    """Send /favicon.ico to the static icon.

    Pages link their icon (base.html); a browser or a tool that asks for
    /favicon.ico anyway gets it too, not a 404 in every log. The static URL
    carries the file's hash in production, so this answer is not permanent.
    """
    return HttpResponseRedirect(static("img/favicon.ico"))
