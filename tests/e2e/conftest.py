"""Browser fixtures: Debian's chromium driven by Playwright against live_server."""

import datetime as dt
import os
import shutil

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

# Playwright's sync API runs an event loop in this thread; the ORM calls the
# tests make around it are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


# Module scope: Playwright's sync API keeps an event loop running while it is
# open, and pytest-django runs the database-free tests after these, where
# pyHanko's asyncio.run() would find that loop.
@pytest.fixture(scope="module")
def browser():
    if not shutil.which(CHROMIUM):
        if os.environ.get("PERFNOTE_REQUIRE_BROWSER"):
            pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium")
        pytest.skip(f"{CHROMIUM} is missing: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def flushable_signed_notes(transactional_db):
    """Let the end-of-test flush empty signed rows and the audit log on SQLite.

    PostgreSQL's flush truncates, which row triggers do not see; SQLite's flush
    deletes row by row, so its lock switch (migration assessments/0002_lock_signed_records) is turned off
    once the test is done. Tests that check the lock turn it back on. Every
    browser test needs it: each page it opens appends to the audit log
    (clinic/0008_audit_trail), whose rows the same switch keeps.
    """
    yield
    from django.db import connection

    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM perfnote_lock")


class ServerClock:
    """The live server's clock, moved as page.clock moves the browser's."""

    def __init__(self, real_now):
        self._real_now = real_now
        self.shift = dt.timedelta(0)

    def now(self):
        return self._real_now() + self.shift

    def at(self, moment):
        """Make the server's clock read ``moment`` now, and run on from there."""
        self.shift = moment - self._real_now()

    def reset(self):
        self.shift = dt.timedelta(0)


@pytest.fixture
def server_clock(monkeypatch):
    """Set the live server's time (django.utils.timezone.now) for this test.

    The session form corrects the device's clock by the server's, so a test
    that runs the page 40 minutes in the past (page.clock.install) puts the
    server there too while the session is recorded, then back to the present
    (``reset``) to save it, as a clinician saves once the session is over.
    The live server runs in a thread of this process, so the patch reaches it.
    """
    from django.utils import timezone

    clock = ServerClock(timezone.now)
    monkeypatch.setattr(timezone, "now", clock.now)
    return clock
