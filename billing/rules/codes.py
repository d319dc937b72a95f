"""CPT code sets the rules need: timed, untimed, and what clashes with 97750.

The engine treats every code that is not in UNTIMED_CODES as a 15-minute timed
code, so the untimed set is the one that must be complete; KNOWN_TIMED_CODES only
lists the timed codes that have been checked, for callers and tests.
"""

PHYSICAL_PERFORMANCE_TEST = "97750"

# PT evaluations 97161-97163, PT re-evaluation 97164, OT evaluations 97165-97167,
# OT re-evaluation 97168 (DOMAIN.md §1.2, §2.5, §3.2).
EVALUATION_CODES = frozenset(
    {"97161", "97162", "97163", "97164", "97165", "97166", "97167", "97168"}
)

# Range of motion 95851/95852 and manual muscle testing 95831-95834: the LCD text says
# they are not reported in addition to 97750 (DOMAIN.md §1.1, §3.2; 95833/95834 are
# named by the same "95831-95834" series and may be deleted, §3.3).
ROM_MMT_CODES = frozenset({"95851", "95852", "95831", "95832", "95833", "95834"})

# 97150 is group therapy, billed per session. 97010-97028 and G0283 are supervised
# modalities with no direct one-on-one time, which is the only time that counts
# (DOMAIN.md §1.2). Neither group is named in DOMAIN.md; both are untimed in CPT.
OTHER_UNTIMED_CODES = frozenset(
    {
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

# Untimed codes are one unit whatever their length; their minutes never join the
# timed pool (DOMAIN.md §1.2, AOTA).
UNTIMED_CODES = EVALUATION_CODES | ROM_MMT_CODES | OTHER_UNTIMED_CODES

# "Each 15 minutes" codes checked against their CPT descriptors: 97750 (DOMAIN.md
# §1.1), 97110, 97112, 97116, 97140, 97035 (CMS examples, §1.3), 97530 (§3.1), and
# 97032, 97033, 97113, 97535, 97542.
KNOWN_TIMED_CODES = frozenset(
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
    }
)

# Therapeutic exercise and therapeutic activities: when they outweigh the testing
# time, the session looks like treatment rather than formal testing (DOMAIN.md §2.5).
EXERCISE_CODES = ("97110", "97530")
