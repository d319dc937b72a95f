"""The site around the apps: its icon, and the address `make run` prints."""

import shutil
import subprocess
from http import HTTPStatus
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.core.management import CommandError
from django.urls import reverse

from assessments.management.commands.seed_demo import SITE_URL, site_url_of

BASE_DIR = Path(__file__).resolve().parent.parent


@pytest.mark.django_db
def test_favicon_ico_is_served_without_login(client):
    response = client.get("/favicon.ico")

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].endswith(".ico")
    assert finders.find("img/favicon.ico")


@pytest.mark.django_db
def test_every_page_links_its_icon(client):
    page = client.get(reverse("login")).content.decode()

    assert 'rel="icon" href="/static/img/favicon.svg"' in page
    assert finders.find("img/favicon.svg")


@pytest.mark.parametrize(
    ("given", "printed"),
    [
        ("http://127.0.0.1:8000", "http://127.0.0.1:8000/"),
        ("http://0.0.0.0:8812/", "http://0.0.0.0:8812/"),
        ("https://perfnote.example.org", "https://perfnote.example.org/"),
    ],
)
def test_the_site_url_is_given_one_trailing_slash(given, printed):
    assert site_url_of(given) == printed


def test_the_default_site_url_is_where_make_run_serves_by_default():
    assert site_url_of(SITE_URL) == "http://127.0.0.1:8000/"


@pytest.mark.parametrize("given", ["127.0.0.1:8000", "ftp://example.org/", ""])
def test_a_site_url_that_is_not_http_is_refused(given):
    with pytest.raises(CommandError, match="--url must be an http"):
        site_url_of(given)


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_run_passes_its_host_to_seed_demo():
    # -n prints the recipe without running it; the venv is already installed.
    done = subprocess.run(
        ["make", "-n", "-o", ".venv/.installed", "run", "HOST=192.168.1.20:8080"],  # noqa: S607
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )

    assert "seed_demo --url http://192.168.1.20:8080/" in done.stdout
    assert "runserver 192.168.1.20:8080" in done.stdout
