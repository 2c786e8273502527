"""Limits of imports and exports. Each may be set in settings (or the environment)."""

import os

from django.conf import settings

DEFAULTS = {
    # An upload larger than this is refused before it is opened.
    "DUIKOU_IMPORT_MAX_BYTES": 50 * 1024 * 1024,
    # What an .xlsx may unpack to (zip bombs declare huge sizes in their directory).
    "DUIKOU_IMPORT_MAX_UNCOMPRESSED": 500 * 1024 * 1024,
    "DUIKOU_IMPORT_MAX_ROWS": 200_000,
    # Files with more data rows than this, or more bytes than the next, are read, checked
    # and written by the background worker; the web request only measures them.
    "DUIKOU_IMPORT_SYNC_ROWS": 3_000,
    "DUIKOU_IMPORT_SYNC_BYTES": 2 * 1024 * 1024,
    # Exports with more rows than this are written by the background worker.
    "DUIKOU_EXPORT_SYNC_ROWS": 20_000,
    # Publish investment deals in the IATI file too (1) or not (0, the default): they are
    # enterprises' investments, not aid activities.
    "DUIKOU_IATI_DEALS": 0,
}


def setting(name: str):
    if hasattr(settings, name):
        return getattr(settings, name)
    default = DEFAULTS[name]
    raw = os.environ.get(name)
    if raw is None:
        return default
    return int(raw) if isinstance(default, int) else raw
