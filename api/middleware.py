"""What every request and every response goes through, outside the whole application (even
outside Starlette's 500 handler, so that an error page carries the headers too):

* **The request guard** (:class:`RequestGuard`) refuses, before any route sees it:

  - a body larger than the limit, **as it arrives**: by its ``Content-Length`` at once, else by
    counting the bytes as they stream in (chunked), so a 200 MB body is never read whole: 413.
    Two limits (``core.settings``): ``KKM_MAX_UPLOAD_BODY_BYTES`` (40 MB: five 5 MB photos in
    base64 and the form) on the routes that take photos or files (:data:`UPLOAD_ROUTES`), and
    ``KKM_MAX_BODY_BYTES`` (1 MB) on every other route, the LINE webhook included;
  - text a database cannot hold, checked as the body streams (nothing is buffered): the NUL
    character (PostgreSQL refuses it in text) in the path, the query or a body (raw, ``%00``
    in a form, ``\\u0000`` in JSON, also in the JSON of a multipart text field), a lone UTF-16
    surrogate in JSON (``\\ud800`` without its pair: neither database nor UTF-8 can encode it)
    and JSON that is not UTF-8: 422.

  Answers are Thai: Open311's ``[{"code", "description"}]`` under /open311, a small HTML page
  on the pages (:data:`PAGE_PREFIXES`), JSON ``{"detail", "errors"}`` everywhere else.

* **Security headers** (:data:`HEADERS`) on every response: a Content-Security-Policy
  that allows only the site's own scripts, styles and images (no inline script or style), no
  framing (``frame-ancestors 'none'``, ``X-Frame-Options: DENY``), ``X-Content-Type-Options:
  nosniff`` and ``Referrer-Policy: no-referrer`` (tracking links carry the complaint number).
  A response that sets its own Content-Security-Policy keeps it: the printable receipts and
  the monthly report are mail HTML with inline styles (:data:`DOCUMENT_CSP`: styles only, no
  script at all), photos are served sandboxed (:func:`photo_headers`). FastAPI's /docs and
  /redoc load Swagger UI / ReDoc from their CDN and start them with an inline script: there
  (only) the policy allows that CDN and the inline scripts by their SHA-256 hash, computed
  from the page as it is sent (:func:`docs_csp`), never ``'unsafe-inline'`` for scripts.
"""

import base64
import codecs
import hashlib
import html
import json
import re
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI, HTTPException
from python_multipart.multipart import MultipartParser, parse_options_header

from core.settings import get_settings

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)
DOCUMENT_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; font-src 'self'; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)
"""For mail HTML served as a page (receipts, the monthly report): inline styles, no script."""
DOCUMENT_HEADERS = {"Content-Security-Policy": DOCUMENT_CSP}
PHOTO_CSP = "default-src 'none'; img-src 'self'; sandbox; frame-ancestors 'none'"
"""A stored photo, even one whose bytes after the image header are HTML, is only an image."""
PHOTO_TYPES = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}

HEADERS = {
    b"content-security-policy": CSP.encode(),
    b"x-frame-options": b"DENY",
    b"x-content-type-options": b"nosniff",
    b"referrer-policy": b"no-referrer",
}

DOCS_SOURCES = {
    "script": "https://cdn.jsdelivr.net",
    "style": "'unsafe-inline' https://cdn.jsdelivr.net https://fonts.googleapis.com",
    "img": "data: https://fastapi.tiangolo.com https://cdn.redoc.ly",
    "font": "https://fonts.gstatic.com",
}

UPLOAD_ROUTES = tuple(
    re.compile(p)
    for p in (
        r"/api/complaints(/public)?(/multipart)?",  # JSON with base64 photos, or multipart
        r"/api/complaints/[^/]+/evidence",
        r"/complaints/new",  # the citizens' web form
        r"/pages/complaints/[^/]+/evidence",
        r"/api/pdca/plans/import",  # CSV files, 2 MB each (domain.pdca.import_common.MAX_BYTES)
        r"/pages/pdca/import",
        r"/api/pdca/rounds/(reports/)?[^/]+/import",  # round results, CSV or XLSX, 2 MB
        r"/api/pdca/history/import",
        r"/pages/pdca/rounds/(reports/)?[^/]+/import",
        r"/(api|pages)/screening/rounds/[^/]+/imports",  # nominations, CSV or XLSX, 10 MB
        r"/(api|pages)/pdca/reports/[^/]+/evidence",  # a round's evidence file, 5 MB
    )
)
"""Routes that take files (POST): the upload limit; every other route has the small one. A
route that takes files must be here (tests/system/test_input_limits.py checks the API's)."""


