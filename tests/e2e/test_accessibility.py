"""axe-core finds no violation on any page a PT, a PTA, a clinic admin or a verifier reaches.

Each role signs in to the demo clinic (seed_demo) and follows every link from
its start page, visiting one page of each kind (a path with its ids and uuids
set aside), plus a signed and a draft session; every page is checked at the
tablet's 768 px and a desktop's 1280 px. axe-core is the copy pinned in
requirements.lock (axe-playwright-python bundles it), so the check is the same
on every machine and fetches nothing.
"""

import re
import threading
from collections import deque
from io import StringIO
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.base import AXE_SCRIPT
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from assessments.management.commands.seed_demo import PASSWORD
from assessments.models import TestSession

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WIDTHS = (768, 1280)
# Not pages: files, redirects out of the admin, and what only confirms a
# removal or lists an object's history (Django's own, and never a clinician's).
NOT_A_PAGE = re.compile(
    r"\.pdf$|/download/|/logout/|/admin/r/|/jsi18n/|/delete/$|/history/$"
)
ID = re.compile(
    r"/(\d+|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?=/|$)"
)
# Every rule axe-core runs by default (WCAG 2.0-2.2 A and AA, best practices).
AXE_RUN = "axe.run(document, {resultTypes: ['violations']}).then(r => r.violations)"


def _kind(path):
    """A page's kind: its path with ids and uuids set aside."""
    return ID.sub("/<id>", path)


def _links(page, origin):
    hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
    urls = []
    for href in hrefs:
        parts = urlsplit(href)
        if f"{parts.scheme}://{parts.netloc}" != origin or NOT_A_PAGE.search(
            parts.path
        ):
            continue
        urls.append(parts._replace(fragment="").geturl())
    return urls


def _violations(page, label):
    """Run axe-core on the page at each width; return one line per violation.

    The page is laid out again at each width, not loaded again: what differs
    between a tablet and a desktop is the layout.
    """
    page.evaluate(AXE_SCRIPT)
    found = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 1024})
        for violation in page.evaluate(AXE_RUN):
            targets = [" ".join(node["target"]) for node in violation["nodes"][:3]]
            found.append(
                f"{label} at {width}px: {violation['id']} ({violation['impact']}) "
                f"{len(violation['nodes'])}× e.g. {targets}"
            )
    return found


def _walk(page, origin, starts, within="/"):
    """Visit every kind of page under ``within`` reachable from ``starts``.

    Return axe's findings and the pages visited.
    """
    queue = deque(starts)
    seen = {_kind(urlsplit(url).path) for url in starts[1:]}
    visited = set()
    found = []
    while queue:
        url = queue.popleft()
        if url in visited:
            continue
        visited.add(url)
        page.goto(url)
        found += _violations(page, urlsplit(page.url).path)
        for link in _links(page, origin):
            kind = _kind(urlsplit(link).path)
            if kind.startswith(within) and kind not in seen:
                seen.add(kind)
                queue.append(link)
    return found, visited


def _seed_demo():
    """Run seed_demo in a thread of its own.

    Signing seals notes with pyHanko, whose asyncio.run() refuses to start in
    this thread, where Playwright's event loop runs.
    """

    def seed():
        try:
            call_command("seed_demo", stdout=StringIO())
        finally:
            connection.close()

    thread = threading.Thread(target=seed)
    thread.start()
    thread.join()


