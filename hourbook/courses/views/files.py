"""Serving private course files (lessons, covers) after an access check, with HTTP Range for seeking.

With `PRIVATE_FILES_ACCEL_PREFIX` set (behind nginx), the app answers with `X-Accel-Redirect` and nginx sends
the bytes, answering Range requests itself. Without it (development, tests), the app answers Range here:
one range per request (206 with exactly those bytes, 416 when unsatisfiable); several ranges get the
whole file (200), as RFC 9110 allows.
"""

import re
from urllib.parse import quote

from django.conf import settings
from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse

RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
CHUNK = 64 * 1024


def parse_range(header: str, size: int) -> tuple[int, int] | bool | None:
    """(first, last) byte positions of a single-range header; None to send it all; False if unsatisfiable."""
    match = RANGE.match(header.strip())
    if not match:
        return None
    first, last = match.groups()
    if first == "" and last == "":
        return None
    if first == "":
        length = int(last)
        if length == 0 or size == 0:
            return False
        return max(0, size - length), size - 1
    start = int(first)
    end = int(last) if last else size - 1
    if start >= size or end < start:
        return False
    return start, min(end, size - 1)


def _stream(handle, start: int, length: int):
    try:
        handle.seek(start)
        left = length
        while left > 0:
            chunk = handle.read(min(CHUNK, left))
            if not chunk:
                break
            left -= len(chunk)
            yield chunk
    finally:
        handle.close()


def serve_private(request: HttpRequest, fieldfile, content_type: str) -> HttpResponse:
    """The bytes of a stored file the caller has already been allowed to read."""
    prefix = settings.PRIVATE_FILES_ACCEL_PREFIX
    if prefix:
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + quote(fieldfile.name)
    else:
        storage, name = fieldfile.storage, fieldfile.name
        size = storage.size(name)
        wanted = parse_range(request.headers.get("Range", ""), size) if "Range" in request.headers else None
        if wanted is False:
            response = HttpResponse(status=416)
            response["Content-Range"] = f"bytes */{size}"
        elif wanted is None:
            response = FileResponse(storage.open(name, "rb"), content_type=content_type)
        else:
            start, end = wanted
            response = StreamingHttpResponse(
                _stream(storage.open(name, "rb"), start, end - start + 1),
                status=206,
                content_type=content_type,
            )
            response["Content-Range"] = f"bytes {start}-{end}/{size}"
            response["Content-Length"] = str(end - start + 1)
        response["Accept-Ranges"] = "bytes"
    response["Content-Disposition"] = "inline"
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
