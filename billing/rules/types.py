"""Frozen facts the billing rules read and the decision they return.

Inputs carry to_dict()/from_dict() so the app can store a JSON snapshot of exactly
what was decided on and replay it later (PEERS.md §6 item 6). Money is Decimal and
is stored as a string; datetimes must be timezone-aware and are stored as ISO 8601
with their UTC offset (a zone name such as America/Chicago is kept as its offset,
which names the same instant).
"""

from dataclasses import dataclass, fields
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any, Self

from billing.rules.codes import PHYSICAL_PERFORMANCE_TEST
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
    testing, which alone are routine assessment rather than 97750 formal testing
    (DOMAIN.md §1.1, §6.12, §6.14).
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

    def __post_init__(self) -> None:
        _check_str("name", self.name)
        _check_str("catalog_code", self.catalog_code)
        _check_choice("performer_role", self.performer_role, PerformerRole)
        _check_interval(f"test {self.name!r}", self.started_at, self.ended_at)
        _check_bool("has_result", self.has_result)
        _check_bool("routine_measure", self.routine_measure)

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
        )


@dataclass(frozen=True, slots=True)
class OtherProcedure:
    """Another CPT procedure the same day; minutes is 0 for untimed codes.

    Timed procedures share the CMS minute pool with 97750 (DOMAIN.md §1.2); untimed
    ones (codes.UNTIMED_CODES) only matter for same-day edits (DOMAIN.md §3.2).
    """

    code: str
    minutes: int

    def __post_init__(self) -> None:
        _check_str("code", self.code)
        check_minutes(self.code, self.minutes)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-safe snapshot that from_dict() turns back into this procedure."""
        return {"code": self.code, "minutes": self.minutes}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Self:
        """Rebuild the procedure from a to_dict() snapshot."""
        return cls(code=data["code"], minutes=data["minutes"])


@dataclass(frozen=True, slots=True)
class VisitFacts:
    """What the documentation says about one testing session on one date of service.

    These are the clinical facts; SessionFacts adds who pays. Billing stores them
    with every decision, so a decision can be recomputed when the coverage or the
    payer changes without reading the documentation again.
    97750 itself is never an other procedure: its minutes come from the tests.
    """

    date_of_service: date
    session_start: datetime
    session_end: datetime
    discipline: str
    tests: tuple[TestFacts, ...]
    other_procedures: tuple[OtherProcedure, ...]
    has_interpretation: bool
    signer_has_credentials: bool

    def __post_init__(self) -> None:
        # datetime is a subclass of date, and a datetime here is a caller mistake.
        if not isinstance(self.date_of_service, date) or isinstance(
            self.date_of_service, datetime
        ):
            raise ValueError(
                f"date_of_service must be a date, got {self.date_of_service!r}"
            )
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
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Self:
        """Rebuild the facts from a to_dict() snapshot (a SessionFacts one works too)."""
        return cls(**_visit_fields(data))


@dataclass(frozen=True, slots=True)
class SessionFacts(VisitFacts):
    """Everything decide() needs: the visit's facts and the payer's.

    The date of service is passed in (the rules never read a clock) and picks the KX
    threshold year. year_to_date_charges is the patient's therapy charges so far this
    calendar year in this plan of care's KX bucket (PT+SLP, or OT), before this
    session (DOMAIN.md §4.2). rate is the payer's amount per 97750 unit.
    """

    payer_kind: str
    method: str
    rate: Decimal
    year_to_date_charges: Decimal

    def __post_init__(self) -> None:
        # Slotted dataclasses are rebuilt as new classes, so super() cannot be used.
        VisitFacts.__post_init__(self)
        _check_choice("payer_kind", self.payer_kind, PayerKind)
        check_method(self.method)
        _check_money("rate", self.rate)
        _check_money("year_to_date_charges", self.year_to_date_charges)

    @classmethod
    def from_visit(
        cls,
        visit: VisitFacts,
        *,
        payer_kind: str,
        method: str,
        rate: Decimal,
        year_to_date_charges: Decimal,
    ) -> Self:
        """Return the visit's facts with the payer's added."""
        return cls(
            **{field.name: getattr(visit, field.name) for field in fields(VisitFacts)},
            payer_kind=payer_kind,
            method=method,
            rate=rate,
            year_to_date_charges=year_to_date_charges,
        )

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-safe snapshot that from_dict() turns back into these facts."""
        return {
            **VisitFacts.to_dict(self),
            "payer_kind": str(self.payer_kind),
            "method": str(self.method),
            "rate": str(self.rate),
            "year_to_date_charges": str(self.year_to_date_charges),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Self:
        """Rebuild the facts from a to_dict() snapshot."""
        return cls(
            **_visit_fields(data),
            payer_kind=data["payer_kind"],
            method=data["method"],
            rate=_money_from_str("rate", data["rate"]),
            year_to_date_charges=_money_from_str(
                "year_to_date_charges", data["year_to_date_charges"]
            ),
        )


def _visit_fields(data: dict[str, Any]) -> dict[str, Any]:
    """Return VisitFacts' fields read from a to_dict() snapshot."""
    return {
        "date_of_service": date.fromisoformat(data["date_of_service"]),
        "session_start": datetime.fromisoformat(data["session_start"]),
        "session_end": datetime.fromisoformat(data["session_end"]),
        "discipline": data["discipline"],
        "tests": tuple(TestFacts.from_dict(test) for test in data["tests"]),
        "other_procedures": tuple(
            OtherProcedure.from_dict(procedure)
            for procedure in data["other_procedures"]
        ),
        "has_interpretation": data["has_interpretation"],
        "signer_has_credentials": data["signer_has_credentials"],
    }


@dataclass(frozen=True, slots=True, kw_only=True)
class Finding:
    """One reason in a decision, for the clinician and the auditor.

    code is a stable identifier (findings.FindingCode); source names the DOMAIN.md
    section and the payer or CMS text the rule comes from.
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
class Decision:
    """Whether a session's 97750 can be billed, how many units, and why.

    qualifies is True when no finding has severity BLOCKS. units_by_code and
    minutes_by_code list every timed code of the session, 97750 first, as (code,
    value) pairs so the decision stays hashable; test_minutes gives each test's own
    clipped minutes as (name, minutes). estimated_payment is 97750 units times the
    rate, to the cent, and 0.00 when the session does not qualify.
    """

    qualifies: bool
    units: int
    units_by_code: tuple[tuple[str, int], ...]
    minutes_by_code: tuple[tuple[str, int], ...]
    test_minutes: tuple[tuple[str, int], ...]
    method: str
    arithmetic: str
    modifiers: tuple[str, ...]
    findings: tuple[Finding, ...]
    estimated_payment: Decimal
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
            "findings": [finding.to_dict() for finding in self.findings],
            "estimated_payment": str(self.estimated_payment),
            "rules_version": self.rules_version,
        }


def _check_str(name: str, value: object) -> None:
    if not isinstance(value, str) or not value:
        raise ValueError(f"{name} must be a non-empty string, got {value!r}")


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
