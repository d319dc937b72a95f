"""Ask the running production server for the login page, a clinician page and a static file.

Run by .ci/run against `make serve` (gunicorn, production settings, PostgreSQL,
seeded with the demo data). It signs a draft note as pt, so the production
settings must open the clinic's own seal certificate, and has /verify/ name
the clinic that sealed it. Given a second server's address, it signs in on
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


def request(
    path: str,
    data: dict | None = None,
    base: str = BASE,
    upload: tuple[str, bytes] | None = None,
) -> tuple[int, str]:
    """Return status and body; remember the cookies set.

    ``upload`` is a (field, PDF bytes) sent as a multipart form with ``data``.
    """
    headers = {
        "X-Forwarded-Proto": "https",
        "Origin": f"https://{HOST}",
        "Referer": f"https://{HOST}/accounts/login/",
        "Cookie": "; ".join(f"{k}={v}" for k, v in COOKIES.items()),
    }
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    if upload is not None:
        boundary = "perfnote-smoke-boundary"
        headers["Content-Type"] = f"multipart/form-data; boundary={boundary}"
        parts = [
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
            f"{value}\r\n".encode()
            for name, value in (data or {}).items()
        ]
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{upload[0]}"; '
            'filename="note.pdf"\r\nContent-Type: application/pdf\r\n\r\n'.encode()
            + upload[1]
            + f"\r\n--{boundary}--\r\n".encode()
        )
        body = b"".join(parts)
    try:
        # BASE is the http:// address .ci/run started the server on.
        response = OPENER.open(urllib.request.Request(base + path, body, headers))  # noqa: S310
    except urllib.error.HTTPError as error:
        response = error
    for header in response.headers.get_all("Set-Cookie") or []:
        cookie = http.cookies.SimpleCookie(header)
        COOKIES.update({key: morsel.value for key, morsel in cookie.items()})
    # Latin-1 maps every byte to one character, so a PDF survives the round
    # trip; the text checked is ASCII.
    return response.status, response.read().decode("latin-1")


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


def signable_session() -> str | None:
    """Return the page of a draft session the signed-in clinician may sign."""
    _, patients = request("/patients/")
    for patient in dict.fromkeys(
        re.findall(r'href="(/patients/[0-9a-f-]{36}/)"', patients)
    ):
        _, chart = request(patient)
        for session in dict.fromkeys(
            re.findall(r'href="(/sessions/[0-9a-f-]{36}/)"', chart)
        ):
            if f'href="{session}sign/"' in request(session)[1]:
                return session
    return None


def sign_and_verify() -> None:
    """Sign a draft note as pt, download it, and have /verify/ name its clinic."""
    session = signable_session()
    expect("a draft note pt may sign", session is not None)
    status, _ = request(
        f"{session}sign/",
        {"password": "perfnote-demo", "csrfmiddlewaretoken": COOKIES["csrftoken"]},
    )
    expect("sign it (sealed with the clinic's own certificate)", status == 302)
    note = re.search(rf'href="({session}notes/1\.pdf)"', request(session)[1])
    expect("its sealed note is listed", note is not None)
    status, pdf = request(note.group(1))
    expect("download the sealed note", status == 200 and pdf.startswith("%PDF"))
    status, page = request(
        "/verify/",
        {"csrfmiddlewaretoken": COOKIES["csrftoken"]},
        upload=("pdf", pdf.encode("latin-1")),
    )
    sealed_by = re.search(r'id="verify-sealed-by">([^<]*)<', page)
    expect(
        "/verify/ verifies it as sealed by Riverside Physical Therapy",
        status == 200
        and "Verified: genuine and unaltered" in page
        and sealed_by is not None
        and sealed_by.group(1) == "Riverside Physical Therapy",
    )


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
    sign_and_verify()
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
