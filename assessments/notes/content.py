"""The signed note's content as plain, JSON-safe data (STYLE.md §4 item 10).

note_context_build() reads the database once, at signing, and returns everything
the PDF prints: strings, ints, bools, lists and dicts only, with times already
written out in the clinic's time zone. The dict is stored with each sealed
version (NoteVersion.context), so a later addendum re-renders the original from
the stored dict, never from rows that may have changed since. What goes in
follows what payers and auditors look for (DOMAIN.md §2.1, §2.3, §2.4).
"""

import zoneinfo
from datetime import date, datetime
from decimal import Decimal

from assessments import catalog
from assessments.models import PerformedTest, TestSession
from assessments.results import session_results
from assessments.selectors import (
    TestRow,
    patient_coverage,
    plan_of_care_block,
    protocol_details,
    session_summary,
)
from billing.models import BillingDecision, Payer
from billing.rules.codes import PHYSICAL_PERFORMANCE_TEST
from clinic.clock import clock_text, stamp_text
from clinic.models import Patient

NOTE_TITLE = "Physical Performance Test Report"
NOT_BILLABLE = "Not billable as CPT 97750"
# The words the clinician agrees to on the signing page (signing.ATTESTATION is
# this one), printed above their signature.
ATTESTATION = (
    "I attest that I personally performed the tests recorded in this note, that "
    "the times, results and interpretation are accurate and complete, and that "
    "this electronic signature is my own."
)
SIGNED_BY = "Electronically signed by {signer} on {signed_at} ({zone})"

DATE_FORMAT = "%m/%d/%Y"

# Sides in the order the note lists them, whatever order JSON storage kept.
_SIDE_ORDER = ("left", "right", "both", "na")
_SIDE_LABELS = {"left": "Left", "right": "Right", "both": "Both", "na": ""}
_SUMMARY_BASIS = {
    catalog.Summary.MAX: "best of {count}",
    catalog.Summary.MIN: "best of {count}",
    catalog.Summary.MEAN: "mean of {count}",
}


def note_context_build(
    *,
    session: TestSession,
    decision: BillingDecision | None,
    signer: dict,
    signed_at: datetime,
) -> dict:
    """Return the note's content as JSON-safe data, for the PDF and for storage.

    Called while signing, before the session row is saved as signed, so the
    signing time comes from ``signed_at`` and the signer's name, credentials,
    license and NPI from ``signer`` (the snapshot stored on the session).
    ``decision`` is the session's stored BillingDecision, or None when the
    patient has no payer. The same database state always gives the same dict:
    every list has a fixed order, whatever order the database returns JSON keys.
    """
    patient = session.patient
    clinic = patient.clinic
    zone = zoneinfo.ZoneInfo(clinic.time_zone)
    time_format = clinic.time_format
    started = session.started_at.astimezone(zone)
    ended = session.ended_at.astimezone(zone)
    summary = session_summary(session=session)
    # Norms, change since the previous signed result and the trend charts, as
    # they stand at signing: stored with the note, never read again.
    results = session_results(session=session, tests=[row.test for row in summary.rows])
    payer = decision.payer if decision is not None else None
    coverage = patient_coverage(patient=patient)
    member_id = coverage.member_id if coverage and coverage.payer == payer else ""
    performer = session.clinician
    return {
        "title": NOTE_TITLE,
        "cpt": PHYSICAL_PERFORMANCE_TEST,
        # Addenda are written in the zone and format the original note was
        # signed in.
        "time_zone": clinic.time_zone,
        "time_format": time_format,
        "clinic": {
            "name": clinic.name,
            "address_lines": _lines(clinic.address),
            "phone": clinic.phone,
            "npi": clinic.npi,
            "tax_id": clinic.tax_id,
        },
        "patient": {
            "name": patient.full_name,
            "last_first": patient.last_first,
            "date_of_birth": patient.date_of_birth.strftime(DATE_FORMAT),
            "age": _age(patient.date_of_birth, started.date()),
            "sex": patient.get_sex_display(),
            **_hand_dominance(patient),
            "mrn": patient.mrn,
            "payer": payer.name if payer else "",
            "member_id": member_id,
        },
        "session": {
            "date_of_service": started.strftime(DATE_FORMAT),
            "date_of_service_iso": started.date().isoformat(),
            "time_in": clock_text(started, time_format=time_format, seconds=True),
            "time_out": clock_text(ended, time_format=time_format, seconds=True),
            "time_zone": clinic.time_zone,
            "discipline": session.discipline,
            "discipline_label": session.get_discipline_display(),
            "reason": session.reason.strip(),
            "interpretation": session.interpretation.strip(),
            "distinct_service_reason": session.distinct_service_reason.strip(),
            "total_timed_minutes": summary.total_timed_minutes,
            "total_minutes": summary.total_minutes,
            "performed_by": _person(performer.display_name, performer.credentials),
        },
        "clinician": _signer_block(signer),
        "diagnoses": [
            {"code": diagnosis.code, "description": diagnosis.description}
            for diagnosis in patient.diagnoses.all()
        ],
        "plan_of_care": plan_of_care_block(session=session),
        "tests": [
            _test_entry(
                number, row, zone, time_format, results.entries.get(row.test.pk, [])
            )
            for number, row in enumerate(summary.rows, start=1)
        ],
        "references": results.references,
        "trends": results.trends,
        "norms_note": results.person_note,
        **_hop_battery(summary.hop_battery_lsi),
        "same_day_procedures": [
            {
                "code": procedure.code,
                "label": procedure.get_code_display(),
                "minutes": procedure.minutes,
            }
            for procedure in session.same_day_procedures.all()
        ],
        "billing": _billing(decision, payer),
        "signature": {
            **_signer_block(signer),
            "signed_at": _stamp(signed_at, clinic.time_zone, time_format),
            "time_zone": clinic.time_zone,
            "text": _signed_by(signer, signed_at, clinic.time_zone, time_format),
        },
        "attestation": ATTESTATION,
    }


