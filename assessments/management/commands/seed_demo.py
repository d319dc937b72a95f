"""Fill a development database with a demo clinic, its people, patients and sessions."""

import datetime as dt
import os
import zoneinfo
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import AbstractUser, Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone

from assessments import catalog
from assessments.models import PlanOfCare, TestSession
from assessments.notes.sealing import clinic_seal_certificate_ensure
from assessments.notes.signing import addendum_add, session_sign
from assessments.plans import (
    GoalInput,
    PlanDiagnosisInput,
    PlanOfCareInput,
    plan_of_care_save,
)
from assessments.recording import SessionInput, TestInput
from assessments.services import (
    BatteryInput,
    ChartInput,
    battery_save,
    patient_chart_save,
    session_create,
)
from billing.models import Payer
from billing.services import (
    CoverageInput,
    FeeInput,
    PayerInput,
    RateInput,
    clinic_fee_save,
    payer_rates_set,
    payer_save,
)
from clinic.models import Clinic, ClinicAdmin, Clinician, Patient, years_before
from clinic.services import (
    ClinicianInput,
    DiagnosisInput,
    PatientInput,
    clinic_admin_group_ensure,
    clinician_save,
)

PASSWORD = "perfnote-demo"  # noqa: S105 (a published demo password)
# Where `make run` serves by default; `make run HOST=…` passes its own (--url).
SITE_URL = "http://127.0.0.1:8000/"
NOT_A_SITE_URL = "--url must be an http:// or https:// address, e.g. {example}."
# Demo data may only go into a database run with one of these settings modules.
ALLOWED_SETTINGS_MODULES = frozenset({"config.settings.local", "config.settings.test"})
# (username, role, clinic) of each demo login, for the table printed at the end.
type Login = tuple[str, str, str]
REFUSED = (
    "seed_demo only runs with config.settings.local or config.settings.test, "
    "not {module}: demo logins with a published password must never reach a "
    "real database."
)


@dataclass(frozen=True)
class Person:
    username: str
    first_name: str
    last_name: str
    role: str = ""
    credentials: str = ""
    license_number: str = ""
    license_state: str = ""
    npi: str = ""


@dataclass(frozen=True)
class PatientSpec:
    mrn: str
    first_name: str
    last_name: str
    age: int
    birthday_offset_days: int
    sex: str
    payer: str
    member_id: str
    diagnoses: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class TestSpec:
    code: str
    minutes: int
    trials: dict[str, list[str]]
    side: str = ""
    notes: str = ""
    # Conditions and item scores (recording.TestInput.details); the trials of a
    # scale scored item by item are its total, computed here.
    details: dict = field(default_factory=dict)


@dataclass(frozen=True)
class SessionSpec:
    mrn: str
    clinician: str
    days_ago: int
    time_in: dt.time
    discipline: str
    reason: str
    tests: tuple[TestSpec, ...]
    interpretation: str = ""
    sign: bool = False
    addendum: str = ""


# A goal: (words, catalog test or "", "at_most"/"at_least" or "", target or "",
# weeks from the start of care to reach it, or 0 for no date).
type GoalSpec = tuple[str, str, str, str, int]


@dataclass(frozen=True)
class PlanSpec:
    """A plan of care of a demo patient; its diagnoses are the patient's."""

    mrn: str
    discipline: str
    days_ago: int
    frequency: str
    duration: str
    goals: tuple[GoalSpec, ...]
    certified: bool = True


@dataclass(frozen=True)
class ClinicSpec:
    name: str
    # Names its seal certificate: var/seal/<seal_name>.p12 in development.
    seal_name: str
    address: str
    phone: str
    npi: str
    tax_id: str
    time_zone: str
    clinicians: tuple[Person, ...]
    admins: tuple[Person, ...]
    payers: tuple[tuple[str, str, Mapping[str, Decimal], str], ...]
    patients: tuple[PatientSpec, ...]
    sessions: tuple[SessionSpec, ...]
    plans: tuple[PlanSpec, ...] = ()
    # The physician who certifies (and referred) the clinic's demo plans: name, NPI.
    physician: tuple[str, str] = ("", "")


PT, OT, MD, PTA = (
    Clinician.Role.PT,
    Clinician.Role.OT,
    Clinician.Role.PHYSICIAN,
    Clinician.Role.PTA,
)
AT_MOST, AT_LEAST = "at_most", "at_least"
MEDICARE, MEDICAID, COMMERCIAL = (
    Payer.Kind.MEDICARE,
    Payer.Kind.MEDICAID,
    Payer.Kind.COMMERCIAL,
)
CMS, MIDPOINT = Payer.Method.CMS_8_MINUTE, Payer.Method.CPT_MIDPOINT
F, M = Patient.Sex.FEMALE, Patient.Sex.MALE

OA_RIGHT_KNEE = ("M17.11", "Unilateral primary osteoarthritis, right knee")
UNSTEADY = ("R26.81", "Unsteadiness on feet")
FALLS = ("Z91.81", "History of falling")


def _rates(amount_97750: str, scale: str) -> Mapping[str, Decimal]:
    """Return a demo rate table: 97750 at its demo rate, the other codes scaled."""
    factor = Decimal(scale)
    return {
        "97750": Decimal(amount_97750),
        **{
            code: (amount * factor).quantize(Decimal("0.01"))
            for code, amount in DEMO_RATE_BASE.items()
        },
    }


