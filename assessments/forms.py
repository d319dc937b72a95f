"""Session input: a session form plus a formset of tests, each with times and trials.

Times are typed (or filled by the Start/Stop buttons) as clock times on the
session's date, in the clinic's time zone, which the middleware activates.
"""

import datetime as dt
from decimal import Decimal

from django import forms
from django.utils import timezone

from billing.models import SameDayService
from billing.rules.codes import UNTIMED_CODES

from . import catalog
from .models import PerformedTest, TestSession

MAX_TRIALS = max(test.trials for test in catalog.CATALOG.values())

SESSION_ENDS_BEFORE_START = "Time out must be after time in."
SESSION_IN_FUTURE = "This session ends in the future; record it once it has happened."
TEST_ENDS_BEFORE_START = "Stop must be after start."
TEST_OUTSIDE_SESSION = (
    "This test ({start}–{end}) falls outside the session's time in–time out "
    "({session_start}–{session_end})."
)
TESTS_OVERLAP = (
    "{this} ({this_start}–{this_end}) overlaps {other} ({other_start}–{other_end})."
)
SIDE_REQUIRED = "{test} is done per side: choose left, right or both."
SIDE_NOT_APPLICABLE = "{test} is not done per side: choose not applicable."
TOO_MANY_TRIALS = "{test} records at most {trials} trial(s)."
NO_TESTS = "Add at least one test."
SKIPPED_TIME = (
    "{clock:%H:%M} did not happen on {day:%m/%d/%Y}: the clocks moved forward an "
    "hour. Give the time the clock showed."
)
SERVICE_LISTED_TWICE = "{code} is listed twice; give its minutes once."
TIMED_SERVICE_NEEDS_MINUTES = "Give the direct minutes of this timed service."


def combine(day, clock):
    """Return an aware datetime for a clock time on a day in the current time zone."""
    return timezone.make_aware(dt.datetime.combine(day, clock))


def skipped_clock_time(day, clock):
    """Return True for a time the clocks jumped over (e.g. 02:30 on spring-forward day)."""
    local = dt.datetime.combine(day, clock, tzinfo=timezone.get_current_timezone())
    back = local.astimezone(dt.UTC).astimezone(local.tzinfo)
    return back.replace(tzinfo=None) != local.replace(tzinfo=None)


def check_clock_times(form, day, fields):
    """Put an error on each field whose time did not exist on that day; say if any did."""
    skipped = False
    for field in fields:
        clock = form.cleaned_data.get(field)
        if clock is not None and skipped_clock_time(day, clock):
            form.add_error(field, SKIPPED_TIME.format(clock=clock, day=day))
            skipped = True
    return skipped


def clock(value):
    return timezone.localtime(value).strftime("%H:%M:%S")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs={"step": "1", **(attrs or {})}, format="%H:%M:%S")


