"""The home page after login: a clinician's worklist, or the front office's queues."""

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from clinic.access import access_clinic
from clinic.audit import audited
from clinic.models import AuditEvent

from ..worklist import (
    admin_queues,
    my_drafts,
    recent_patients,
    todays_sessions,
)

ROWS_PER_LIST = 10


@dataclass(frozen=True)
class PagedList:
    """A page of one of the home page's lists, paged by its own query parameter."""

    page: Page
    param: str

    def previous_query(self) -> dict[str, int]:
        return {self.param: self.page.previous_page_number()}

    def next_query(self) -> dict[str, int]:
        return {self.param: self.page.next_page_number()}


def home_view(request: HttpRequest) -> HttpResponse:
    """Show what to do next: my unsigned drafts, today's sessions, recent patients.

    A clinic administrator (no clinician record) gets the review queues of
    the admin instead. Each list is paged on its own (?drafts=2&today=1...).
    """
    clinic = access_clinic(user=request.user)
    clinician = getattr(request.user, "clinician", None)
    if clinician is None:
        template = "assessments/home_admin.html"
        context = {"queues": admin_queues(clinic=clinic)}
    else:
        template = "assessments/home.html"
        context = _paged_lists(
            request,
            drafts=my_drafts(clinician=clinician),
            today=todays_sessions(clinic=clinic, now=timezone.now()),
            patients=recent_patients(clinician=clinician),
        )
    page = render(request, template, {"clinic": clinic, **context})
    return audited(page, request, AuditEvent.Action.VIEWED_LIST)


def _paged_lists(request: HttpRequest, **lists: QuerySet) -> dict[str, PagedList]:
    """Page each list by its own query parameter (its name)."""
    return {
        name: PagedList(
            page=Paginator(rows, ROWS_PER_LIST).get_page(request.GET.get(name)),
            param=name,
        )
        for name, rows in lists.items()
    }