# Per-unit amounts the demo payers' tables scale from (about the Medicare
# national amounts); illustrative, not a fee schedule.
DEMO_RATE_BASE = {
    "97110": Decimal("29.00"),
    "97112": Decimal("33.00"),
    "97116": Decimal("29.00"),
    "97140": Decimal("27.00"),
    "97530": Decimal("34.00"),
    "97161": Decimal("100.00"),
    "97162": Decimal("100.00"),
    "97163": Decimal("100.00"),
    "97164": Decimal("68.00"),
    "97165": Decimal("102.00"),
    "97166": Decimal("102.00"),
    "97167": Decimal("102.00"),
    "97168": Decimal("70.00"),
}
# Made-up electronic payer IDs, so the demo's claims export as 837P.
DEMO_PAYER_IDS = {
    "Medicare": "DEMOMCR01",
    "Medicaid": "DEMOMCD01",
    "Private": "DEMOPVT01",
    "Anthem Blue Cross": "DEMOANT01",
}
# The clinics' charge per unit (their fee schedule), the same for both demos.
DEMO_FEES = {
    "97750": Decimal("120.00"),
    "97110": Decimal("95.00"),
    "97112": Decimal("100.00"),
    "97116": Decimal("95.00"),
    "97140": Decimal("90.00"),
    "97530": Decimal("105.00"),
    "97161": Decimal("190.00"),
    "97162": Decimal("190.00"),
    "97163": Decimal("190.00"),
    "97164": Decimal("140.00"),
    "97165": Decimal("190.00"),
    "97166": Decimal("190.00"),
    "97167": Decimal("190.00"),
    "97168": Decimal("140.00"),
}


# Recorded for the patients whose grip or dexterity is tested.
HAND_DOMINANCE = {
    "RPT-10004": "right",
    "RPT-10005": "right",
    "LHR-2001": "right",
    "LHR-2003": "left",
}

# Every demo clinic's test batteries, as a clinic would define them in the admin.
DEMO_BATTERIES = {
    "Fall risk (STEADI)": (
        "timed_up_and_go",
        "chair_stand_30s",
        "steadi_four_stage_balance",
        "ten_metre_walk",
    ),
    "ACL return to sport": (
        "single_hop_distance",
        "triple_hop_distance",
        "crossover_hop_distance",
        "timed_hop_6m",
        "isokinetic_peak_torque",
    ),
}


def _t(
    code: str,
    minutes: int,
    *values: str,
    side: str = "",
    right: tuple[str, ...] = (),
    notes: str = "",
    details: dict | None = None,
) -> TestSpec:
    """Write a test row briefly: na values, or left values plus right=(...).

    With item scores in ``details`` the values are left out: the trial is the
    items' total, as the session form computes it.
    """
    test = catalog.get(code)
    details = details or {}
    if details.get("items"):
        values = (str(test.item_total(details["items"])),)
    if not test.per_side:
        return TestSpec(code, minutes, {"na": list(values)}, "na", notes, details)
    if side:
        return TestSpec(code, minutes, {side: list(values)}, side, notes, details)
    return TestSpec(
        code,
        minutes,
        {"left": list(values), "right": list(right)},
        "both",
        notes,
        details,
    )