def addendum_entry(
    *,
    text: str,
    signer: dict,
    signed_at: datetime,
    zone: str,
    time_format: str,
) -> dict:
    """Return one addendum as JSON-safe data; the renderer numbers addenda in order.

    ``zone`` and ``time_format`` are the original note's, so the whole note
    reads one way.
    """
    return {
        "text": text.strip(),
        "signer": _signer_block(signer),
        "signed_at": _stamp(signed_at, zone, time_format),
        "time_zone": zone,
        "signature_text": _signed_by(signer, signed_at, zone, time_format),
    }


def _signed_by(signer: dict, signed_at: datetime, zone: str, time_format: str) -> str:
    return SIGNED_BY.format(
        signer=_person(signer.get("name", ""), signer.get("credentials", "")),
        signed_at=_stamp(signed_at, zone, time_format),
        zone=zone,
    )


def _signer_block(signer: dict) -> dict:
    """Return the signer's identification as printed: name, credentials, license, NPI."""
    name = signer.get("name", "")
    credentials = signer.get("credentials", "")
    number = signer.get("license_number", "")
    state = signer.get("license_state", "")
    npi = signer.get("npi", "")
    return {
        "name": name,
        "credentials": credentials,
        "display": _person(name, credentials),
        "role_label": signer.get("role_label", ""),
        "license_number": number,
        "license_state": state,
        "license": " ".join(part for part in (state, number) if part),
        "npi": npi,
    }


def _test_entry(
    number: int,
    row: TestRow,
    zone: zoneinfo.ZoneInfo,
    time_format: str,
    norms: list[dict],
) -> dict:
    performed = row.test
    test = performed.test
    trials = performed.trials
    results = row.results
    sides = [side for side in _SIDE_ORDER if side in trials] + sorted(
        side for side in trials if side not in _SIDE_ORDER
    )
    entry = {
        "number": number,
        "name": test.name,
        "category": test.category.label,
        "side": performed.side,
        "side_label": performed.get_side_display(),
        "start": _clock(performed.started_at, zone, time_format),
        "end": _clock(performed.ended_at, zone, time_format),
        "minutes": row.minutes,
        "unit": test.unit,
        "basis": _basis(performed),
        "trials": [
            {
                "side": side,
                "label": _SIDE_LABELS.get(side, side.capitalize()),
                "values": [_trial_text(test, value) for value in trials[side]],
            }
            for side in sides
        ],
        "results": [
            {
                "side": side,
                "label": _SIDE_LABELS.get(side, side.capitalize()),
                "value": _result_text(test, results.get(side)),
                "unit": test.unit,
            }
            for side in sides
        ],
        "has_result": any(results.get(side) is not None for side in sides),
        "notes": performed.notes.strip(),
        "battery_reason": performed.battery_reason.strip(),
    }
    if norms:
        # Its readings against the norms, and the row the session page reads
        # them back by (results.py); none for a result of earlier rules.
        entry |= {"performed_id": performed.pk, "norms": norms}
    return entry | protocol_details(performed)


