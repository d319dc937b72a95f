"""Read a response back as a user sees it: flashed messages, field errors, form values."""

import html
import re
from html.parser import HTMLParser

from django.contrib.messages import get_messages


def flashed_messages(response):
    """Return the messages the response's request queued, as text."""
    return [str(message) for message in get_messages(response.wsgi_request)]


def field_errors(response, field_id):
    """Return the messages in the error block crispy renders under one field."""
    page = response.content.decode()
    block = re.search(
        rf'<div id="{re.escape(field_id)}_error" class="invalid-feedback">(.*?)</div>',
        page,
        re.DOTALL,
    )
    if block is None:
        return []
    return [
        html.unescape(message)
        for message in re.findall(r"<strong>(.*?)</strong>", block.group(1), re.DOTALL)
    ]


class _FormValues(HTMLParser):
    """Collect what a browser would submit: name -> value of each filled control.

    Controls inside <template> (the formset's empty row) are skipped.
    """

    def __init__(self):
        super().__init__()
        self.values = {}
        self._textarea = None
        self._select = None
        self._in_template = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "template":
            self._in_template += 1
        if self._in_template:
            return
        if tag == "option" and self._select is not None and "selected" in attrs:
            self.values[self._select] = attrs.get("value", "")
        if "name" not in attrs:
            return
        if tag == "input":
            if attrs.get("type") == "checkbox":
                if "checked" in attrs:
                    self.values[attrs["name"]] = attrs.get("value") or "on"
                return
            self.values[attrs["name"]] = attrs.get("value") or ""
        elif tag == "textarea":
            self._textarea = attrs["name"]
            self.values[self._textarea] = ""
        elif tag == "select":
            self._select = attrs["name"]

    def handle_endtag(self, tag):
        if tag == "template":
            self._in_template -= 1
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._textarea is not None and not self._in_template:
            # Django writes a newline after <textarea>, which browsers drop.
            self.values[self._textarea] += data.removeprefix("\n")


def form_values(response):
    parser = _FormValues()
    parser.feed(response.content.decode())
    return parser.values
