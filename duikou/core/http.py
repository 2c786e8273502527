"""The request class the WSGI server builds: a declared charset is taken only if it can be read."""

import codecs

from django.core.handlers.wsgi import WSGIHandler, WSGIRequest
from django.utils.http import parse_header_parameters


def readable_charset(name: str | None) -> str | None:
    """The charset to decode a request with, from the one it declares: ``utf-8`` for any
    name of UTF-8 (``utf8``, ``UTF_8``); None (read as UTF-8) for a name that is no text
    codec (``base64``, ``zip``), an unknown name, or none."""
    if not name:
        return None
    try:
        codec = codecs.lookup(name)
    except LookupError:
        return None
    if not codec._is_text_encoding:
        return None
    return "utf-8" if codec.name == "utf-8" else name


class Request(WSGIRequest):
    """Django takes any charset Python has a codec of, text or not: ``charset=base64`` on a
    request with a query string failed while the request was being built, before any
    middleware or error page could answer (a bare 500); and a form declared
    ``charset=utf8`` was refused as not UTF-8."""

    def _set_content_type_params(self, meta):
        self.content_type, self.content_params = parse_header_parameters(
            meta.get("CONTENT_TYPE", "")
        )
        charset = readable_charset(self.content_params.get("charset"))
        if charset:
            self.encoding = charset


class Handler(WSGIHandler):
    request_class = Request