def photo_headers(photo_id: int, content_type: str) -> tuple[str, dict[str, str]]:
    """(media type, headers) to serve a stored photo: only ever as the image type its bytes
    were checked to be (``sniff_image``), inline with a harmless file name, sandboxed."""
    ext = PHOTO_TYPES.get(content_type)
    if ext is None:  # not one of ours: a download, never rendered
        return "application/octet-stream", {
            "Content-Disposition": f'attachment; filename="photo-{photo_id}.bin"',
            "Content-Security-Policy": PHOTO_CSP,
        }
    return content_type, {
        "Content-Disposition": f'inline; filename="photo-{photo_id}.{ext}"',
        "Content-Security-Policy": PHOTO_CSP,
    }


def mib(n: int) -> str:
    return f"{n / (1024 * 1024):g} MB"


# --------------------------------------------------------------------------- text checks

NUL_MESSAGE = "ข้อมูลที่ส่งมามีอักขระ NUL (รหัส 0) ซึ่งระบบจัดเก็บไม่ได้ กรุณาลบอักขระนี้ออก"
SURROGATE_MESSAGE = "ข้อมูลที่ส่งมามีรหัสอักขระ Unicode ที่ไม่สมบูรณ์ (surrogate ที่ไม่มีคู่) ซึ่งระบบจัดเก็บไม่ได้"
UTF8_MESSAGE = "ข้อมูลที่ส่งมาต้องเข้ารหัสแบบ UTF-8"

_ESCAPE = re.compile(rb"(\\+)u([0-9a-fA-F]{4})")
_HEX = frozenset(b"0123456789abcdefABCDEF")


class JsonEscapes:
    """Finds ``\\u0000`` and unpaired surrogate escapes in JSON text fed in pieces of any
    size (an escape may be cut between two pieces; only an odd run of backslashes escapes)."""

    def __init__(self) -> None:
        self.carry = b""
        self.want_low = False  # the text so far ended right after a high surrogate escape

    def feed(self, chunk: bytes, *, final: bool = False) -> str | None:
        data = self.carry + chunk
        cut = len(data) if final else _unfinished_escape(data)
        self.carry = data[cut:]
        if len(self.carry) > 64:  # a long run of backslashes: only its parity matters
            run = len(self.carry) - len(self.carry.lstrip(b"\\"))
            self.carry = b"\\" * (2 - run % 2) + self.carry[run:]
        problem = self._scan(data[:cut])
        if problem is None and final and (self.want_low or self.carry):
            problem = SURROGATE_MESSAGE if self.want_low else None
        return problem

    def _scan(self, text: bytes) -> str | None:
        expect_low_at: int | None = 0 if self.want_low else None
        self.want_low = False
        for m in _ESCAPE.finditer(text):
            escaped = len(m.group(1)) % 2 == 1
            start = m.end(1) - 1
            code = int(m.group(2), 16)
            if expect_low_at is not None:
                if escaped and start == expect_low_at and 0xDC00 <= code <= 0xDFFF:
                    expect_low_at = None
                    continue
                return SURROGATE_MESSAGE
            if not escaped:
                continue
            if code == 0:
                return NUL_MESSAGE
            if 0xD800 <= code <= 0xDBFF:
                expect_low_at = m.end()
            elif 0xDC00 <= code <= 0xDFFF:
                return SURROGATE_MESSAGE
        if expect_low_at is not None:
            if expect_low_at < len(text):
                return SURROGATE_MESSAGE
            self.want_low = True
        return None


