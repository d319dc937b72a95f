"""Frozen facts the billing rules read and the decision they return.

Inputs carry to_dict()/from_dict() so the app can store a JSON snapshot of exactly
what was decided on and replay it later (PEERS.md §6 item 6). Money is Decimal and
is stored as a string; datetimes must be timezone-aware and are stored as ISO 8601
with their UTC offset (a zone name such as America/Chicago is kept as its offset,
which names the same instant).
"""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any, Self

from billing.rules.codes import PHYSICAL_PERFORMANCE_TEST, is_timed
from billing.rules.units import check_method, check_minutes


class Discipline(StrEnum):
    """Plan-of-care discipline; it picks the GP or GO modifier (DOMAIN.md §4.1)."""

    PT = "PT"
    OT = "OT"


class PerformerRole(StrEnum):
    """Who gave a test; assistants may not do formal testing (DOMAIN.md §4.4)."""

    PT = "pt"
    OT = "ot"
    PHYSICIAN = "physician"
    PTA = "pta"
    OTA = "ota"


class PayerKind(StrEnum):
    """Kind of payer; only Medicare takes the KX modifier (DOMAIN.md §4.2)."""

    MEDICARE = "medicare"
    MEDICAID = "medicaid"
    COMMERCIAL = "commercial"
    OTHER = "other"


class Severity(StrEnum):
    """How much a finding matters: BLOCKS stops 97750 from being billed."""

    BLOCKS = "blocks"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True, slots=True)
class TestFacts:
    """One physical performance test as recorded in the session.

    routine_measure is True for goniometric range of motion and manual muscle
    testing: routine ongoing assessment, which is not separately reimbursable as
    formal testing (WPS article A53309). Their minutes count toward 97750 only when
    the clinician gives battery_reason, saying why the measure was part of a formal
    test battery.
    """

    # Keeps pytest from collecting this class as a test case.
    __test__ = False

    name: str
    catalog_code: str
    performer_role: str
    started_at: datetime
    ended_at: datetime
    has_result: bool
    routine_measure: bool
    battery_reason: str = ""

    def __post_init__(self) -> None:
        _check_str("name", self.name)
        _check_str("catalog_code", self.catalog_code)
        _check_choice("performer_role", self.performer_role, PerformerRole)
        _check_interval(f"test {self.name!r}", self.started_at, self.ended_at)
        _check_bool("has_result", self.has_result)
        _check_bool("routine_measure", self.routine_measure)
        _check_text("battery_reason", self.battery_reason)

    @property
    def counts_as_formal_testing(self) -> bool:
        """Whether the test's minutes count toward 97750 (WPS A53309)."""
        return not self.routine_measure or bool(self.battery_reason.strip())

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-safe snapshot that from_dict() turns back into these facts."""
        return {
            "name": self.name,
            "catalog_code": self.catalog_code,
            "performer_role": str(self.performer_role),
            "started_at": self.started_at.isoformat(),
            "ended_at": self.ended_at.isoformat(),
            "has_result": self.has_result,
            "routine_measure": self.routine_measure,
            "battery_reason": self.battery_reason,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Self:
        """Rebuild the facts from a to_dict() snapshot."""
        return cls(
            name=data["name"],
            catalog_code=data["catalog_code"],
            performer_role=data["performer_role"],
            started_at=datetime.fromisoformat(data["started_at"]),
            ended_at=datetime.fromisoformat(data["ended_at"]),
            has_result=data["has_result"],
            routine_measure=data["routine_measure"],
            battery_reason=data.get("battery_reason", ""),
        )


@dataclass(frozen=True, slots=True)
class OtherProcedure:
    """Another CPT procedure the same day; minutes is 0 for untimed codes.

    Timed procedures share the day's minute pool with 97750 (CMS Pub. 100-04 Ch. 5
    §20.2); untimed ones are one unit each and matter for same-day edits. A code in
    neither closed list (codes.TIMED_CODES, codes.UNTIMED_CODES) is refused.
    """

    code: str
    minutes: int

    def __post_init__(self) -> None:
        _check_str("code", self.code)
        is_timed(self.code)
        check_minutes(self.code, self.minutes)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-safe snapshot that from_dict() turns back into this procedure."""
        return {"code": self.code, "minutes": self.minutes}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Self:
        """Rebuild the procedure from a to_dict() snapshot."""
        return cls(code=data["code"], minutes=data["minutes"])


