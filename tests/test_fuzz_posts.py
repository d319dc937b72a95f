"""Every form of every page, posted with junk: never a server error.

The forms come from the URL configuration (the URL matrix's routes, filled
with the demo clinic's rows), so a form added tomorrow is fuzzed the day it is
added: each page a physical therapist and a clinic admin (the Django admin)
can open is asked, and what anyone can (the login page, /verify/); every page
holding a POST form is posted ``POSTS`` times with its own fields replaced at
random by empty, overlong, malformed, hostile or oversized values (formset
counts of 100,000 included), from a fixed seed so a failure can be replayed. A refusal of any kind (a form error, 400,
403, 404, 413) is an answer; a 5xx or an exception is a failure.
"""

import random
import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from tests.pages import form_values
from tests.test_url_matrix import RIVERSIDE, ROUTES, _rows_of, _url, demo  # noqa: F401

POSTS = 12
SEED = 20261206
# Pages whose POST is not a form to fill: leaving, and confirming a deletion.
NOT_FUZZED = re.compile(r"/logout/|/delete/$")
FORM = re.compile(r"<form\b[^>]*\bmethod=\"post\"", re.IGNORECASE)
JUNK = (
    "",
    " ",
    "0",
    "-1",
    "99999999999999999999",
    "1e309",
    "NaN",
    "-0.0001",
    "2026-02-30",
    "25:61:61",
    "0815A",
    "13:00 pm",
    "x" * 5_000,
    "<script>alert(1)</script>",
    "'; DROP TABLE clinic_patient; --",
    "\u202etxt.exe",
    "Ω≈ç√∫˜µ≤≥÷",
    "../../etc/passwd",
    "1,5",
    "[]",
    '{"a": 1}',
)
COUNTS = ("0", "-1", "x", "1000", "100000")


def _junk(name, value, rng):
    if name == "csrfmiddlewaretoken":
        return value
    if name.endswith(
        ("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS")
    ):
        return rng.choice((value, *COUNTS))
    roll = rng.random()
    if roll < 0.35:
        return value
    if roll < 0.85:
        return rng.choice(JUNK)
    return "".join(chr(rng.randint(1, 0x2FFF)) for _ in range(rng.randint(1, 40)))


def _pages_with_forms(client):
    rows = _rows_of(RIVERSIDE)
    for route in ROUTES:
        url = _url(route, rows)
        if url is None or NOT_FUZZED.search(url):
            continue
        response = client.get(url)
        if (
            response.status_code == 200
            and not response.streaming
            and FORM.search(response.content.decode(errors="replace"))
        ):
            yield url, response


@pytest.mark.django_db
@pytest.mark.parametrize(("username", "at_least"), [("pt", 12), ("admin", 50), ("", 2)])
def test_no_junk_post_to_any_form_gives_a_server_error(demo, username, at_least):  # noqa: F811
    # given every page with a form that the user (or anyone: login, /verify/) can open
    client = Client()
    if username:
        client.force_login(get_user_model().objects.get(username=username))
    rng = random.Random(f"{SEED}-{username}")  # noqa: S311 (replayable, not a secret)
    posts, errors = 0, []
    forms = list(_pages_with_forms(client))
    for url, page in forms:
        fields = form_values(page)
        for _ in range(POSTS):
            # when it is posted with its fields replaced at random
            data = {name: _junk(name, value, rng) for name, value in fields.items()}
            response = client.post(url, data)
            posts += 1
            # then the answer is a page or a refusal, never a server error
            if response.status_code >= 500:
                errors.append(f"{url} {response.status_code}")
    assert errors == []
    # and enough was asked to mean it
    assert len(forms) >= at_least
    assert posts == len(forms) * POSTS
