"""The one way a page saves (typed input to a service, its refusal back on the
form), and the one way it refuses a user an action before anything is typed."""

from collections.abc import Callable
from http import HTTPStatus
from typing import Protocol

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from clinic.error_summary import error_links
from clinic.forms import forged_form_count


class Entry(Protocol):
    """A page's forms: the typed input, and a place for a service's problems."""

    def cleaned_input(self) -> object | None: ...

    def add_errors(self, error: ValidationError) -> None: ...

    def context(self) -> dict: ...


def entry_page[T](
    request: HttpRequest,
    entry: Entry,
    *,
    save: Callable[[object], T],
    saved: Callable[[T], tuple[str, str]],
    template: str,
    context: dict,
) -> HttpResponse:
    """Save what was typed through ``save``, or show the page again with its errors.

    ``saved`` turns what ``save`` returned into (message, URL) for the redirect.
    A ValidationError from the service goes back next to the fields it names, so
    the user loses nothing they typed and never sees a server error for it.
    A refused page also gets ``error_summary``: every problem, linked to its
    field, for the list at the top of the form (_error_summary.html). A post
    claiming more rows than a formset holds is answered 400 (forged_form_count).
    """
    if request.method == "POST" and (data := entry.cleaned_input()) is not None:
        try:
            result = save(data)
        except ValidationError as exc:
            entry.add_errors(exc)
        else:
            message, url = saved(result)
            messages.success(request, message)
            return redirect(url)
    forms = entry.context()
    summary = error_links(forms.values()) if request.method == "POST" else []
    status = (
        HTTPStatus.BAD_REQUEST
        if request.method == "POST" and forged_form_count(forms.values())
        else HTTPStatus.OK
    )
    return render(
        request,
        template,
        {**context, **forms, "error_summary": summary},
        status=status,
    )


def refusal_if_refused(
    request: HttpRequest, check: Callable[[], object], **page: str
) -> HttpResponse | None:
    """Return ``refusal_page`` if ``check`` refuses this user (ValidationError), else None."""
    try:
        check()
    except ValidationError as exc:
        return refusal_page(request, exc, **page)
    return None


def refusal_page(
    request: HttpRequest,
    error: ValidationError,
    *,
    title: str,
    back_url: str,
    back_label: str,
    who: str = "",
) -> HttpResponse:
    """Say why this user may not do what the address asks, and who can (403).

    Pages do not offer these actions to this user; this answers a bookmark, a
    typed address or a link someone else shared, before anything is typed.
    """
    return render(
        request,
        "assessments/refused.html",
        {
            "title": title,
            "reason": error.messages[0],
            "who": who,
            "back_url": back_url,
            "back_label": back_label,
        },
        status=HTTPStatus.FORBIDDEN,
    )
