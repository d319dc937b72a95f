"""Trend charts as SVG images: a session's (as its note prints them) and the patient's Progress.

Each chart is its own URL, shown through ``<img>``: pygal's SVG carries its own
``<style>``, which the pages' strict Content-Security-Policy would refuse
inline, and an image never runs the script pygal adds. The SVG response gets
a policy of its own (``SVG_POLICY``): its inline style only, no script, no
fetch, so the chart also draws when the URL is opened as a document. (Chromium
draws an ``<img>`` SVG without applying the image's policy at all; the
browser test checks the pages log no CSP violation.) Both views load their
row through the clinic-scoped access functions, as every page does.
"""

from uuid import UUID

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.csp import CSP
from django.views.decorators.csp import csp_override

from clinic.access import access_patient_by_uuid
from clinic.audit import audited
from clinic.models import AuditEvent

from ..access import access_session_by_uuid
from ..charts import trend_svg
from ..results import patient_progress, session_results_get

NO_CHART = "No chart of this test."
# The image's own policy: no script, no fetch, only the style pygal writes
# inside the SVG.
SVG_POLICY = {
    "default-src": [CSP.NONE],
    "style-src": [CSP.UNSAFE_INLINE],
}


@csp_override(SVG_POLICY)
def session_trend_view(
    request: HttpRequest, session_uuid: UUID, code: str
) -> HttpResponse:
    session = access_session_by_uuid(user=request.user, session_uuid=session_uuid)
    results = session_results_get(session=session, tests=list(session.tests.all()))
    return audited(
        _svg(results.trends, code),
        request,
        AuditEvent.Action.VIEWED_CHART,
        patient=session.patient,
    )


@csp_override(SVG_POLICY)
def patient_trend_view(
    request: HttpRequest, patient_uuid: UUID, code: str
) -> HttpResponse:
    patient = access_patient_by_uuid(user=request.user, patient_uuid=patient_uuid)
    return audited(
        _svg(patient_progress(patient=patient), code),
        request,
        AuditEvent.Action.VIEWED_CHART,
        patient=patient,
    )


def _svg(trends: list[dict], code: str) -> HttpResponse:
    trend = next((trend for trend in trends if trend["code"] == code), None)
    if trend is None:
        raise Http404(NO_CHART)
    response = HttpResponse(trend_svg(trend), content_type="image/svg+xml")
    response["Cache-Control"] = "private, no-cache"
    return response
