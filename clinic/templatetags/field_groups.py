"""``{{ field|field_group }}``: a field with its label, errors and help, as crispy draws it.

crispy-forms draws a field by rendering some twenty nested templates; the
session form has about sixty fields a test row, most of them hidden until a
test that asks for them is chosen, and drawing them through crispy took most
of the form page's time (docs/scaling.md). This filter writes the same
Bootstrap 5 markup as crispy-bootstrap5's ``field.html`` for the widgets those
rows use (text, number and select inputs, text areas) in Python; any other
widget is handed to crispy's own ``as_crispy_field``, so nothing is drawn
differently. tests/clinic/test_field_groups.py holds the two to the same HTML.
"""

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import forms, template
from django.forms import BoundField
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

# The widgets drawn here, and the Bootstrap class crispy gives each.
_BOOTSTRAP_CLASS = {
    forms.Select: "form-select",
    forms.TextInput: "form-control",
    forms.NumberInput: "form-control",
    forms.Textarea: "form-control",
}


@register.filter
def field_group(field: BoundField) -> SafeString:
    """Return the field's label, widget, errors and help text in a ``mb-3`` div."""
    widget = field.field.widget
    bootstrap = _BOOTSTRAP_CLASS.get(type(widget))
    if bootstrap is None or field.is_hidden:
        return as_crispy_field(field)
    return format_html(
        '<div id="div_{}" class="mb-3">{}{}{}{}</div>',
        field.auto_id,
        _label(field),
        field.as_widget(attrs={"class": _widget_class(field, bootstrap)}),
        _errors(field),
        _help(field),
    )


def _widget_class(field: BoundField, bootstrap: str) -> str:
    """Return crispy's classes: the widget's own, its class name, Bootstrap's."""
    widget = field.field.widget
    name = type(widget).__name__.lower()
    classes = widget.attrs.get("class", "").split()
    for extra in (name, bootstrap, "is-invalid" if field.errors else ""):
        if extra and extra not in classes:
            classes.append(extra)
    return " ".join(classes)


def _label(field: BoundField) -> SafeString:
    if not field.label:
        return SafeString("")
    required = field.field.required
    return format_html(
        '<label for="{}" class="form-label{}">{}{}</label>',
        field.id_for_label,
        " requiredField" if required else "",
        field.label,
        SafeString('<span class="asteriskField">*</span>') if required else "",
    )


def _errors(field: BoundField) -> SafeString:
    if not field.errors:
        return SafeString("")
    return format_html(
        '<div id="{}_error" class="invalid-feedback">{}</div>',
        field.auto_id,
        format_html_join(
            "",
            '<p id="error_{}_{}"><strong>{}</strong></p>',
            (
                (number, field.auto_id, error)
                for number, error in enumerate(field.errors, start=1)
            ),
        ),
    )


def _help(field: BoundField) -> SafeString:
    if not field.help_text:
        return SafeString("")
    # Help texts are the form's own words and may hold markup, as in crispy.
    return format_html(
        '<div id="{}_helptext" class="form-text">{}</div>',
        field.auto_id,
        mark_safe(field.help_text),  # noqa: S308
    )
