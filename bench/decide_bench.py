"""Time billing.rules.decide over 100,000 synthetic sessions; print decisions/second.

Run from the repository root: python bench/decide_bench.py [sessions]
The sessions are built up front from a seeded random generator, so only decide()
is timed; the figure is the best of three runs.
"""

import random
import sys
import time
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from billing.rules import (
    Discipline,
    Method,
    OtherProcedure,
    PayerKind,
    PerformerRole,
    SessionFacts,
    TestFacts,
    decide,
)

SESSIONS = 100_000
RUNS = 3
SEED = 97750
TEST_NAMES = (
    "Timed Up and Go",
    "Berg Balance Scale",
    "30-Second Chair Stand",
    "6-Minute Walk Test",
    "Grip strength",
    "Goniometric ROM",
    "Manual muscle test",
)
TIMED_PROCEDURES = ("97110", "97112", "97116", "97140", "97530", "97035")
UNTIMED_PROCEDURES = ("97161", "97164", "97165", "95851", "95831", "97150")
ZONES = (UTC, timezone(timedelta(hours=-5)), timezone(timedelta(hours=-8)))
# Mostly clinicians, with a few assistants and physicians.
ROLES = (PerformerRole.PT,) * 6 + (PerformerRole.OT,) * 3 + tuple(PerformerRole)
YEARS = (2024, 2025, 2026, 2026, 2026, 2027)


def build_sessions(count: int, rng: random.Random) -> list[SessionFacts]:
    """Return count varied sessions: 1-6 tests, overlaps, other procedures, all payers."""
    return [_session(rng) for _ in range(count)]


def _session(rng: random.Random) -> SessionFacts:
    year = rng.choice(YEARS)
    day = date(year, rng.randint(1, 12), rng.randint(1, 28))
    start = datetime(
        year, day.month, day.day, rng.randint(7, 17), tzinfo=rng.choice(ZONES)
    )
    end = start + timedelta(minutes=rng.randint(20, 150))
    tests = []
    cursor = start - timedelta(minutes=rng.randint(0, 5))
    for _ in range(rng.randint(1, 6)):
        # A negative gap makes the test overlap the previous one.
        began = cursor + timedelta(seconds=rng.randint(-300, 240))
        ended = began + timedelta(seconds=rng.randint(60, 1500))
        tests.append(
            TestFacts(
                name=rng.choice(TEST_NAMES),
                catalog_code=f"test-{rng.randint(1, 40)}",
                performer_role=rng.choice(ROLES),
                started_at=began,
                ended_at=ended,
                has_result=rng.random() > 0.05,
                routine_measure=rng.random() < 0.2,
            )
        )
        cursor = ended
    procedures = [
        OtherProcedure(code, rng.randint(0, 40))
        for code in rng.sample(TIMED_PROCEDURES, rng.randint(0, 3))
    ]
    procedures += [
        OtherProcedure(code, 0)
        for code in rng.sample(UNTIMED_PROCEDURES, rng.randint(0, 1))
    ]
    return SessionFacts(
        date_of_service=day,
        session_start=start,
        session_end=end,
        discipline=rng.choice(tuple(Discipline)),
        tests=tuple(tests),
        other_procedures=tuple(procedures),
        has_interpretation=rng.random() > 0.05,
        signer_has_credentials=rng.random() > 0.03,
        payer_kind=rng.choice(tuple(PayerKind)),
        method=rng.choice(tuple(Method)),
        rate=Decimal(rng.randint(2500, 4500)) / 100,
        year_to_date_charges=Decimal(rng.randint(0, 300_000)) / 100,
    )


def best_rate(sessions: list[SessionFacts], runs: int) -> float:
    """Return the best decisions per second over runs passes through sessions."""
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        for facts in sessions:
            decide(facts)
        best = min(best, time.perf_counter() - started)
    return len(sessions) / best


def main() -> None:
    """Build the sessions, time decide() over them and print the rate."""
    count = int(sys.argv[1]) if len(sys.argv) > 1 else SESSIONS
    sessions = build_sessions(count, random.Random(SEED))
    rate = best_rate(sessions, RUNS)
    print(f"decide: {rate:,.0f} decisions/second ({count:,} sessions, best of {RUNS})")


if __name__ == "__main__":
    main()