def _log_in(page, origin, username):
    page.goto(f"{origin}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()


def test_no_axe_violation_on_any_page_of_any_role(
    live_server, browser, flushable_signed_notes
):
    # given the demo clinic
    _seed_demo()
    origin = live_server.url
    signed = TestSession.objects.filter(signed_at__isnull=False).first()
    draft = TestSession.objects.filter(
        signed_at__isnull=True, patient__clinic=signed.patient.clinic
    ).first()
    sessions = [
        f"{origin}{signed.get_absolute_url()}",
        f"{origin}{draft.get_absolute_url()}",
    ]
    found = []
    visited = {}

    # when each role walks its pages
    # (the admin's clinician pages are the PT's, with one more navbar link)
    for role, starts, within in (
        ("pt", [f"{origin}/", *sessions], "/"),
        ("pta", [f"{origin}/", *sessions], "/"),
        ("admin", [f"{origin}/admin/", f"{origin}/"], "/admin/"),
        (None, [f"{origin}/accounts/login/", f"{origin}/verify/"], "/"),
    ):
        context = browser.new_context()
        page = context.new_page()
        if role:
            _log_in(page, origin, role)
        role_found, visited[role] = _walk(page, origin, starts, within)
        found += [f"{role or 'anonymous'} {finding}" for finding in role_found]
        context.close()

    # then axe found nothing, on pages enough to mean it
    assert found == []
    assert len(visited["pt"]) >= 10
    assert len(visited["admin"]) >= 20


def test_the_check_reports_what_axe_finds(browser):
    """A check that never fails would pass forever: an unlabelled image is reported."""
    # given
    page = browser.new_page()
    page.set_content(
        '<html lang="en"><title>t</title><main><h1>t</h1><img src="data:,"></main></html>'
    )
    # when
    found = _violations(page, "/sample/")
    # then
    assert [line.split(": ")[1].split()[0] for line in found] == ["image-alt"] * 2
    assert found[0].startswith("/sample/ at 768px: image-alt (critical)")
    page.close()


def test_no_axe_violation_on_the_pages_a_walk_does_not_reach(
    live_server, browser, flushable_signed_notes, tmp_path
):
    """States no link leads to: a refusal, a refused save's error summary, /verify/'s answers."""
    # given the demo clinic, a PT's draft and a sealed note
    _seed_demo()
    origin = live_server.url
    signed = TestSession.objects.filter(signed_at__isnull=False).first()
    draft = TestSession.objects.filter(
        signed_at__isnull=True, clinician__user__username="pt"
    ).first()
    sealed = tmp_path / "note.pdf"
    sealed.write_bytes(bytes(signed.note_versions.first().pdf))
    not_a_note = tmp_path / "not-a-note.pdf"
    not_a_note.write_bytes(b"%PDF-1.7\nnot a sealed note\n")
    found = []

    # when a PT assistant opens addresses of what only a therapist may do
    context = browser.new_context()
    page = context.new_page()
    _log_in(page, origin, "pta")
    for name, args, refusal in (
        ("session-update", [draft.uuid], "You can read this draft, not edit it"),
        (
            "session-create",
            [draft.patient.uuid],
            "Tests are recorded by a therapist or physician",
        ),
        ("session-sign", [draft.uuid], None),
    ):
        page.goto(f"{origin}{reverse(f'assessments:{name}', args=args)}")
        if refusal:
            heading = page.get_by_role("heading", level=1)
            assert heading.inner_text() == refusal
        found += _violations(page, f"pta refused {name}")
    context.close()

    # and a PT saves a new session with nothing typed
    context = browser.new_context()
    page = context.new_page()
    _log_in(page, origin, "pt")
    new = reverse("assessments:session-create", args=[draft.patient.uuid])
    page.goto(f"{origin}{new}")
    page.get_by_role("button", name="Save session").click()
    page.locator("#error-summary, [data-error-summary]").first.wait_for()
    found += _violations(page, "pt refused save")
    context.close()

    # and anyone uploads a sealed note, then a file that is not one, to /verify/
    context = browser.new_context()
    page = context.new_page()
    for upload, label in ((sealed, "verified"), (not_a_note, "not verified")):
        page.goto(f"{origin}/verify/")
        page.locator("input[type=file]").set_input_files(upload)
        page.get_by_role("button", name="Verify").click()
        page.locator("#verify-result, .invalid-feedback").first.wait_for()
        found += _violations(page, f"/verify/ {label}")
    context.close()

    # then axe found nothing
    assert found == []
