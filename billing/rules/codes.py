"""CPT code sets the rules need: timed, untimed, and what clashes with 97750.

Both sets are closed lists. A 15-minute timed code joins the day's minute pool;
an untimed code is one unit whatever its length and never joins it; a code in
neither list is refused, because guessing "timed" for an untimed code bills
units that were never earned (CMS Claims Processing Manual Ch. 5 §20.2).
"""

PHYSICAL_PERFORMANCE_TEST = "97750"

# PT evaluations 97161-97163, PT re-evaluation 97164, OT evaluations 97165-97167,
# OT re-evaluation 97168 (CPT; CMS Ch. 5 §20.2 lists them as untimed).
EVALUATION_CODES = frozenset(
    {"97161", "97162", "97163", "97164", "97165", "97166", "97167", "97168"}
)

# Range of motion 95851/95852 and manual muscle testing 95831-95834: MAC LCD text
# says they are not reported in addition to 97750 (95833/95834 are named by the
# same "95831-95834" series and may be deleted).
ROM_MMT_CODES = frozenset({"95851", "95852", "95831", "95832", "95833", "95834"})

# Untimed codes that are neither evaluations nor ROM/MMT: athletic-training
# evaluations 97169-97172; 92507 speech treatment (per session); 97597/97598
# selective debridement (per wound area); 97545/97546 work hardening (first 2
# hours, each additional hour, so not 15-minute units); 97150 group therapy (per
# session); the supervised modalities 97010-97028 and G0283, which have no
# direct one-on-one time.
OTHER_UNTIMED_CODES = frozenset(
    {
        "97169",
        "97170",
        "97171",
        "97172",
        "92507",
        "97597",
        "97598",
        "97545",
        "97546",
        "97150",
        "97010",
        "97012",
        "97014",
        "97016",
        "97018",
        "97022",
        "97024",
        "97026",
        "97028",
        "G0283",
    }
)

UNTIMED_CODES = EVALUATION_CODES | ROM_MMT_CODES | OTHER_UNTIMED_CODES

# "Each 15 minutes" codes, checked against their CPT descriptors: 97750; the codes
# of the CMS Ch. 5 §20.2 examples (97110, 97112, 97116, 97140, 97035); 97530;
# and 97032, 97033, 97113, 97535, 97542, 97760, 97761, 97763.
TIMED_CODES = frozenset(
    {
        PHYSICAL_PERFORMANCE_TEST,
        "97110",
        "97112",
        "97113",
        "97116",
        "97140",
        "97530",
        "97535",
        "97542",
        "97032",
        "97033",
        "97035",
        "97760",
        "97761",
        "97763",
    }
)

# Therapeutic exercise and therapeutic activities: when they outweigh the testing
# time, the session looks like treatment rather than formal testing.
EXERCISE_CODES = ("97110", "97530")

UNKNOWN_CODE = (
    "CPT {code!r} is neither a known 15-minute timed code nor a known untimed code; "
    "add it to billing.rules.codes before billing it"
)


def is_timed(code: str) -> bool:
    """Return True for a 15-minute timed code, False for an untimed one.

    Raises ValueError naming the code when it is in neither closed list.
    """
    if code in TIMED_CODES:
        return True
    if code in UNTIMED_CODES:
        return False
    raise ValueError(UNKNOWN_CODE.format(code=code))
