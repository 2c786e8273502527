"""Stored files (reports, job outputs, API downloads) sent to the person who may have them.

The platform checks who asks; the bytes can then come from nginx rather than from a gunicorn
worker: with ``DUIKOU_MEDIA_ACCEL`` set to nginx's internal location for MEDIA_ROOT
(``/_media/`` in deploy/nginx/duikou.conf), the answer is an empty response carrying
``X-Accel-Redirect`` and nginx sends the file, so a large export does not hold a worker for the
whole transfer. Without the setting (the development server, tests) the file is streamed by
Django as before.
"""

from pathlib import PurePosixPath
from urllib.parse import quote

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.http import FileResponse, Http404, HttpResponse

from . import filetypes
from .filetypes import attachment_disposition, extension_of


def content_type_of(ext: str) -> str:
    """The media type a generated file is served as (by its extension)."""
    if ext == "pdf":
        return filetypes.PDF.content_type
    if ext in filetypes.OOXML:
        return filetypes.OOXML[ext].content_type
    if ext in filetypes.TEXT:
        return filetypes.TEXT[ext]
    return "application/octet-stream"


def stored_file_response(stored, *, fallback: str) -> HttpResponse:
    """The file of a FileField ``stored`` as an attachment named by its stored name (with an
    ASCII ``fallback`` stem for old clients); 404 when the file is no longer in storage."""
    name = PurePosixPath(stored.name).name
    content_type = content_type_of(extension_of(name))
    disposition = attachment_disposition(name, f"{fallback}.{extension_of(name) or 'bin'}")
    accel = settings.DUIKOU_MEDIA_ACCEL
    if accel and isinstance(stored.storage, FileSystemStorage):
        if not stored.storage.exists(stored.name):
            raise Http404("文件已不在存储中")
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = accel.rstrip("/") + "/" + quote(stored.name)
    else:
        try:
            handle = stored.open("rb")
        except FileNotFoundError:
            raise Http404("文件已不在存储中") from None
        response = FileResponse(handle, content_type=content_type)
    response["Content-Disposition"] = disposition
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private"
    return response