def _unfinished_escape(data: bytes) -> int:
    """Where an escape that the next piece may complete begins (``len(data)`` if none): a
    trailing run of backslashes, optionally followed by ``u`` and up to three hex digits."""
    end = len(data)
    i = end
    while i > 0 and end - i < 3 and data[i - 1] in _HEX:
        i -= 1
    if i > 0 and data[i - 1 : i] == b"u":
        i -= 1
    elif i != end:
        return end  # hex digits not after a ``u``: nothing unfinished
    if i == 0 or data[i - 1 : i] != b"\\":
        return end
    while i > 0 and data[i - 1 : i] == b"\\":
        i -= 1
    return i


class Scanner:
    """Checks a body as it streams by; ``feed`` returns a Thai problem or None."""

    def feed(self, chunk: bytes, *, final: bool) -> str | None:
        return None


class JsonScanner(Scanner):
    """JSON: UTF-8, no raw NUL, no ``\\u0000``, no unpaired surrogate escape."""

    def __init__(self) -> None:
        self.utf8 = codecs.getincrementaldecoder("utf-8")("strict")
        self.escapes = JsonEscapes()

    def feed(self, chunk: bytes, *, final: bool) -> str | None:
        if b"\x00" in chunk:
            return NUL_MESSAGE
        try:
            self.utf8.decode(chunk, final)
        except UnicodeDecodeError:
            return UTF8_MESSAGE
        return self.escapes.feed(chunk, final=final)


class FormScanner(Scanner):
    """application/x-www-form-urlencoded: no raw NUL and no ``%00`` (decoding the rest never
    makes a surrogate: Starlette replaces invalid UTF-8)."""

    def __init__(self) -> None:
        self.tail = b""

    def feed(self, chunk: bytes, *, final: bool) -> str | None:
        data = self.tail + chunk
        self.tail = data[-2:]
        if b"\x00" in data or b"%00" in data:
            return NUL_MESSAGE
        return None


class MultipartScanner(Scanner):
    """multipart/form-data, parsed as it streams (python-multipart, as Starlette does): text
    fields (parts without a file name) may hold no NUL, raw or as a JSON escape (a field may
    carry JSON, e.g. ``complaint``); files are not looked into (photos are binary)."""

    def __init__(self, boundary: bytes) -> None:
        self.problem: str | None = None
        self.broken = False
        self.headers: dict[bytes, bytes] = {}
        self.header_field = b""
        self.header_value = b""
        self.text: JsonEscapes | None = None
        self.parser = MultipartParser(
            boundary,
            callbacks={
                "on_part_begin": self._part_begin,
                "on_header_field": self._header_field,
                "on_header_value": self._header_value,
                "on_header_end": self._header_end,
                "on_headers_finished": self._headers_finished,
                "on_part_data": self._part_data,
                "on_part_end": self._part_end,
            },
        )

    def feed(self, chunk: bytes, *, final: bool) -> str | None:
        if not self.broken and chunk:
            try:
                self.parser.write(chunk)
            except Exception:  # malformed: Starlette will say so to the route
                self.broken = True
        return self.problem

    def _part_begin(self) -> None:
        self.headers, self.text = {}, None

    def _header_field(self, data: bytes, start: int, end: int) -> None:
        self.header_field += data[start:end]

    def _header_value(self, data: bytes, start: int, end: int) -> None:
        self.header_value += data[start:end]

    def _header_end(self) -> None:
        self.headers[self.header_field.lower()] = self.header_value
        self.header_field = self.header_value = b""

    def _headers_finished(self) -> None:
        _, options = parse_options_header(self.headers.get(b"content-disposition", b""))
        self.text = None if b"filename" in options else JsonEscapes()

    def _part_data(self, data: bytes, start: int, end: int) -> None:
        if self.text is None or self.problem is not None:
            return
        piece = data[start:end]
        self.problem = NUL_MESSAGE if b"\x00" in piece else self.text.feed(piece)

    def _part_end(self) -> None:
        if self.text is not None and self.problem is None:
            self.problem = self.text.feed(b"", final=True)


