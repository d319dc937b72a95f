"""The KX modifier: Medicare only, strictly above the year's threshold (§4.2)."""

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest

from billing.rules import Finding, Severity, decide
from billing.rules.thresholds import KX_THRESHOLDS
from tests.billing.rules.builders import CLINIC_TZ, codes_of, make_session, make_test


def test_threshold_table_holds_the_sourced_years():
    # given / when / then
    assert dict(KX_THRESHOLDS) == {
        2024: Decimal("2330"),
        2025: Decimal("2410"),
        2026: Decimal("2480"),
    }


def test_medicare_charges_above_the_threshold_get_kx_and_an_explanation():
    # given $2,420.00 so far in 2026 and a 2-unit session at $33.73 ($67.46)
    facts = make_session(payer_kind="medicare", year_to_date_charges=Decimal("2420.00"))
    # when
    decision = decide(facts)
    # then $2,487.46 > $2,480
    assert decision.modifiers == ("GP", "KX")
    assert decision.qualifies is True
    assert decision.findings == (
        Finding(
            code="kx_applied",
            severity=Severity.INFO,
            message=(
                "KX on 97750: $2,420.00 of PT and speech-language pathology therapy "
                "allowed so far in 2026 plus $67.46 for this date of service is "
                "$2,487.46, above the 2026 Medicare PT and speech-language pathology "
                "threshold of $2,480.00; KX attests that the services are medically "
                "necessary and documented."
            ),
            source="Bipartisan Budget Act of 2018 §50202; Social Security Act §1833(g)",
        ),
    )


def test_reaching_the_threshold_exactly_does_not_get_kx():
    # given $2,412.54 + $67.46 = $2,480.00
    facts = make_session(payer_kind="medicare", year_to_date_charges=Decimal("2412.54"))
    # when
    decision = decide(facts)
    # then
    assert decision.modifiers == ("GP",)
    assert decision.findings == ()


def test_one_cent_over_the_threshold_gets_kx():
    # given $2,412.55 + $67.46 = $2,480.01
    facts = make_session(payer_kind="medicare", year_to_date_charges=Decimal("2412.55"))
    # when
    decision = decide(facts)
    # then
    assert decision.modifiers == ("GP", "KX")
    assert codes_of(decision) == ["kx_applied"]


def test_ot_plan_of_care_gets_go_and_kx():
    # given
    facts = make_session(
        tests=(make_test(performer_role="ot"),),
        discipline="OT",
        payer_kind="medicare",
        year_to_date_charges=Decimal("3000"),
    )
    # when
    decision = decide(facts)
    # then
    assert decision.modifiers == ("GO", "KX")


@pytest.mark.parametrize(
    ("year", "year_to_date", "modifiers"),
    [
        (2024, Decimal("2262.54"), ("GP",)),
        (2024, Decimal("2262.55"), ("GP", "KX")),
        (2025, Decimal("2342.54"), ("GP",)),
        (2025, Decimal("2342.55"), ("GP", "KX")),
    ],
)
def test_the_date_of_service_year_picks_the_threshold(year, year_to_date, modifiers):
    # given a $67.46 session in the given year
    facts = make_session(
        payer_kind="medicare",
        date_of_service=date(year, 6, 1),
        year_to_date_charges=year_to_date,
    )
    # when
    decision = decide(facts)
    # then
    assert decision.modifiers == modifiers


@pytest.mark.parametrize("payer_kind", ["medicaid", "commercial", "other"])
def test_other_payers_never_get_kx(payer_kind):
    # given charges far above any threshold
    facts = make_session(payer_kind=payer_kind, year_to_date_charges=Decimal("99999"))
    # when
    decision = decide(facts)
    # then
    assert decision.modifiers == ("GP",)
    assert decision.findings == ()


def test_a_year_without_a_threshold_warns_and_gets_no_kx():
    # given a 2027 Medicare session far above every known threshold
    facts = make_session(
        payer_kind="medicare",
        date_of_service=date(2027, 1, 4),
        year_to_date_charges=Decimal("99999"),
    )
    # when
    decision = decide(facts)
    # then
    assert decision.modifiers == ("GP",)
    assert decision.qualifies is True
    assert decision.findings == (
        Finding(
            code="no_kx_threshold",
            severity=Severity.WARNING,
            message=(
                "No KX threshold on file for 2027, so KX was not applied; add the 2027 "
                "Medicare therapy threshold to the rules before billing."
            ),
            source="Bipartisan Budget Act of 2018 §50202 (CMS publishes each year's amount)",
        ),
    )


def test_a_missing_year_warns_only_for_medicare():
    # given
    facts = make_session(payer_kind="commercial", date_of_service=date(2023, 5, 1))
    # when
    decision = decide(facts)
    # then
    assert decision.findings == ()


def test_a_held_97750_bills_no_line_so_no_kx_even_above_the_threshold():
    # given no report (97750 held) and $2,480.01 already allowed this year
    facts = make_session(
        payer_kind="medicare",
        has_interpretation=False,
        year_to_date_charges=Decimal("2480.01"),
    )
    # when
    decision = decide(facts)
    # then
    assert decision.lines == ()
    assert decision.modifiers == ("GP",)
    assert codes_of(decision) == ["no_interpretation"]


def test_a_blocked_session_below_the_threshold_gets_no_kx():
    # given no report; $2,420.00 + $0.00 stays below $2,480
    facts = make_session(
        payer_kind="medicare",
        has_interpretation=False,
        year_to_date_charges=Decimal("2420.00"),
    )
    # when
    decision = decide(facts)
    # then
    assert decision.modifiers == ("GP",)
    assert codes_of(decision) == ["no_interpretation"]


def test_the_date_of_service_not_the_utc_year_picks_the_threshold():
    # given a New Year's Eve session at 19:30, already 2026 in UTC
    start = datetime(2025, 12, 31, 19, 30, tzinfo=CLINIC_TZ)
    facts = make_session(
        date_of_service=date(2025, 12, 31),
        session_start=start,
        session_end=start + timedelta(hours=1),
        tests=(make_test(started_at=start, ended_at=start + timedelta(minutes=30)),),
        payer_kind="medicare",
        year_to_date_charges=Decimal("2400.00"),
    )
    # when
    decision = decide(facts)
    # then $2,467.46 is above 2025's $2,410, though below 2026's $2,480
    assert decision.modifiers == ("GP", "KX")
    assert (
        "above the 2025 Medicare PT and speech-language pathology threshold of $2,410.00"
        in decision.findings[0].message
    )
