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
    and JSON that is not UTF-8: 422 (the scanners in :mod:`api.body_scanners`).

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
import hashlib
import html
import json
import re
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI, HTTPException

from api.body_scanners import NUL_MESSAGE, scanner_for
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