def _hand_dominance(patient: Patient) -> dict:
    """Return the patient's hand dominance when known; notes before it had none."""
    if not patient.hand_dominance:
        return {}
    return {"hand_dominance": patient.get_hand_dominance_display()}


def _hop_battery(lsi: Decimal | None) -> dict:
    """Return the hop battery's LSI line, only when the session has one."""
    if lsi is None:
        return {}
    return {"hop_battery_lsi": f"{lsi:f} %"}


def _trial_text(test: catalog.CatalogTest, value: str) -> str:
    """Write a stored trial as printed: a muscle grade with a true minus sign."""
    return test.display(test.value_of(value)) if test.grades else str(value)


def _result_text(test: catalog.CatalogTest, value: Decimal | None) -> str:
    return "" if value is None else test.display(value)


def _basis(performed: PerformedTest) -> str:
    """Say how several trials became the result ("best of 3"); "" for one trial.

    The rule is the one the row was recorded under, so an older result keeps
    the wording it was signed with.
    """
    count = max((len(values) for values in performed.trials.values()), default=0)
    summary = performed.test.summary_for(performed.rules_version)
    return _SUMMARY_BASIS[summary].format(count=count) if count > 1 else ""


def _billing(decision: BillingDecision | None, payer: Payer | None) -> dict | None:
    """Return what the note says of billing: what CMS BPM Ch. 15 §220.3 asks for.

    The date of service's total timed minutes and total treatment time, and the
    codes, units and modifiers billed, all matching the stored decision, which
    pools every session of the day. Dollar amounts, the rules version and the
    findings stay in the app and the admin.
    """
    if decision is None or payer is None:
        return None
    outputs = decision.outputs
    minutes = outputs.get("minutes_by_code", {})
    units = outputs.get("units_by_code", {})
    # 97750 first, then the other timed codes by number: JSONB does not keep the
    # order the rules wrote them in.
    codes = sorted(units, key=lambda code: (code != PHYSICAL_PERFORMANCE_TEST, code))
    qualifies = bool(decision.qualifies)
    visits = decision.visits()
    return {
        "cpt": PHYSICAL_PERFORMANCE_TEST,
        "qualifies": qualifies,
        "statement": _statement(qualifies, decision.units, list(outputs["modifiers"])),
        "payer": payer.name,
        "method_label": dict(Payer.Method.choices).get(
            decision.method, decision.method
        ),
        "sessions": len(visits),
        "total_timed_minutes": sum(minutes.values()),
        "total_treatment_minutes": sum(
            int((visit.session_end - visit.session_start).total_seconds() // 60)
            for visit in visits
        ),
        "arithmetic": outputs.get("arithmetic", ""),
        "codes": [
            {"code": code, "minutes": minutes.get(code, 0), "units": units[code]}
            for code in codes
        ],
        "lines": [
            {
                "code": line["code"],
                "units": line["units"],
                "modifiers": ", ".join(line["modifiers"]),
            }
            for line in decision.lines
        ],
    }


def _statement(qualifies: bool, units: int, modifiers: list[str]) -> str:
    """Return the billing verdict, e.g. "Billable as CPT 97750 × 2 units with modifier GP"."""
    if not qualifies:
        return NOT_BILLABLE
    statement = f"Billable as CPT {PHYSICAL_PERFORMANCE_TEST} × {_units(units)}"
    if modifiers:
        plural = "s" if len(modifiers) > 1 else ""
        statement += f" with modifier{plural} {', '.join(modifiers)}"
    return statement


def _units(count: int) -> str:
    return "1 unit" if count == 1 else f"{count} units"


def _person(name: str, credentials: str) -> str:
    return f"{name}, {credentials}" if credentials else name


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _clock(moment: datetime, zone: zoneinfo.ZoneInfo, time_format: str) -> str:
    """A test's start or stop as the note prints it: seconds, as minutes count."""
    return clock_text(moment.astimezone(zone), time_format=time_format, seconds=True)


def _stamp(moment: datetime, zone: str, time_format: str) -> str:
    local = moment.astimezone(zoneinfo.ZoneInfo(zone))
    return stamp_text(local, time_format=time_format)


def _age(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _decimal(value: Decimal | None) -> str:
    # Never exponent notation ("1E+2"); None when a side has no trials.
    return "" if value is None else format(value, "f")