# Rows are kept one per line, as a table is read.
# fmt: off
RIVERSIDE = ClinicSpec(
    name="Riverside Physical Therapy",
    seal_name="riverside",
    address="1420 River Road, Suite 200\nSpringfield, IL 62704",
    phone="(217) 555-0142",
    npi="1643829173",
    tax_id="36-4821753",
    time_zone="America/Chicago",
    clinicians=(
        Person("pt", "Sarah", "Mitchell", PT, "PT, DPT", "070.012345", "IL", "1482905639"),
        Person("ot", "David", "Chen", OT, "OTR/L", "056.004321", "IL", "1294750389"),
        Person("md", "Priya", "Raman", MD, "MD", "036.118204", "IL", "1876034210"),
        Person("pta", "Jamal", "Brooks", PTA, "PTA", "085.007654", "IL"),
    ),
    admins=(Person("admin", "Karen", "Olsen"),),
    payers=(
        ("Medicare", MEDICARE, _rates("50.00", "1"), CMS),
        ("Medicaid", MEDICAID, _rates("40.00", "0.8"), CMS),
        ("Private", COMMERCIAL, _rates("60.00", "1.2"), MIDPOINT),
    ),
    patients=(
        PatientSpec("RPT-10001", "Eleanor", "Whitfield", 81, 40, F, "Medicare", "1EG4-TE5-MK72", (OA_RIGHT_KNEE, UNSTEADY)),
        PatientSpec("RPT-10002", "Harold", "Jensen", 87, 200, M, "Medicare", "3KH2-NV8-RT41", (FALLS, UNSTEADY)),
        PatientSpec("RPT-10003", "Marcus", "Bell", 34, 95, M, "Private", "XRP884512307", (
            ("S83.511D", "Sprain of anterior cruciate ligament of right knee, subsequent encounter"),
            ("M25.561", "Pain in right knee"),
        )),
        PatientSpec("RPT-10004", "Tanya", "Okafor", 39, 12, F, "Medicaid", "482197305", (
            ("M75.111", "Incomplete rotator cuff tear or rupture of right shoulder, not specified as traumatic"),
            ("M25.511", "Pain in right shoulder"),
        )),
        PatientSpec("RPT-10005", "Walter", "Kowalski", 76, 300, M, "Medicare", "5WA9-GC3-PX06", (
            ("I69.351", "Hemiplegia and hemiparesis following cerebral infarction affecting right dominant side"),
            ("R26.89", "Other abnormalities of gait and mobility"),
        )),
        PatientSpec("RPT-10006", "Grace", "Nguyen", 67, 150, F, "Medicare", "7QF6-JD2-HN58", (
            ("M48.062", "Spinal stenosis, lumbar region with neurogenic claudication"),
            ("M54.50", "Low back pain, unspecified"),
        )),
        PatientSpec("RPT-10007", "Luis", "Herrera", 46, 60, M, "Private", "UHC902114786", (
            ("S52.501D", "Unspecified fracture of the lower end of right radius, subsequent encounter for closed fracture with routine healing"),
        )),
        PatientSpec("RPT-10008", "Ruth", "Abernathy", 89, 250, F, "Medicare", "2DR5-HU7-YA33", (
            ("M81.0", "Age-related osteoporosis without current pathological fracture"),
            FALLS,
        )),
        PatientSpec("RPT-10009", "Kevin", "Park", 27, 180, M, "Private", "AET771305942", (
            ("M76.51", "Patellar tendinitis, right knee"),
        )),
        PatientSpec("RPT-10010", "Denise", "Carter", 57, 20, F, "Medicaid", "519034628", (
            ("M17.0", "Bilateral primary osteoarthritis of knee"),
            ("M62.81", "Muscle weakness (generalized)"),
        )),
    ),
    sessions=(
        SessionSpec(
            "RPT-10001", "pt", 38, dt.time(8, 0), "PT",
            "Quantify lower-extremity strength, gait speed and fall risk for the plan of care for right knee osteoarthritis.",
            (
                _t("chair_stand_30s", 3, "9"),
                _t("timed_up_and_go", 3, "14.2"),
                _t("ten_metre_walk", 4, "0.78", "0.82"),
                _t("single_leg_stance", 5, "3.1", "4.0", "3.6", right=("2.2", "2.9", "2.5")),
                _t("berg_balance_scale", 15, "44"),
            ),
            "Below age norms for chair stands and gait speed; TUG and Berg indicate elevated fall risk. Supports skilled PT for strength and balance, 2x/week for 8 weeks.",
            sign=True,
            addendum="Correction: the 10-metre walk trials were at comfortable speed, not fast speed.",
        ),
        SessionSpec(
            "RPT-10001", "pt", 10, dt.time(8, 45), "PT",
            "Progress re-test of strength, gait speed and balance after 4 weeks of therapy.",
            (
                _t("chair_stand_30s", 3, "11"),
                _t("timed_up_and_go", 3, "12.1"),
                _t("ten_metre_walk", 4, "0.88", "0.91"),
                _t("berg_balance_scale", 14, "48"),
            ),
            "Chair stands +2 and Berg +4 since the initial evaluation; gait speed now above 0.8 m/s for community ambulation. Continue plan of care.",
        ),
        SessionSpec(
            "RPT-10002", "pt", 33, dt.time(9, 30), "PT",
            "Fall-risk assessment after two falls at home in the past 3 months.",
            (
                _t("berg_balance_scale", 15, "39"),
                _t("timed_up_and_go", 3, "16.8"),
                _t("functional_reach", 4, "6.5", "7.2", "7.0"),
                _t("five_times_sit_to_stand", 3, "17.9"),
            ),
            "Berg 39/56 and TUG 16.8 s place the patient at high risk of falls; reduced functional reach. Recommend balance training and home safety review.",
            sign=True,
        ),
        SessionSpec(
            "RPT-10002", "pt", 12, dt.time(10, 15), "PT",
            "Re-test of mobility and lower-extremity endurance per the plan of care.",
            (
                _t("timed_up_and_go", 3, "15.2"),
                _t("five_times_sit_to_stand", 3, "16.4"),
                _t("two_minute_step", 4, "58"),
            ),
            "TUG and 5xSTS improved slightly; continue balance training.",
        ),
        SessionSpec(
            "RPT-10003", "pt", 29, dt.time(11, 0), "PT",
            "Return-to-sport testing 5 months after right ACL reconstruction.",
            (
                _t("single_hop_distance", 6, "148.5", "152.0", right=("118.0", "121.5")),
                _t("triple_hop_distance", 6, "455.0", "470.0", right=("380.5", "392.0")),
                _t("crossover_hop_distance", 6, "410.0", "422.5", right=("335.0", "347.0")),
                _t("timed_hop_6m", 5, "2.11", "2.05", right=("2.64", "2.52")),
                _t("one_rep_max", 8, "120.0", notes="Leg press, predicted from 6 reps at 100 kg."),
            ),
            "Limb symmetry index 80% (single hop) to 82% (triple hop), below the 90% return-to-sport criterion. Continue strengthening; re-test in 4 weeks.",
        ),
        SessionSpec(
            "RPT-10003", "pt", 3, dt.time(11, 0), "PT",
            "Repeat return-to-sport hop testing after 4 more weeks of strengthening.",
            (
                _t("single_hop_distance", 6, "150.0", "154.5", right=("136.0", "139.5")),
                _t("triple_hop_distance", 6, "462.0", "475.5", right=("425.0", "431.0")),
                _t("timed_hop_6m", 5, "2.08", "2.02", right=("2.25", "2.19")),
            ),
            sign=True,
        ),
        SessionSpec(
            "RPT-10004", "ot", 26, dt.time(8, 30), "OT",
            "Measure right shoulder mobility and grip before a home program for the rotator cuff tear.",
            (
                _t("rom_shoulder_flexion", 3, "128", side="right"),
                _t("rom_shoulder_abduction", 3, "110", side="right"),
                _t("rom_shoulder_external_rotation", 3, "55", side="right"),
                _t("back_scratch", 4, "-2.5", "-2.0", right=("-9.0", "-8.5")),
                _t("grip_dynamometry", 5, "28.4", "29.0", "28.7", right=("24.1", "25.3", "24.8")),
            ),
            "Right shoulder flexion and abduction limited; reach behind the back 6.5 in less on the right. Grip 13% weaker on the dominant right hand, limiting overhead ADLs.",
            sign=True,
        ),
        SessionSpec(
            "RPT-10005", "pt", 22, dt.time(9, 15), "PT",
            "Measure gait endurance, speed and balance 10 weeks after left MCA stroke.",
            (
                _t("ten_metre_walk", 4, "0.58", "0.61", details={"conditions": {"pace": "Comfortable", "distance_m": "6", "device": "Single-point cane"}}),
                _t("six_minute_walk", 8, "265", details={"conditions": {"course_m": "30", "device": "Single-point cane", "oxygen_l_min": "0", "rests": "0", "hr_pre": "78", "hr_post": "104", "spo2_pre": "97", "spo2_post": "95", "borg_dyspnoea_pre": "0.5", "borg_dyspnoea_post": "3", "borg_fatigue_pre": "1", "borg_fatigue_post": "4"}}),
                _t("berg_balance_scale", 15, details={"items": [3, 4, 4, 3, 3, 3, 3, 3, 3, 3, 2, 3, 2, 2]}),
                _t("grip_dynamometry", 5, "32.5", "33.8", "33.1", right=("18.5", "19.2", "17.9")),
            ),
            "Gait speed 0.60 m/s (limited community ambulator) and 6MWT 265 m; Berg 41/56 shows moderate fall risk. Right grip 43% below the left.",
        ),
        SessionSpec(
            "RPT-10006", "pt", 17, dt.time(10, 0), "PT",
            "Quantify walking tolerance and flexibility limited by neurogenic claudication.",
            (
                _t("six_minute_walk", 8, "310", notes="Stopped once at 4:10 for leg symptoms, resumed."),
                _t("two_minute_step", 4, "71"),
                _t("chair_sit_and_reach", 4, "-3.5", "-3.0", right=("-4.0", "-3.5")),
                _t("chair_stand_30s", 3, "10"),
            ),
            "Walking tolerance limited to about 4 minutes by leg symptoms; hamstring flexibility and chair stands below age norms.",
        ),
        SessionSpec(
            "RPT-10007", "ot", 15, dt.time(9, 45), "OT",
            "Range of motion and strength of the right wrist 8 weeks after distal radius fracture.",
            (
                _t("rom_wrist_flexion", 3, "45", side="right"),
                _t("rom_wrist_extension", 3, "40", side="right"),
                _t("rom_forearm_supination", 3, "62", side="right"),
                _t("manual_muscle_test", 3, "4-", side="right", details={"conditions": {"muscle": "Wrist extensors"}}),
            ),
            "Right wrist flexion and extension about half of normal; supination limited. Wrist extensors 4/5.",
        ),
        SessionSpec(
            "RPT-10008", "pt", 8, dt.time(8, 15), "PT",
            "Balance and transfer testing after a fall at home.",
            (
                _t("timed_up_and_go", 3, "19.5", notes="Used a single-point cane."),
                _t("functional_reach", 4, "5.0", "5.5", "5.8"),
                _t("single_leg_stance", 5, "1.8", "2.4", "2.0", right=("2.6", "3.1", "2.9")),
                _t("five_times_sit_to_stand", 3, "21.3"),
            ),
            "TUG 19.5 s with cane and single-leg stance under 5 s on both sides: high fall risk.",
        ),
        # Two short sessions on one date: 7 minutes each earn no unit alone, but
        # the date of service's 14 pooled minutes earn one (CMS Ch. 5 §20.2).
        SessionSpec(
            "RPT-10008", "pt", 3, dt.time(8, 0), "PT",
            "Morning re-test of transfers and mobility after the home safety changes.",
            (
                _t("timed_up_and_go", 3, "17.8", notes="Used a single-point cane."),
                _t("five_times_sit_to_stand", 4, "19.6"),
            ),
            "TUG 17.8 s and 5xSTS 19.6 s: still high fall risk, slightly better than last week.",
            sign=True,
        ),
        SessionSpec(
            "RPT-10008", "pt", 3, dt.time(13, 30), "PT",
            "Afternoon re-test to see whether fatigue changes transfer speed and mobility.",
            (
                _t("timed_up_and_go", 3, "19.1", notes="Used a single-point cane."),
                _t("five_times_sit_to_stand", 4, "21.0"),
            ),
            "Afternoon TUG 19.1 s and 5xSTS 21.0 s, both slower than the morning: fatigue raises fall risk later in the day.",
            sign=True,
        ),
        SessionSpec(
            "RPT-10009", "pt", 6, dt.time(10, 30), "PT",
            "Hop testing and lower-extremity strength before return to basketball.",
            (
                _t("single_hop_distance", 6, "182.0", "186.5", right=("170.5", "176.0")),
                _t("triple_hop_distance", 6, "560.0", "572.5", right=("541.0", "548.0")),
                _t("one_rep_max", 8, "160.0", notes="Leg press."),
            ),
        ),
        SessionSpec(
            "RPT-10010", "pt", 4, dt.time(8, 0), "PT",
            "Re-test of endurance and flexibility per the plan of care.",
            (
                _t("six_minute_walk", 8, "290"),
                _t("chair_stand_30s", 3, "8"),
                _t("chair_sit_and_reach", 4, "-1.5", "-1.0", right=("-2.0", "-1.5")),
            ),
        ),
    ),
    plans=(
        PlanSpec("RPT-10001", "PT", 38, "2x/week", "8 weeks", (
            ("Rise from a chair without using the arms.", "chair_stand_30s", AT_LEAST, "12", 8),
            ("Walk safely in the community: TUG under 12 s.", "timed_up_and_go", AT_MOST, "12", 8),
            ("Reduce fall risk: Berg at least 50/56.", "berg_balance_scale", AT_LEAST, "50", 8),
            ("Climb a flight of stairs with one rail.", "", "", "", 8),
        )),
        PlanSpec("RPT-10002", "PT", 33, "2x/week", "10 weeks", (
            ("No falls at home: TUG under 13.5 s.", "timed_up_and_go", AT_MOST, "13.5", 10),
            ("Stand up from a chair quickly and safely.", "five_times_sit_to_stand", AT_MOST, "15", 10),
            ("Berg at least 45/56.", "berg_balance_scale", AT_LEAST, "45", 10),
        )),
        PlanSpec("RPT-10003", "PT", 29, "2x/week", "12 weeks", (
            ("Return to basketball: single hop at least 160 cm each leg.", "single_hop_distance", AT_LEAST, "160", 12),
            ("Timed 6-m hop under 2.2 s each leg.", "timed_hop_6m", AT_MOST, "2.2", 12),
        )),
        PlanSpec("RPT-10004", "OT", 26, "2x/week", "6 weeks", (
            ("Put dishes away on an overhead shelf.", "rom_shoulder_flexion", AT_LEAST, "150", 6),
            ("Carry a full grocery bag: grip at least 28 kg.", "grip_dynamometry", AT_LEAST, "28", 6),
        )),
        PlanSpec("RPT-10005", "PT", 22, "3x/week", "12 weeks", (
            ("Community ambulation: gait speed at least 0.8 m/s.", "ten_metre_walk", AT_LEAST, "0.8", 12),
            ("Walk 300 m in 6 minutes.", "six_minute_walk", AT_LEAST, "300", 12),
            ("Berg at least 46/56.", "berg_balance_scale", AT_LEAST, "46", 12),
        )),
        PlanSpec("RPT-10005", "OT", 20, "2x/week", "8 weeks", (
            ("Dress the upper body independently.", "", "", "", 8),
            ("Right grip at least 25 kg to open jars.", "grip_dynamometry", AT_LEAST, "25", 8),
        ), certified=False),
        PlanSpec("RPT-10006", "PT", 17, "2x/week", "8 weeks", (
            ("Walk 400 m in 6 minutes without stopping.", "six_minute_walk", AT_LEAST, "400", 8),
            ("30-s chair stand at least 12.", "chair_stand_30s", AT_LEAST, "12", 8),
        )),
        PlanSpec("RPT-10007", "OT", 15, "2x/week", "6 weeks", (
            ("Right wrist flexion at least 65 degrees.", "rom_wrist_flexion", AT_LEAST, "65", 6),
            ("Right wrist extension at least 60 degrees for keyboard work.", "rom_wrist_extension", AT_LEAST, "60", 6),
        )),
        PlanSpec("RPT-10008", "PT", 8, "2x/week", "8 weeks", (
            ("TUG under 14 s with the cane.", "timed_up_and_go", AT_MOST, "14", 8),
            ("Five times sit to stand under 15 s.", "five_times_sit_to_stand", AT_MOST, "15", 8),
        )),
        PlanSpec("RPT-10009", "PT", 6, "2x/week", "6 weeks", (
            ("Single hop at least 180 cm each leg.", "single_hop_distance", AT_LEAST, "180", 6),
        ), certified=False),
        PlanSpec("RPT-10010", "PT", 30, "2x/week", "8 weeks", (
            ("Walk 350 m in 6 minutes.", "six_minute_walk", AT_LEAST, "350", 8),
        )),
    ),
    physician=("Priya Raman, MD", "1876034210"),
)