class SessionForm(forms.Form):
    date = forms.DateField(
        label="Date of service", widget=forms.DateInput(attrs={"type": "date"})
    )
    time_in = forms.TimeField(label="Time in", widget=TimeInput())
    time_out = forms.TimeField(label="Time out", widget=TimeInput())
    discipline = forms.ChoiceField(
        label="Plan-of-care discipline", choices=TestSession.Discipline.choices
    )
    reason = forms.CharField(
        label="Reason for testing",
        help_text="The clinical question these tests answer.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    interpretation = forms.CharField(
        label="Interpretation / written report",
        required=False,
        help_text="What the results mean for function and the plan of care.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    @classmethod
    def initial_for(cls, session):
        started = timezone.localtime(session.started_at)
        return {
            "date": started.date(),
            "time_in": started.time().replace(microsecond=0),
            "time_out": timezone.localtime(session.ended_at)
            .time()
            .replace(microsecond=0),
            "discipline": session.discipline,
            "reason": session.reason,
            "interpretation": session.interpretation,
        }

    def clean(self):
        data = super().clean()
        day, time_in, time_out = (
            data.get("date"),
            data.get("time_in"),
            data.get("time_out"),
        )
        if day is None or time_in is None or time_out is None:
            return data
        if check_clock_times(self, day, ("time_in", "time_out")):
            return data
        data["started_at"] = combine(day, time_in)
        data["ended_at"] = combine(day, time_out)
        if data["ended_at"] <= data["started_at"]:
            self.add_error("time_out", SESSION_ENDS_BEFORE_START)
        elif data["ended_at"] > timezone.now():
            self.add_error("time_out", SESSION_IN_FUTURE)
        return data

    def window(self):
        """Return (started_at, ended_at) once the form is valid, else None."""
        if self.is_valid():
            return self.cleaned_data["started_at"], self.cleaned_data["ended_at"]
        return None


class PerformedTestForm(forms.Form):
    catalog_code = forms.ChoiceField(label="Test", choices=catalog.choices)
    side = forms.ChoiceField(
        choices=[("", "Choose side…"), *PerformedTest.Side.choices]
    )
    start = forms.TimeField(widget=TimeInput(attrs={"class": "js-start"}))
    stop = forms.TimeField(widget=TimeInput(attrs={"class": "js-stop"}))
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 1}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["catalog_code"].choices = [
            ("", "Choose a test…"),
            *catalog.choices(),
        ]
        for number in range(1, MAX_TRIALS + 1):
            for prefix, label in (("trial", "Trial"), ("right_trial", "Right trial")):
                self.fields[f"{prefix}_{number}"] = forms.DecimalField(
                    label=f"{label} {number}",
                    required=False,
                    max_digits=8,
                    decimal_places=3,
                    widget=forms.NumberInput(
                        attrs={"step": "any", "inputmode": "decimal"}
                    ),
                )

    @classmethod
    def initial_for(cls, test):
        initial = {
            "catalog_code": test.catalog_code,
            "side": test.side,
            "start": timezone.localtime(test.started_at).time().replace(microsecond=0),
            "stop": timezone.localtime(test.ended_at).time().replace(microsecond=0),
            "notes": test.notes,
        }
        first_side = "left" if test.side == "both" else test.side
        for field_prefix, side in (("trial", first_side), ("right_trial", "right")):
            if test.side != "both" and field_prefix == "right_trial":
                continue
            for number, value in enumerate(test.trials.get(side, []), start=1):
                initial[f"{field_prefix}_{number}"] = Decimal(value)
        return initial

    def clean(self):
        data = super().clean()
        code = data.get("catalog_code")
        if not code:
            return data
        test = catalog.get(code)
        side = data.get("side")
        if side and test.per_side and side == PerformedTest.Side.NOT_APPLICABLE:
            self.add_error("side", SIDE_REQUIRED.format(test=test.name))
        elif side and not test.per_side and side != PerformedTest.Side.NOT_APPLICABLE:
            self.add_error("side", SIDE_NOT_APPLICABLE.format(test=test.name))
        data["trials"] = self._clean_trials(test, side)
        return data

    def _clean_trials(self, test, side):
        """Check each typed value against the test's range; return {side: [str, ...]}."""
        rows = {"trial": "left" if side == "both" else side}
        if side == "both":
            rows["right_trial"] = "right"
        trials = {}
        for prefix in ("trial", "right_trial"):
            for number in range(1, MAX_TRIALS + 1):
                name = f"{prefix}_{number}"
                value = self.cleaned_data.get(name)
                if value is None:
                    continue
                if prefix not in rows:
                    continue
                if number > test.trials:
                    self.add_error(
                        name, TOO_MANY_TRIALS.format(test=test.name, trials=test.trials)
                    )
                    continue
                problem = test.check_value(value)
                if problem:
                    self.add_error(name, problem)
                    continue
                trials.setdefault(rows[prefix], []).append(str(value))
        return trials

    def interval(self, day):
        """Return (start, stop) as aware datetimes on the day, or None if not valid."""
        start, stop = self.cleaned_data.get("start"), self.cleaned_data.get("stop")
        if day is None or start is None or stop is None:
            return None
        if check_clock_times(self, day, ("start", "stop")):
            return None
        return combine(day, start), combine(day, stop)


