"""Edit history pages in the admin (django-simple-history), read-only and in the clinic.

simple-history's history page falls back to the newest historical row when
the object is not in the admin's queryset, and its version page saves a
"revert" on POST whatever SIMPLE_HISTORY_REVERT_DISABLED hides: both would
walk around the clinic scoping and the services. Here another clinic's row is
not found, and a version page only shows.
"""

from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse

HISTORY_IS_READ_ONLY = "The history is read-only: change the record itself."


class ReadOnlyHistoryAdminMixin:
    """Put before SimpleHistoryAdmin; the ModelAdmin's queryset is the clinic's."""

    def history_view(
        self, request: HttpRequest, object_id: str, extra_context: dict | None = None
    ) -> HttpResponse:
        self._own_row_or_404(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(
        self,
        request: HttpRequest,
        object_id: str,
        version_id: str,
        extra_context: dict | None = None,
    ) -> HttpResponse:
        if request.method != "GET":
            raise PermissionDenied(HISTORY_IS_READ_ONLY)
        self._own_row_or_404(request, object_id)
        response = super().history_form_view(
            request, object_id, version_id, extra_context
        )
        return self.audit_row_page(request, object_id, response)

    def _own_row_or_404(self, request: HttpRequest, object_id: str) -> None:
        try:
            found = self.get_queryset(request).filter(pk=unquote(object_id)).exists()
        except (ValueError, ValidationError):
            found = False
        if not found:
            raise Http404
