"""``field_group`` draws a field exactly as crispy-bootstrap5's ``as_crispy_field`` does."""

import re

import pytest
from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import forms

from assessments.forms import PerformedTestForm
from clinic.templatetags.field_groups import field_group

BETWEEN_TAGS = re.compile(r">\s+<")
SPACES = re.compile(r"\s+")


def _html(markup):
    """The markup with the whitespace a browser ignores between tags removed."""
    return (
        SPACES.sub(" ", BETWEEN_TAGS.sub("><", str(markup)))
        .replace("> ", ">")
        .replace(" <", "<")
    )


class Sample(forms.Form):
    side = forms.ChoiceField(choices=[("", "—"), ("left", "Left")], required=False)
    start = forms.CharField(max_length=12, help_text="HH:MM:SS <b>24-hour</b>")
    item = forms.IntegerField(
        required=False, widget=forms.NumberInput(attrs={"inputmode": "numeric"})
    )
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    test = forms.ChoiceField(choices=[("", "—"), ("tug", "TUG <timed>")])
    small = forms.CharField(
        required=False, widget=forms.TextInput(attrs={"class": "form-control-sm"})
    )


@pytest.mark.parametrize(
    "data",
    [
        None,
        {"side": "left", "start": "", "item": "x", "notes": "a <b>", "test": ""},
        {"side": "up", "start": "09:00:00", "item": "3", "test": "tug"},
    ],
    ids=["unbound", "errors", "valid"],
)
@pytest.mark.parametrize("name", list(Sample.base_fields))
def test_a_field_is_drawn_as_crispy_draws_it(data, name):
    form = Sample(data=data, prefix="tests-0")
    if data is not None:
        form.is_valid()
    assert _html(field_group(form[name])) == _html(as_crispy_field(form[name]))


@pytest.mark.django_db
def test_every_field_of_a_test_row_is_drawn_as_crispy_draws_it():
    # given a row posted with errors (an unknown test, a bad start)
    form = PerformedTestForm(
        data={"tests-0-catalog_code": "nope", "tests-0-start": "25:00"},
        prefix="tests-0",
    )
    form.is_valid()
    # when / then
    for bound in form:
        assert _html(field_group(bound)) == _html(as_crispy_field(bound)), bound.name
