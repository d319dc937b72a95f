"""Ask the running production server for the login page, a clinician page and a static file.

Run by .ci/run against `make serve` (gunicorn, production settings, PostgreSQL,
seeded with the demo data). Given a second server's address, it signs in on
the first and asks the second for the clinician page with the same cookies:
the app servers keep no state of their own. The server sits behind no TLS proxy here, so each
request says it came through one (X-Forwarded-Proto), and the Secure cookies
are sent back by hand. Exits non-zero at the first answer that is wrong.
"""

import http.cookies
import re
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8765"
OTHER = sys.argv[2] if len(sys.argv) > 2 else ""
for address in filter(None, (BASE, OTHER)):
    if not address.startswith("http://"):
        sys.exit(f"serve_smoke.py asks a local http:// server, not {address}")
HOST = urllib.parse.urlsplit(BASE).netloc
COOKIES: dict[str, str] = {}


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


OPENER = urllib.request.build_opener(NoRedirect)


def request(path: str, data: dict | None = None, base: str = BASE) -> tuple[int, str]:
    """Return status and body; remember the cookies set."""
    headers = {
        "X-Forwarded-Proto": "https",
        "Origin": f"https://{HOST}",
        "Referer": f"https://{HOST}/accounts/login/",
        "Cookie": "; ".join(f"{k}={v}" for k, v in COOKIES.items()),
    }
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    try:
        # BASE is the http:// address .ci/run started the server on.
        response = OPENER.open(urllib.request.Request(base + path, body, headers))  # noqa: S310
    except urllib.error.HTTPError as error:
        response = error
    for header in response.headers.get_all("Set-Cookie") or []:
        cookie = http.cookies.SimpleCookie(header)
        COOKIES.update({key: morsel.value for key, morsel in cookie.items()})
    return response.status, response.read().decode(errors="replace")


def expect(what: str, ok: bool) -> None:
    print(("ok   " if ok else "FAIL ") + what, flush=True)
    if not ok:
        sys.exit(1)


def wait_for(base: str) -> None:
    for _ in range(60):
        try:
            if request("/ping/", base=base)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(1)


def main() -> None:
    wait_for(BASE)
    status, page = request("/accounts/login/")
    expect("login page", status == 200 and "csrfmiddlewaretoken" in page)
    status, _ = request(
        "/accounts/login/",
        {
            "username": "pt",
            "password": "perfnote-demo",
            "csrfmiddlewaretoken": COOKIES.get("csrftoken", ""),
        },
    )
    expect("sign in as pt", status == 302)
    status, page = request("/patients/")
    expect("patient list (clinician page)", status == 200 and "Patients" in page)
    stylesheet = re.search(r'href="(/static/[^"]+\.css)"', page)
    expect("page links a static stylesheet", stylesheet is not None)
    status, css = request(stylesheet.group(1))
    expect(f"static file {stylesheet.group(1)}", status == 200 and len(css) > 1000)
    if OTHER:
        wait_for(OTHER)
        status, page = request("/patients/", base=OTHER)
        expect(
            "the second server serves the login made on the first",
            status == 200 and "Patients" in page,
        )
        status, page = request("/patients/")
        expect("and the first one still does", status == 200 and "Patients" in page)


if __name__ == "__main__":
    main()