LAKESIDE = ClinicSpec(
    name="Lakeside Hand & Rehab",
    seal_name="lakeside",
    address="3100 W 38th Ave\nDenver, CO 80211",
    phone="(303) 555-0187",
    npi="1539207849",
    tax_id="84-2917365",
    time_zone="America/Denver",
    clinicians=(
        Person("lakeside-pt", "Emily", "Harper", PT, "PT, DPT", "PT.0014567", "CO", "1718462090"),
    ),
    admins=(),
    payers=(("Anthem Blue Cross", COMMERCIAL, _rates("58.00", "1.15"), MIDPOINT),),
    patients=(
        PatientSpec("LHR-2001", "Nora", "Lindqvist", 52, 30, F, "Anthem Blue Cross", "ANT660214873", (
            ("M65.311", "Trigger thumb, right thumb"),
        )),
        PatientSpec("LHR-2002", "Samuel", "Ortiz", 44, 110, M, "Anthem Blue Cross", "ANT660398125", (
            ("S83.512D", "Sprain of anterior cruciate ligament of left knee, subsequent encounter"),
        )),
        PatientSpec("LHR-2003", "Beatrice", "Howell", 71, 75, F, "Anthem Blue Cross", "ANT661042337", (
            ("M19.041", "Primary osteoarthritis, right hand"),
        )),
    ),
    sessions=(
        SessionSpec(
            "LHR-2001", "lakeside-pt", 9, dt.time(9, 0), "PT",
            "Grip and wrist motion before return to work as a dental hygienist.",
            (
                _t("grip_dynamometry", 5, "26.0", "27.2", "26.8", right=("22.4", "23.0", "22.1")),
                _t("rom_wrist_extension", 3, "62", side="right"),
            ),
        ),
        SessionSpec(
            "LHR-2002", "lakeside-pt", 5, dt.time(10, 0), "PT",
            "Return-to-sport hop testing after left ACL reconstruction.",
            (
                _t("single_hop_distance", 6, "121.0", "126.5", right=("160.0", "163.5"), details={"conditions": {"involved": "left"}}),
                _t("timed_hop_6m", 5, "2.48", "2.41", right=("2.02", "1.98"), details={"conditions": {"involved": "left"}}),
            ),
        ),
        SessionSpec(
            "LHR-2003", "lakeside-pt", 2, dt.time(8, 30), "PT",
            "Grip strength and lower-extremity endurance for the hand osteoarthritis plan of care.",
            (
                _t("grip_dynamometry", 5, "18.5", "19.0", "18.2", right=("15.1", "15.8", "16.0"), details={"conditions": {"handle_position": "2"}}),
                _t("chair_stand_30s", 3, "12"),
                _t("nine_hole_peg_test", 4, "24.1", "23.5", right=("27.9", "27.2")),
            ),
        ),
    ),
    plans=(
        PlanSpec("LHR-2001", "PT", 9, "2x/week", "6 weeks", (
            ("Grip at least 25 kg with the right hand for dental instruments.", "grip_dynamometry", AT_LEAST, "25", 6),
        )),
        PlanSpec("LHR-2002", "PT", 5, "2x/week", "12 weeks", (
            ("Single hop at least 150 cm on the left.", "single_hop_distance", AT_LEAST, "150", 12),
        )),
        PlanSpec("LHR-2003", "PT", 2, "1x/week", "6 weeks", (
            ("Open jars: grip at least 20 kg.", "grip_dynamometry", AT_LEAST, "20", 6),
            ("30-s chair stand at least 12.", "chair_stand_30s", AT_LEAST, "12", 6),
        )),
    ),
    physician=("Jordan Blake, MD", "1467503928"),
)
# fmt: on