@dataclass(frozen=True, slots=True, kw_only=True)
class PlanFacts:
    """The plan of care a visit was done under, as far as billing needs it.

    certified_on is the date the physician or NPP signed the plan, None while it
    is not certified; certification_from and certification_through bound the
    certified period (42 CFR 424.24(c); CMS BPM Ch. 15 §220.1.3). diagnoses
    (ICD-10-CM, primary first) and the referring provider are what the claim of
    the day will say.
    """

    discipline: str
    starts_on: date
    certification_from: date
    certification_through: date
    certified_on: date | None
    diagnoses: tuple[str, ...] = ()
    referring_name: str = ""
    referring_npi: str = ""

    def __post_init__(self) -> None:
        _check_choice("discipline", self.discipline, Discipline)
        for name in ("starts_on", "certification_from", "certification_through"):
            _check_date(name, getattr(self, name))
        if self.certified_on is not None:
            _check_date("certified_on", self.certified_on)
        if self.certification_through < self.certification_from:
            raise ValueError("certification_through is before certification_from")
        if not isinstance(self.diagnoses, tuple) or not all(
            isinstance(code, str) and code for code in self.diagnoses
        ):
            raise ValueError(
                f"diagnoses must be a tuple of codes, got {self.diagnoses!r}"
            )
        _check_text("referring_name", self.referring_name)
        _check_text("referring_npi", self.referring_npi)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-safe snapshot that from_dict() turns back into these facts."""
        return {
            "discipline": str(self.discipline),
            "starts_on": self.starts_on.isoformat(),
            "certification_from": self.certification_from.isoformat(),
            "certification_through": self.certification_through.isoformat(),
            "certified_on": _iso_or_none(self.certified_on),
            "diagnoses": list(self.diagnoses),
            "referring_name": self.referring_name,
            "referring_npi": self.referring_npi,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Self:
        """Rebuild the facts from a to_dict() snapshot."""
        return cls(
            discipline=data["discipline"],
            starts_on=date.fromisoformat(data["starts_on"]),
            certification_from=date.fromisoformat(data["certification_from"]),
            certification_through=date.fromisoformat(data["certification_through"]),
            certified_on=_date_or_none(data["certified_on"]),
            diagnoses=tuple(data.get("diagnoses", ())),
            referring_name=data.get("referring_name", ""),
            referring_npi=data.get("referring_npi", ""),
        )


@dataclass(frozen=True, slots=True)
class VisitFacts:
    """What the documentation says about one testing session.

    These are the clinical facts; DayFacts gathers every visit of the patient on a
    date of service under one discipline and adds who pays. Billing stores them
    with the decision, so a decision can be recomputed when the coverage or the
    payer changes without reading the documentation again. 97750 itself is never
    an other procedure: its minutes come from the tests.

    distinct_service_reason is the clinician's attestation, with the reason, that
    the testing was a distinct service at a separate time from a same-day
    evaluation; plan is None when the session names no plan of care.
    """

    date_of_service: date
    session_start: datetime
    session_end: datetime
    discipline: str
    tests: tuple[TestFacts, ...]
    other_procedures: tuple[OtherProcedure, ...]
    has_interpretation: bool
    signer_has_credentials: bool
    distinct_service_reason: str = ""
    plan: PlanFacts | None = None

    def __post_init__(self) -> None:
        _check_date("date_of_service", self.date_of_service)
        _check_interval("session", self.session_start, self.session_end)
        _check_choice("discipline", self.discipline, Discipline)
        _check_tuple_of("tests", self.tests, TestFacts)
        _check_tuple_of("other_procedures", self.other_procedures, OtherProcedure)
        for procedure in self.other_procedures:
            if procedure.code == PHYSICAL_PERFORMANCE_TEST:
                raise ValueError(
                    "other_procedures must not list 97750; its minutes come from tests"
                )
        _check_bool("has_interpretation", self.has_interpretation)
        _check_bool("signer_has_credentials", self.signer_has_credentials)
        _check_text("distinct_service_reason", self.distinct_service_reason)
        if self.plan is not None and not isinstance(self.plan, PlanFacts):
            raise ValueError(f"plan must be PlanFacts or None, got {self.plan!r}")

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-safe snapshot that from_dict() turns back into these facts."""
        return {
            "date_of_service": self.date_of_service.isoformat(),
            "session_start": self.session_start.isoformat(),
            "session_end": self.session_end.isoformat(),
            "discipline": str(self.discipline),
            "tests": [test.to_dict() for test in self.tests],
            "other_procedures": [
                procedure.to_dict() for procedure in self.other_procedures
            ],
            "has_interpretation": self.has_interpretation,
            "signer_has_credentials": self.signer_has_credentials,
            "distinct_service_reason": self.distinct_service_reason,
            "plan": None if self.plan is None else self.plan.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Self:
        """Rebuild the facts from a to_dict() snapshot.

        Snapshots stored before plans of care and attestations existed lack those
        keys and read back as none given.
        """
        plan = data.get("plan")
        return cls(
            date_of_service=date.fromisoformat(data["date_of_service"]),
            session_start=datetime.fromisoformat(data["session_start"]),
            session_end=datetime.fromisoformat(data["session_end"]),
            discipline=data["discipline"],
            tests=tuple(TestFacts.from_dict(test) for test in data["tests"]),
            other_procedures=tuple(
                OtherProcedure.from_dict(procedure)
                for procedure in data["other_procedures"]
            ),
            has_interpretation=data["has_interpretation"],
            signer_has_credentials=data["signer_has_credentials"],
            distinct_service_reason=data.get("distinct_service_reason", ""),
            plan=None if plan is None else PlanFacts.from_dict(plan),
        )


# A payer's retest interval when it sets none: another 97750 sooner is flagged.
DEFAULT_RETEST_INTERVAL_DAYS = 30


@dataclass(frozen=True, slots=True, kw_only=True)
class DayFacts:
    """Everything decide() needs: a patient's visits on one date of service under
    one plan-of-care discipline, and the payer's and clinic's money facts.

    Units are worked out per date of service (CMS Ch. 5 §20.2), so every visit of
    the day is here. rates are the payer's expected payment per unit by CPT code
    (its rate table) and fees the clinic's charge per unit (its fee schedule), as
    (code, amount) pairs. kx_prior_amount is what counts toward this year's KX
    threshold before this date in this discipline's threshold group (PT with
    speech-language pathology, or OT): the allowed amounts of the patient's signed
    therapy services, plus what other providers billed this year (BBA 2018
    §50202). previous_testing_on is the patient's latest earlier date with signed
    97750 testing; retest_interval_days is the payer's minimum spacing.
    """

    date_of_service: date
    discipline: str
    visits: tuple[VisitFacts, ...]
    payer_kind: str
    method: str
    rates: tuple[tuple[str, Decimal], ...]
    fees: tuple[tuple[str, Decimal], ...] = ()
    kx_prior_amount: Decimal = Decimal("0.00")
    retest_interval_days: int = DEFAULT_RETEST_INTERVAL_DAYS
    previous_testing_on: date | None = None

    def __post_init__(self) -> None:
        _check_date("date_of_service", self.date_of_service)
        _check_choice("discipline", self.discipline, Discipline)
        _check_tuple_of("visits", self.visits, VisitFacts)
        if not self.visits:
            raise ValueError("visits must hold at least one visit")
        for visit in self.visits:
            if visit.date_of_service != self.date_of_service:
                raise ValueError(
                    f"a visit on {visit.date_of_service} is not on the date of "
                    f"service {self.date_of_service}"
                )
            if visit.discipline != self.discipline:
                raise ValueError(
                    f"a {visit.discipline} visit is not under the day's "
                    f"{self.discipline} plan of care"
                )
        _check_choice("payer_kind", self.payer_kind, PayerKind)
        check_method(self.method)
        for name in ("rates", "fees"):
            for code, amount in getattr(self, name):
                _check_str(f"{name} code", code)
                _check_money(f"{name}[{code}]", amount)
        _check_money("kx_prior_amount", self.kx_prior_amount)
        if (
            isinstance(self.retest_interval_days, bool)
            or not isinstance(self.retest_interval_days, int)
            or self.retest_interval_days < 0
        ):
            raise ValueError(
                "retest_interval_days must be a non-negative int, got "
                f"{self.retest_interval_days!r}"
            )
        if self.previous_testing_on is not None:
            _check_date("previous_testing_on", self.previous_testing_on)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-safe snapshot that from_dict() turns back into these facts."""
        return {
            "date_of_service": self.date_of_service.isoformat(),
            "discipline": str(self.discipline),
            "visits": [visit.to_dict() for visit in self.visits],
            "payer_kind": str(self.payer_kind),
            "method": str(self.method),
            "rates": {code: str(amount) for code, amount in self.rates},
            "fees": {code: str(amount) for code, amount in self.fees},
            "kx_prior_amount": str(self.kx_prior_amount),
            "retest_interval_days": self.retest_interval_days,
            "previous_testing_on": _iso_or_none(self.previous_testing_on),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Self:
        """Rebuild the facts from a to_dict() snapshot.

        Decisions stored before billing went by date of service hold one session's
        facts with a single 97750 rate; they read back as a day of one visit.
        """
        if "visits" not in data:
            return cls(
                date_of_service=date.fromisoformat(data["date_of_service"]),
                discipline=data["discipline"],
                visits=(VisitFacts.from_dict(data),),
                payer_kind=data["payer_kind"],
                method=data["method"],
                rates=(
                    (PHYSICAL_PERFORMANCE_TEST, _money_from_str("rate", data["rate"])),
                ),
                kx_prior_amount=_money_from_str(
                    "year_to_date_charges", data["year_to_date_charges"]
                ),
            )
        return cls(
            date_of_service=date.fromisoformat(data["date_of_service"]),
            discipline=data["discipline"],
            visits=tuple(VisitFacts.from_dict(visit) for visit in data["visits"]),
            payer_kind=data["payer_kind"],
            method=data["method"],
            rates=_amounts_from_dict("rates", data["rates"]),
            fees=_amounts_from_dict("fees", data["fees"]),
            kx_prior_amount=_money_from_str("kx_prior_amount", data["kx_prior_amount"]),
            retest_interval_days=data["retest_interval_days"],
            previous_testing_on=_date_or_none(data["previous_testing_on"]),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class Finding:
    """One reason in a decision, for the clinician and the auditor.

    code is a stable identifier (findings.FindingCode); source names the public
    CMS, MAC, statute or payer text the rule comes from.
    """

    code: str
    severity: Severity
    message: str
    source: str

    def to_dict(self) -> dict[str, str]:
        """Return a JSON-safe view of the finding."""
        return {
            "code": str(self.code),
            "severity": str(self.severity),
            "message": self.message,
            "source": self.source,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class Line:
    """One CPT code of the day as it would be billed: units, modifiers and money.

    charge is the clinic's fee schedule times the units; expected_payment is the
    payer's rate table times the units (what the payer allows, the patient's share
    included). Either is 0.00 when the table has no amount for the code.
    """

    code: str
    units: int
    modifiers: tuple[str, ...]
    charge: Decimal
    expected_payment: Decimal

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-safe view of the line."""
        return {
            "code": self.code,
            "units": self.units,
            "modifiers": list(self.modifiers),
            "charge": str(self.charge),
            "expected_payment": str(self.expected_payment),
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class Decision:
    """Whether a date of service's 97750 can be billed, how many units, and why.

    qualifies is True when no finding has severity BLOCKS. units is the 97750
    units and modifiers the 97750 line's. units_by_code and minutes_by_code list
    every timed code of the day, 97750 first, as (code, value) pairs so the
    decision stays hashable; test_minutes gives each test's own clipped minutes as
    (name, minutes). lines are what would be billed: 97750 only when it
    qualifies, every other timed code with units, and each untimed code once.
    charge and expected_payment are the lines' totals.
    """

    qualifies: bool
    units: int
    units_by_code: tuple[tuple[str, int], ...]
    minutes_by_code: tuple[tuple[str, int], ...]
    test_minutes: tuple[tuple[str, int], ...]
    method: str
    arithmetic: str
    modifiers: tuple[str, ...]
    lines: tuple[Line, ...]
    findings: tuple[Finding, ...]
    charge: Decimal
    expected_payment: Decimal
    rules_version: str

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-safe view of the decision, for storage next to its inputs."""
        return {
            "qualifies": self.qualifies,
            "units": self.units,
            "units_by_code": dict(self.units_by_code),
            "minutes_by_code": dict(self.minutes_by_code),
            "test_minutes": [
                {"name": name, "minutes": minutes}
                for name, minutes in self.test_minutes
            ],
            "method": str(self.method),
            "arithmetic": self.arithmetic,
            "modifiers": list(self.modifiers),
            "lines": [line.to_dict() for line in self.lines],
            "findings": [finding.to_dict() for finding in self.findings],
            "charge": str(self.charge),
            "expected_payment": str(self.expected_payment),
            "rules_version": self.rules_version,
        }


def _check_str(name: str, value: object) -> None:
    if not isinstance(value, str) or not value:
        raise ValueError(f"{name} must be a non-empty string, got {value!r}")


def _check_text(name: str, value: object) -> None:
    if not isinstance(value, str):
        raise ValueError(f"{name} must be a string, got {value!r}")


def _check_date(name: str, value: object) -> None:
    # datetime is a subclass of date, and a datetime here is a caller mistake.
    if not isinstance(value, date) or isinstance(value, datetime):
        raise ValueError(f"{name} must be a date, got {value!r}")


def _iso_or_none(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _date_or_none(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)


def _amounts_from_dict(
    name: str, data: dict[str, str]
) -> tuple[tuple[str, Decimal], ...]:
    return tuple(
        (code, _money_from_str(f"{name}[{code}]", amount))
        for code, amount in data.items()
    )


def _check_bool(name: str, value: object) -> None:
    if not isinstance(value, bool):
        raise ValueError(f"{name} must be a bool, got {value!r}")


def _check_choice(name: str, value: object, choices: type[StrEnum]) -> None:
    if not isinstance(value, str) or value not in choices:
        raise ValueError(f"{name} must be one of {', '.join(choices)}, got {value!r}")


def _check_interval(name: str, start: object, end: object) -> None:
    for value in (start, end):
        if not isinstance(value, datetime) or value.utcoffset() is None:
            raise ValueError(f"{name} times must be timezone-aware, got {value!r}")
    if end < start:
        raise ValueError(f"{name} ends at {end} before it starts at {start}")


def _check_tuple_of(name: str, values: object, kind: type) -> None:
    if not isinstance(values, tuple) or not all(isinstance(v, kind) for v in values):
        raise ValueError(f"{name} must be a tuple of {kind.__name__}")


def _check_money(name: str, value: object) -> None:
    if not isinstance(value, Decimal) or not value.is_finite() or value < 0:
        raise ValueError(
            f"{name} must be a finite, non-negative Decimal, got {value!r}"
        )


def _money_from_str(name: str, value: object) -> Decimal:
    # Snapshots hold money as strings; a float here has already lost cents.
    if not isinstance(value, str):
        raise ValueError(f"{name} must be stored as a string, got {value!r}")
    try:
        return Decimal(value)
    except InvalidOperation:
        raise ValueError(f"{name} is not a decimal number: {value!r}") from None
