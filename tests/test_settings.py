"""Production settings pass Django's deployment checklist and demand their secrets."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[1]


def _production_env(**overrides):
    """Return a clean environment for production settings, as a deploy would set it."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DJANGO_", "PERFNOTE_")) and name != "DATABASE_URL"
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
            "DJANGO_ALLOWED_HOSTS": "perfnote.example",
            "DATABASE_URL": "postgres://perfnote:secret@db.perfnote.example:5432/perfnote",
            "PERFNOTE_SEAL_DIR": "/etc/perfnote/seals",
            "PERFNOTE_SEAL_PASSPHRASE_RIVERSIDE": secrets.token_urlsafe(24),
        }
    )
    env.update(overrides)
    return {name: value for name, value in env.items() if value is not None}


def _manage(*args, env):
    return subprocess.run(  # noqa: S603 - fixed arguments, no shell
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_deploy_check_reports_no_issues_and_no_warnings():
    # given
    env = _production_env()

    # when
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=env)

    # then
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == "System check identified no issues (0 silenced).\n"
    assert result.stderr == ""


def test_production_refuses_to_start_without_a_secret_key():
    # given
    env = _production_env(DJANGO_SECRET_KEY=None)

    # when
    result = _manage("check", env=env)

    # then
    assert result.returncode == 1
    assert "Set the DJANGO_SECRET_KEY environment variable" in result.stderr


def test_production_refuses_sqlite():
    # given
    env = _production_env(DATABASE_URL="sqlite:////tmp/perfnote.sqlite3")

    # when
    result = _manage("check", env=env)

    # then
    assert result.returncode != 0
    assert "Production runs on PostgreSQL" in result.stderr


def test_production_refuses_to_start_without_a_seal_folder():
    result = _manage("check", env=_production_env(PERFNOTE_SEAL_DIR=None))

    assert result.returncode == 1
    assert "Set the PERFNOTE_SEAL_DIR environment variable" in result.stderr


def test_production_reads_each_clinics_passphrase_and_no_shared_one():
    # given
    env = _production_env(PERFNOTE_SEAL_PASSPHRASE_LAKESIDE_HAND="lakeside-secret")
    code = (
        "from django.conf import settings as s; "
        "print(sorted(s.PERFNOTE_SEAL_PASSPHRASES), s.PERFNOTE_SEAL_DEV_PASSPHRASE, "
        "s.PERFNOTE_SEAL_CREATE_MISSING)"
    )

    # when
    result = _manage("shell", "-c", code, env=env)

    # then
    assert result.stdout.splitlines()[-1] == "['LAKESIDE_HAND', 'RIVERSIDE'] None False"


def test_pages_carry_a_strict_csp_and_a_permissions_policy(client, db):
    # when
    response = client.get("/accounts/login/")

    # then
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert "camera=()" in response.headers["Permissions-Policy"]


def test_pages_have_no_inline_script_or_style_the_csp_would_block():
    """The CSP allows no inline code, so no page template may carry any.

    The PDF note's template is rendered by WeasyPrint, never by a browser.
    """
    offenders = []
    for template in sorted((BASE_DIR / "templates").rglob("*.html")):
        if "pdf" in template.parts:
            continue
        text = template.read_text()
        for marker in (' style="', "<style", " onclick=", " onchange=", " onload="):
            if marker in text:
                offenders.append(f"{template.name}: {marker.strip()}")
        for tag in re.findall(r"<script\b[^>]*>", text):
            if "src=" not in tag and "application/json" not in tag:
                offenders.append(f"{template.name}: {tag}")
    assert offenders == []