DEMO_CLINICS = (RIVERSIDE, LAKESIDE)


def check_settings_module(module: str | None) -> None:
    """Raise CommandError unless `module` is a development or test settings module."""
    if module not in ALLOWED_SETTINGS_MODULES:
        raise CommandError(REFUSED.format(module=module or "an unknown module"))


def settings_module() -> str:
    # Under override_settings, settings.SETTINGS_MODULE reads None; the
    # environment still names the module that was loaded.
    return settings.SETTINGS_MODULE or os.environ.get("DJANGO_SETTINGS_MODULE", "")


def previous_weekday(day: dt.date) -> dt.date:
    """Return the day itself on a weekday, else the Friday before it."""
    return day - dt.timedelta(days=max(0, day.weekday() - 4))


class Command(BaseCommand):
    help = (
        "Create demo clinics, logins (password perfnote-demo), payers, patients, "
        "their plans of care and sessions, a few of them signed (one with an addendum, one not billable). "
        "Idempotent: existing rows are kept, a patient who already has a plan of "
        "a discipline gets no new one, and a patient who "
        "already has sessions gets no new ones. Refuses to run unless the settings "
        "module is config.settings.local or config.settings.test, so production "
        "(or any other) settings are never seeded."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--url",
            default=SITE_URL,
            help="The address the server answers on, printed with the logins "
            f"(default {SITE_URL}; the Makefile passes http://$(HOST)/).",
        )

    def handle(self, *args: object, **options: object) -> None:
        check_settings_module(settings_module())
        site_url = site_url_of(str(options["url"]))
        # One hash for every login: the password is public, and each hash costs
        # most of a second.
        self.password_hash = make_password(PASSWORD)
        with transaction.atomic():
            group = clinic_admin_group_ensure()
            logins = []
            for spec in DEMO_CLINICS:
                logins += self.seed_clinic(spec, group)
        if options["verbosity"] > 0:
            self.print_logins(logins, site_url)

    def seed_clinic(self, spec: ClinicSpec, group: Group) -> list[Login]:
        clinic, _ = Clinic.objects.get_or_create(
            name=spec.name,
            defaults={
                "address": spec.address,
                "phone": spec.phone,
                "npi": spec.npi,
                "tax_id": spec.tax_id,
                "time_zone": spec.time_zone,
                "seal_name": spec.seal_name,
            },
        )
        # The demo signs notes, each sealed with its own clinic's certificate.
        clinic_seal_certificate_ensure(clinic=clinic)
        logins = []
        clinicians = {}
        for person in spec.clinicians:
            user = self.user(person)
            clinician = Clinician.objects.filter(user=user).first() or clinician_save(
                clinician=Clinician(user=user, clinic=clinic),
                data=ClinicianInput(
                    role=person.role,
                    credentials=person.credentials,
                    license_number=person.license_number,
                    license_state=person.license_state,
                    npi=person.npi,
                ),
            )
            clinicians[person.username] = clinician
            logins.append((user.username, clinician.get_role_display(), clinic.name))
        for person in spec.admins:
            user = self.user(person, is_staff=True)
            ClinicAdmin.objects.get_or_create(user=user, defaults={"clinic": clinic})
            user.groups.add(group)
            logins.append((user.username, "Clinic administrator", clinic.name))
        payers = {}
        for name, kind, rates, method in spec.payers:
            payer = Payer.objects.filter(clinic=clinic, name=name).first()
            if payer is None:
                payer = payer_save(
                    payer=None,
                    clinic=clinic,
                    data=PayerInput(
                        name=name,
                        kind=kind,
                        method=method,
                        payer_identifier=DEMO_PAYER_IDS[name],
                    ),
                )
                payer_rates_set(
                    payer=payer,
                    rates=[
                        RateInput(code=code, expected_payment=amount)
                        for code, amount in rates.items()
                    ],
                )
            payers[name] = payer
        known = set(clinic.fees.values_list("code", flat=True))
        for code, charge in DEMO_FEES.items():
            if code not in known:
                clinic_fee_save(
                    fee=None, clinic=clinic, data=FeeInput(code=code, charge=charge)
                )
        known = set(clinic.test_batteries.values_list("name", flat=True))
        for name, codes in DEMO_BATTERIES.items():
            if name not in known:
                battery_save(
                    battery=None,
                    clinic=clinic,
                    data=BatteryInput(name=name, codes=codes),
                )
        patients = {p.mrn: self.patient(clinic, p, payers) for p in spec.patients}
        zone = zoneinfo.ZoneInfo(clinic.time_zone)
        today = timezone.localdate(timezone=zone)
        diagnoses = {p.mrn: p.diagnoses for p in spec.patients}
        plans = {
            (plan.mrn, plan.discipline): self.plan(
                plan, patients[plan.mrn], diagnoses[plan.mrn], spec.physician, today
            )
            for plan in spec.plans
        }
        # A patient who already has sessions (from an earlier run, or recorded by
        # hand) keeps exactly those.
        with_sessions = set(
            Patient.objects.filter(clinic=clinic, sessions__isnull=False).values_list(
                "pk", flat=True
            )
        )
        for session in spec.sessions:
            patient = patients[session.mrn]
            if patient.pk in with_sessions:
                continue
            self.session(
                session,
                patient,
                clinicians[session.clinician],
                plans.get((session.mrn, session.discipline)),
                today,
                zone,
            )
        return logins

    def user(self, person: Person, is_staff: bool = False) -> AbstractUser:
        user, created = get_user_model().objects.get_or_create(
            username=person.username,
            defaults={
                "first_name": person.first_name,
                "last_name": person.last_name,
                "email": f"{person.username}@example.com",
                "is_staff": is_staff,
            },
        )
        if created:
            # Published, but held to the same validators as every other password.
            validate_password(PASSWORD, user)
            user.password = self.password_hash
            user.save(update_fields=["password"])
        return user

    def patient(
        self, clinic: Clinic, spec: PatientSpec, payers: dict[str, Payer]
    ) -> Patient:
        patient = Patient.objects.filter(clinic=clinic, mrn__iexact=spec.mrn).first()
        if patient is not None:
            return patient
        birthday = years_before(timezone.localdate(), spec.age)
        return patient_chart_save(
            patient=None,
            clinic=clinic,
            data=ChartInput(
                patient=PatientInput(
                    mrn=spec.mrn,
                    first_name=spec.first_name,
                    last_name=spec.last_name,
                    date_of_birth=birthday
                    - dt.timedelta(days=spec.birthday_offset_days),
                    sex=spec.sex,
                    hand_dominance=HAND_DOMINANCE.get(spec.mrn, ""),
                ),
                diagnoses=tuple(
                    DiagnosisInput(code=code, description=description)
                    for code, description in spec.diagnoses
                ),
                coverage=CoverageInput(
                    payer=payers[spec.payer], member_id=spec.member_id
                ),
            ),
        )

    def plan(
        self,
        spec: PlanSpec,
        patient: Patient,
        diagnoses: tuple[tuple[str, str], ...],
        physician: tuple[str, str],
        today: dt.date,
    ) -> PlanOfCare:
        """Return the patient's plan of the discipline, made on the first run only.

        The plan starts on the day of the patient's first demo session of its
        discipline (or earlier) and is certified for 90 days; an uncertified one
        shows what the chart and the note say while the physician has not signed.
        """
        existing = patient.plans_of_care.filter(discipline=spec.discipline).first()
        if existing is not None:
            return existing
        starts_on = previous_weekday(today - dt.timedelta(days=spec.days_ago))
        name, npi = physician
        return plan_of_care_save(
            plan=None,
            patient=patient,
            data=PlanOfCareInput(
                discipline=spec.discipline,
                starts_on=starts_on,
                onset_on=starts_on - dt.timedelta(days=21),
                certification_from=starts_on,
                certification_through=starts_on + dt.timedelta(days=89),
                certified_on=starts_on + dt.timedelta(days=2)
                if spec.certified
                else None,
                certifying_name=name,
                certifying_npi=npi,
                referring_name=name,
                referring_npi=npi,
                frequency=spec.frequency,
                duration=spec.duration,
            ),
            diagnoses=tuple(
                PlanDiagnosisInput(code=code, description=description)
                for code, description in diagnoses
            ),
            goals=tuple(
                GoalInput(
                    text=text,
                    catalog_code=code,
                    comparison=comparison,
                    target=Decimal(target) if target else None,
                    target_on=starts_on + dt.timedelta(weeks=weeks) if weeks else None,
                )
                for text, code, comparison, target, weeks in spec.goals
            ),
        )

    def session(
        self,
        spec: SessionSpec,
        patient: Patient,
        clinician: Clinician,
        plan: PlanOfCare | None,
        today: dt.date,
        zone: zoneinfo.ZoneInfo,
    ) -> TestSession:
        day = previous_weekday(today - dt.timedelta(days=spec.days_ago))
        started_at = dt.datetime.combine(day, spec.time_in, tzinfo=zone)
        clock = started_at + dt.timedelta(minutes=2)
        tests = []
        for test in spec.tests:
            check_trials(test)
            tests.append(
                TestInput(
                    catalog_code=test.code,
                    side=test.side,
                    started_at=clock,
                    ended_at=clock + dt.timedelta(minutes=test.minutes),
                    trials=test.trials,
                    notes=test.notes,
                    details=test.details,
                )
            )
            clock += dt.timedelta(minutes=test.minutes + 1)
        session = session_create(
            patient=patient,
            clinician=clinician,
            data=SessionInput(
                started_at=started_at,
                ended_at=clock + dt.timedelta(minutes=2),
                discipline=spec.discipline,
                reason=spec.reason,
                interpretation=spec.interpretation,
                tests=tuple(tests),
                plan_of_care_id=plan.pk if plan else None,
            ),
        )
        if spec.sign:
            # Signed a few minutes after time out; an addendum the next weekday,
            # never later than now.
            signed_at = session.ended_at + dt.timedelta(minutes=7)
            session_sign(
                session=session, clinician=clinician, password=PASSWORD, now=signed_at
            )
            if spec.addendum:
                session_addendum_at = min(
                    signed_at + dt.timedelta(days=1, hours=2), timezone.now()
                )
                addendum_add(
                    session=session,
                    author=clinician,
                    text=spec.addendum,
                    password=PASSWORD,
                    now=session_addendum_at,
                )
        return session

    def print_logins(self, logins: list[Login], site_url: str) -> None:
        rows = [
            ("username", "password", "role", "clinic"),
            *((username, PASSWORD, role, clinic) for username, role, clinic in logins),
        ]
        widths = [max(len(row[column]) for row in rows) for column in range(3)]
        self.stdout.write("Perfnote demo logins:")
        for row in rows:
            cells = [
                cell.ljust(width) for cell, width in zip(row, widths, strict=False)
            ]
            self.stdout.write("  " + "  ".join([*cells, row[3]]))
        self.stdout.write(f"\nClinicians: {site_url}   Clinic admin: {site_url}admin/")


def site_url_of(url: str) -> str:
    """Return the served address with one trailing slash; refuse anything but http(s)."""
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        raise CommandError(NOT_A_SITE_URL.format(example=SITE_URL)) from None
    return url.rstrip("/") + "/"


def check_trials(test: TestSpec) -> None:
    """Raise CommandError if a demo value breaks the catalog's rules (a typo here)."""
    entry = catalog.get(test.code)
    for values in test.trials.values():
        if not 1 <= len(values) <= entry.trials:
            raise CommandError(f"{test.code}: {len(values)} trial values.")
        for value in values:
            problem = entry.check_text(value)
            if problem:
                raise CommandError(problem)