def scanner_for(content_type: bytes | None) -> Scanner:
    kind, options = parse_options_header(content_type or b"application/json")
    if kind == b"application/json" or kind.endswith(b"+json"):
        return JsonScanner()
    if kind == b"application/x-www-form-urlencoded":
        return FormScanner()
    if kind == b"multipart/form-data" and options.get(b"boundary"):
        return MultipartScanner(options[b"boundary"])
    return Scanner()


# --------------------------------------------------------------------------- the guard


class RequestRefused(HTTPException):
    """Raised from ``receive`` when the body is refused as it arrives: the route never gets
    the rest of it, and whatever it answers is replaced by the guard's answer."""


@dataclass
class Refusal:
    status: int
    message: str
    where: str  # body, path, query


PAGE_PREFIXES = ("/pages/", "/complaints/", "/pdca/")
"""Paths of HTML pages: an error there is a page, not JSON (api.errors.answer too)."""


def is_page(path: str) -> bool:
    return path.startswith(PAGE_PREFIXES)


def error_page(path: str, message: str) -> bytes:
    """A small Thai page for an error answered before (or outside) the page's own handling."""
    back = html.escape(path if path.startswith(PAGE_PREFIXES) and "\x00" not in path else "/")
    return (
        '<!doctype html><html lang="th"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<title>ทำรายการไม่สำเร็จ · เทศบาลนครขอนแก่น</title>"
        '<link rel="stylesheet" href="/static/style.css"></head>'
        '<body><main class="wrap"><section class="card"><h1>ทำรายการไม่สำเร็จ</h1>'
        f'<p class="error">{html.escape(message)}</p>'
        f'<p><a class="button" href="{back}">กลับ</a></p>'
        "</section></main></body></html>"
    ).encode()


def _refusal_body(path: str, refusal: Refusal) -> tuple[bytes, bytes]:
    """(content type, body) in the shape the caller of this path reads."""
    if path.startswith("/open311/"):
        from api.complaints.open311 import error_answer  # imported late: api.complaints is big

        shaped = error_answer(path, refusal.status, refusal.message)
        return shaped.media_type.encode() if shaped.media_type else b"", bytes(shaped.body)
    if is_page(path):
        return b"text/html; charset=utf-8", error_page(path, refusal.message)
    data = {
        "detail": refusal.message,
        "errors": [{"field": refusal.where, "message": refusal.message, "type": "refused"}],
    }
    return b"application/json", json.dumps(data, ensure_ascii=False).encode()


@dataclass
class _Exchange:
    refusal: Refusal | None = None
    answered: bool = False
    started: bool = False
    received: int = 0
    docs_start: Message | None = None
    docs_body: list[bytes] = field(default_factory=list)


def _header(scope: Scope, name: bytes) -> bytes | None:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return bytes(value)
    return None


