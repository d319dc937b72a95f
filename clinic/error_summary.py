"""The list of what to fix that a refused form shows at its top.

A long form (a session with eight tests) refused on a tablet used to reload at
its top with the problems 2,000 px below. The page now opens on this list: one
line per problem, linked to its field, in the order the form shows them.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django import forms


@dataclass(frozen=True)
class ErrorLink:
    """One problem: where it is (an #id of a field, or "" for the form itself)."""

    href: str
    label: str
    message: str


def error_links(parts: Iterable[object]) -> list[ErrorLink]:
    """Return every problem of the page's forms and formsets, in page order.

    ``parts`` are the values of an entry's context(); anything that is neither
    a form nor a formset is skipped. A formset's rows are named by its
    ``row_name`` ("Test 2"), counting only the rows not removed.
    """
    links: list[ErrorLink] = []
    for part in parts:
        if isinstance(part, forms.BaseFormSet):
            links += _formset_links(part)
        elif isinstance(part, forms.BaseForm):
            links += _form_links(part, row="")
    return links


def _formset_links(formset: forms.BaseFormSet) -> list[ErrorLink]:
    if not formset.is_bound or formset.is_valid():
        return []
    name = getattr(formset, "row_name", "Row")
    rows = [
        form
        for form in formset.forms
        if not (formset.can_delete and formset._should_delete_form(form))
    ]
    links = [
        ErrorLink(href=_first_field(rows[0]) if rows else "", label=name, message=m)
        for m in formset.non_form_errors()
    ]
    for number, form in enumerate(rows, start=1):
        links += _form_links(form, row=f"{name} {number}")
    return links


def _form_links(form: forms.BaseForm, *, row: str) -> list[ErrorLink]:
    if not form.is_bound or not form.errors:
        return []
    links = [
        ErrorLink(href=_first_field(form) if row else "", label=row, message=message)
        for message in form.non_field_errors()
    ]
    for bound in form:
        for message in bound.errors:
            label = str(bound.label or bound.name)
            links.append(
                ErrorLink(
                    href="" if bound.is_hidden else f"#{bound.id_for_label}",
                    label=f"{row} · {label}" if row else label,
                    message=message,
                )
            )
    return links


def _first_field(form: forms.BaseForm) -> str:
    visible = form.visible_fields()
    return f"#{visible[0].id_for_label}" if visible else ""
