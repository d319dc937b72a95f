"""The list of problems a refused form opens on: every one, in page order, linked."""

from django import forms

from clinic.error_summary import ErrorLink, error_links


class _Visit(forms.Form):
    version = forms.CharField(widget=forms.HiddenInput)
    reason = forms.CharField(label="Reason for testing")
    minutes = forms.IntegerField()

    def clean(self):
        self.add_error(None, "Someone else saved this draft meanwhile.")
        return super().clean()


class _Row(forms.Form):
    code = forms.CharField(label="Test")
    start = forms.CharField(required=False)


_Rows = forms.formset_factory(_Row, can_delete=True, min_num=1, validate_min=True)
_Rows.row_name = "Test"


def _rows(*rows, prefix="tests"):
    data = {f"{prefix}-TOTAL_FORMS": str(len(rows)), f"{prefix}-INITIAL_FORMS": "0"}
    for index, row in enumerate(rows):
        data.update({f"{prefix}-{index}-{name}": value for name, value in row.items()})
    return _Rows(data, prefix=prefix)


def test_problems_come_in_page_order_linked_to_their_fields():
    # given
    visit = _Visit({"version": "", "reason": "", "minutes": "many"})
    rows = _rows({"code": "tug"}, {"code": "", "start": "09:05"})
    # when
    links = error_links([visit, rows, "not a form", None])
    # then
    assert links == [
        ErrorLink("", "", "Someone else saved this draft meanwhile."),
        ErrorLink("", "Version", "This field is required."),
        ErrorLink("#id_reason", "Reason for testing", "This field is required."),
        ErrorLink("#id_minutes", "Minutes", "Enter a whole number."),
        ErrorLink("#id_tests-1-code", "Test 2 · Test", "This field is required."),
    ]


def test_rows_are_numbered_as_shown_without_the_removed_ones():
    # given: the first row was removed, so the second is "Test 1" on the page
    rows = _rows({"code": "", "DELETE": "on"}, {"code": "", "start": "09:05"})
    # when
    links = error_links([rows])
    # then
    assert links == [
        ErrorLink("#id_tests-1-code", "Test 1 · Test", "This field is required.")
    ]


def test_a_formset_problem_links_to_its_first_row_shown():
    # given: one row is required; the first was removed, the second left empty
    rows = _rows({"code": "tug", "DELETE": "on"}, {})
    # when
    links = error_links([rows])
    # then
    assert links == [
        ErrorLink("#id_tests-1-code", "Test", "Please submit at least 1 form.")
    ]


def test_a_formset_problem_with_no_row_shown_names_no_field():
    # given
    rows = _rows({"code": "tug", "DELETE": "on"})
    # when
    links = error_links([rows])
    # then
    assert links == [ErrorLink("", "Test", "Please submit at least 1 form.")]


def test_a_row_problem_of_no_field_links_to_the_row():
    # given
    rows = _rows({"code": "tug"})
    rows.is_valid()
    rows.forms[0].add_error(None, "This test overlaps test 2.")
    # when
    links = error_links([rows])
    # then
    assert links == [
        ErrorLink("#id_tests-0-code", "Test 1", "This test overlaps test 2.")
    ]


def test_forms_not_submitted_have_no_problems():
    assert error_links([_Visit(), _Rows(prefix="tests")]) == []