class RequestGuard:
    """The body limit, the text checks and the security headers, around the whole app."""

    def __init__(self, app: ASGIApp, *, docs_paths: set[str] | None = None) -> None:
        self.app = app
        self.docs_paths = docs_paths or set()

    def limit_for(self, scope: Scope) -> int:
        settings = get_settings()
        path = scope.get("path", "")
        if scope.get("method") == "POST" and any(p.fullmatch(path) for p in UPLOAD_ROUTES):
            return settings.max_upload_body_bytes
        return settings.max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        ex = _Exchange()
        ex.refusal = _refuse_url(scope)
        limit = self.limit_for(scope)
        length = _header(scope, b"content-length")
        if ex.refusal is None and length is not None and length.strip().isdigit():
            if int(length) > limit:
                ex.refusal = Refusal(413, too_large_message(limit), "body")
        if ex.refusal is not None:
            await _answer(send, path, ex.refusal)
            return
        scanner = scanner_for(_header(scope, b"content-type"))

        async def guarded_receive() -> Message:
            if ex.refusal is not None:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] != "http.request":
                return message
            body = message.get("body", b"")
            ex.received += len(body)
            if ex.received > limit:
                ex.refusal = Refusal(413, too_large_message(limit), "body")
            else:
                problem = scanner.feed(body, final=not message.get("more_body", False))
                if problem is not None:
                    ex.refusal = Refusal(422, problem, "body")
            if ex.refusal is not None:
                raise RequestRefused(ex.refusal.status, ex.refusal.message)
            return message

        async def guarded_send(message: Message) -> None:
            if ex.refusal is not None and not ex.started:
                if not ex.answered:
                    ex.answered = True
                    await _answer(send, path, ex.refusal)
                return  # the route's own answer to a refused body is dropped
            if message["type"] == "http.response.start":
                ex.started = True
                message["headers"] = _with_security_headers(message.get("headers", []))
                if path in self.docs_paths:
                    ex.docs_start = message  # sent with the body, once its scripts are hashed
                    return
            elif message["type"] == "http.response.body" and ex.docs_start is not None:
                ex.docs_body.append(message.get("body", b""))
                if message.get("more_body", False):
                    return
                body = b"".join(ex.docs_body)
                start, ex.docs_start = ex.docs_start, None
                start["headers"] = [
                    (k, docs_csp(body).encode() if k.lower() == b"content-security-policy" else v)
                    for k, v in start["headers"]
                ]
                await send(start)
                await send({"type": "http.response.body", "body": body})
                return
            await send(message)

        try:
            await self.app(scope, guarded_receive, guarded_send)
        except RequestRefused:
            pass
        except Exception:
            if ex.refusal is None:
                raise
        if ex.refusal is not None and not ex.answered and not ex.started:
            ex.answered = True
            await _answer(send, path, ex.refusal)


def too_large_message(limit: int) -> str:
    return f"ข้อมูลที่ส่งมามีขนาดเกิน {mib(limit)} ซึ่งเป็นขนาดสูงสุดที่รับได้"


def _refuse_url(scope: Scope) -> Refusal | None:
    if "\x00" in scope.get("path", ""):
        return Refusal(422, NUL_MESSAGE, "path")
    query = scope.get("query_string", b"")
    if b"\x00" in query or b"%00" in query:
        return Refusal(422, NUL_MESSAGE, "query")
    return None


async def _answer(send: Send, path: str, refusal: Refusal) -> None:
    content_type, body = _refusal_body(path, refusal)
    headers = [
        (b"content-type", content_type),
        (b"content-length", str(len(body)).encode()),
        (b"connection", b"close"),  # the rest of the body is not read
    ]
    await send(
        {
            "type": "http.response.start",
            "status": refusal.status,
            "headers": _with_security_headers(headers),
        }
    )
    await send({"type": "http.response.body", "body": body})


def _with_security_headers(headers: Any) -> list[tuple[bytes, bytes]]:
    out = [(bytes(k), bytes(v)) for k, v in headers]
    present = {k.lower() for k, _ in out}
    out.extend((k, v) for k, v in HEADERS.items() if k not in present)
    return out


_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.S | re.I)


def docs_csp(page: bytes) -> str:
    """The policy of FastAPI's documentation pages: their CDN, and their inline scripts by
    hash (whatever FastAPI's version writes there, as it was sent)."""
    scripts = [DOCS_SOURCES["script"]] + [
        "'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'"
        for s in _INLINE_SCRIPT.findall(page.decode("utf-8", "replace"))
    ]
    return (
        f"default-src 'self'; script-src 'self' {' '.join(scripts)}; "
        f"style-src 'self' {DOCS_SOURCES['style']}; img-src 'self' {DOCS_SOURCES['img']}; "
        f"font-src 'self' {DOCS_SOURCES['font']}; worker-src 'self' blob:; connect-src 'self'; "
        "frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
    )


def install(app: FastAPI) -> None:
    """Put the guard outside everything the app builds (its error handlers included)."""
    docs_paths = {p for p in (app.docs_url, app.redoc_url) if p}
    if app.docs_url and app.swagger_ui_oauth2_redirect_url:
        docs_paths.add(app.swagger_ui_oauth2_redirect_url)
    build = app.build_middleware_stack

    def build_guarded() -> ASGIApp:
        return RequestGuard(build(), docs_paths=docs_paths)

    app.build_middleware_stack = build_guarded  # type: ignore[method-assign]