class BasePerformedTestFormSet(forms.BaseFormSet):
    """Tests of one session: checks that need the session's window or the other tests."""

    def __init__(self, *args, session_form=None, **kwargs):
        self.session_form = session_form
        super().__init__(*args, **kwargs)

    def clean(self):
        day = None
        window = self.session_form.window() if self.session_form else None
        if window is not None:
            day = self.session_form.cleaned_data["date"]
        timed = []
        for form in self._kept_forms():
            interval = form.interval(day)
            if interval is None:
                continue
            start, stop = interval
            if stop <= start:
                form.add_error("stop", TEST_ENDS_BEFORE_START)
                continue
            if start < window[0] or stop > window[1]:
                form.add_error(
                    "start",
                    TEST_OUTSIDE_SESSION.format(
                        start=clock(start),
                        end=clock(stop),
                        session_start=clock(window[0]),
                        session_end=clock(window[1]),
                    ),
                )
            form.cleaned_data["started_at"], form.cleaned_data["ended_at"] = start, stop
            timed.append(form)
        self._check_overlaps(timed)
        if not self._kept_forms() and not any(self.errors):
            raise forms.ValidationError(NO_TESTS)

    def _kept_forms(self):
        """Return the filled-in forms not marked for removal."""
        return [
            form
            for form in self.forms
            if form.cleaned_data.get("catalog_code")
            and not (self.can_delete and self._should_delete_form(form))
        ]

    @staticmethod
    def _check_overlaps(forms_):
        """Report every pair of tests whose times overlap, on both tests, naming each."""
        ordered = sorted(forms_, key=lambda f: f.cleaned_data["started_at"])
        for index, form in enumerate(ordered):
            for other in ordered[index + 1 :]:
                if other.cleaned_data["started_at"] >= form.cleaned_data["ended_at"]:
                    break
                for this, that in ((form, other), (other, form)):
                    this.add_error(
                        "start",
                        TESTS_OVERLAP.format(
                            this=catalog.get(this.cleaned_data["catalog_code"]).name,
                            this_start=clock(this.cleaned_data["started_at"]),
                            this_end=clock(this.cleaned_data["ended_at"]),
                            other=catalog.get(that.cleaned_data["catalog_code"]).name,
                            other_start=clock(that.cleaned_data["started_at"]),
                            other_end=clock(that.cleaned_data["ended_at"]),
                        ),
                    )

    def tests(self):
        """Return the cleaned data of the kept tests, in the order they were done."""
        kept = [form.cleaned_data for form in self._kept_forms()]
        return sorted(kept, key=lambda data: data["started_at"])


PerformedTestFormSet = forms.formset_factory(
    PerformedTestForm,
    formset=BasePerformedTestFormSet,
    extra=0,
    can_delete=True,
    min_num=1,
    validate_min=False,
)


class SameDayServiceForm(forms.Form):
    """Another service given the same day; the billing rules pool or check it."""

    code = forms.ChoiceField(
        label="Service",
        choices=[("", "Choose a service…"), *SameDayService.Code.choices],
    )
    minutes = forms.IntegerField(
        min_value=0,
        max_value=600,
        required=False,
        help_text="Direct minutes; leave empty for untimed codes.",
    )

    def clean(self):
        data = super().clean()
        code = data.get("code")
        if code in UNTIMED_CODES:
            data["minutes"] = 0
        elif code and not data.get("minutes"):
            self.add_error("minutes", TIMED_SERVICE_NEEDS_MINUTES)
        return data


class BaseSameDayServiceFormSet(forms.BaseFormSet):
    def clean(self):
        seen = set()
        for form in self.services_forms():
            code = form.cleaned_data["code"]
            if code in seen:
                form.add_error("code", SERVICE_LISTED_TWICE.format(code=code))
            seen.add(code)

    def services_forms(self):
        return [
            form
            for form in self.forms
            if form.cleaned_data.get("code")
            and not (self.can_delete and self._should_delete_form(form))
        ]

    def services(self):
        """Return the kept services as {code, minutes} dicts."""
        return [
            {"code": form.cleaned_data["code"], "minutes": form.cleaned_data["minutes"]}
            for form in self.services_forms()
        ]


SameDayServiceFormSet = forms.formset_factory(
    SameDayServiceForm, formset=BaseSameDayServiceFormSet, extra=0, can_delete=True
)


class SignForm(forms.Form):
    """Signing asks for the password again: the signature is a deliberate act."""

    password = forms.CharField(
        label="Your password", strip=False, widget=forms.PasswordInput
    )


class AddendumForm(forms.Form):
    text = forms.CharField(
        label="Addendum",
        help_text="What is corrected or added, and why. The original note stays as signed.",
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    password = forms.CharField(
        label="Your password", strip=False, widget=forms.PasswordInput
    )


MAX_UPLOAD_BYTES = 20 * 1024 * 1024
UPLOAD_TOO_LARGE = "The file is larger than 20 MB; a Perfnote note is far smaller."


class VerifyForm(forms.Form):
    pdf = forms.FileField(
        label="PDF note",
        help_text="The file stays on this server only while it is checked.",
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )

    def clean_pdf(self):
        upload = self.cleaned_data["pdf"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(UPLOAD_TOO_LARGE)
        return upload
