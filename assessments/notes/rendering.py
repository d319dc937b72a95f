"""Render the note to PDF bytes with WeasyPrint; rendering only, no ORM access.

The context comes from notes.note_context_build() (or from a stored
NoteVersion.context), so the same dict always gives the same pages. The print
CSS (templates/assessments/pdf/note.css) uses only fonts installed on the
machine: nothing is fetched while rendering, and the URL fetcher refuses
anything outside the project, because a note holds patient data and a remote
image would tell a third party that the note was opened, and when.

The note is tagged as PDF/UA-1 (PDF_VARIANT), which pyHanko's seal keeps: the
seal is an incremental update that adds a signature and changes no page.

The document id goes into the PDF's Info dictionary twice: in /Keywords, which
PDF readers show, and under /perfnotedocumentid, from which sealing.check_seal()
reads it back.
"""

import base64
import functools
import threading
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.template.loader import render_to_string
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from assessments.charts import trend_svg

TEMPLATE = "assessments/pdf/note.html"
STYLESHEET = "assessments/pdf/note.css"
# WeasyPrint writes <meta> tags it does not know into the Info dictionary,
# keeping only the letters and digits of the name: this one becomes
# /perfnotedocumentid (sealing.DOCUMENT_ID_INFO_KEY).
DOCUMENT_ID_META = "perfnote-document-id"
# PDF/UA-1 (ISO 14289-1): a tagged PDF whose structure (headings, tables and
# their header cells, reading order), language and title a screen reader
# announces, so the note a payer or patient opens is accessible. WeasyPrint
# writes the tags and the XMP metadata that names the standard.
PDF_VARIANT = "pdf/ua-1"
REFUSED_URL = (
    "The note may not load {url}: only data: URLs and project files are allowed."
)


class NoteURLFetcher(URLFetcher):
    """Fetch data: URLs and files inside ``root``; refuse everything else.

    Anything else (http, https, ftp, files elsewhere on the machine) raises
    ValueError, which WeasyPrint reports as a warning and a missing resource.
    """

    def __init__(self, root: Path) -> None:
        super().__init__(allowed_protocols=("data", "file"), allow_redirects=False)
        self.root = Path(root).resolve()

    def fetch(
        self, url: str, headers: dict[str, str] | None = None
    ) -> URLFetcherResponse:
        """Return the resource at ``url``, or raise ValueError if it is not allowed."""
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme == "file" and parts.netloc in ("", "localhost"):
            path = Path(unquote(parts.path)).resolve()
            if path.is_relative_to(self.root):
                return super().fetch(url, headers)
        raise ValueError(REFUSED_URL.format(url=url))


# A fetcher builds an SSL context (20-30 ms here) and a font configuration sets
# up fontconfig (a few ms), so every render shares one of each.
URL_FETCHER = NoteURLFetcher(Path(settings.BASE_DIR))
FONT_CONFIG = FontConfiguration()
# WeasyPrint does not document its font configuration as thread-safe, so
# renders in a threaded server take turns.
_RENDER_LOCK = threading.Lock()


def note_pdf_render(*, context: dict, addenda: list[dict], document_id: str) -> bytes:
    """Return the note as PDF bytes: the original content, then each addendum.

    Addenda start on a new page after the original and are numbered in list
    order, so the pages of the original read exactly as before (only the "of N"
    of the page numbers grows). Every page carries the patient's name, date of
    birth and MRN, the document id and "Page X of Y".
    """
    html = render_to_string(
        TEMPLATE,
        {
            "note": context,
            "addenda": addenda,
            "document_id": document_id,
            "document_id_meta": DOCUMENT_ID_META,
            "charts": [
                {"trend": trend, "uri": _svg_uri(trend_svg(trend))}
                for trend in context.get("trends", [])
            ],
        },
    )
    with _RENDER_LOCK:
        document = HTML(
            string=html, base_url=str(settings.BASE_DIR), url_fetcher=URL_FETCHER
        )
        return document.write_pdf(
            stylesheets=[_stylesheet()],
            font_config=FONT_CONFIG,
            custom_metadata=True,
            pdf_variant=PDF_VARIANT,
        )


@functools.cache
def _stylesheet() -> CSS:
    # Parsed once per process (re-parsing cost about 25 ms per note), so an
    # edit to note.css shows after a restart.
    return CSS(
        string=render_to_string(STYLESHEET),
        base_url=str(settings.BASE_DIR),
        url_fetcher=URL_FETCHER,
        font_config=FONT_CONFIG,
    )


def _svg_uri(svg: str) -> str:
    """Return the chart as a data: URL, the one kind of image the note may load.

    Drawn again from the trend stored with the note, so an addendum's version
    shows the chart the original showed.
    """
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
