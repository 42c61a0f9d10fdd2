"""Domain errors and invalid forms to HTTP answers with Thai messages; never a bare 500."""

import logging
from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel, Field, ValidationError
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, OperationalError, StatementError
from sqlalchemy.exc import TimeoutError as SQLAlchemyTimeout
from starlette.exceptions import HTTPException

from api.middleware import error_page, is_page
from domain.engine.forms import thai_errors
from domain.errors import (
    Conflict,
    DomainError,
    InvalidInput,
    NotEntitled,
    NotFound,
    TooManyRequests,
)

log = logging.getLogger(__name__)

STATUS = {
    NotFound: 404,
    NotEntitled: 403,
    Conflict: 409,
    InvalidInput: 422,
    TooManyRequests: 429,
}


def status_of(exc: DomainError) -> int:
    """The HTTP status for a domain error (pages use it too)."""
    for cls in type(exc).__mro__:
        if cls in STATUS:
            return STATUS[cls]
    return 400


def headers_of(exc: DomainError) -> dict[str, str] | None:
    """Headers a domain error's answer carries (Retry-After for 429; pages use it too)."""
    if isinstance(exc, TooManyRequests):
        return {"Retry-After": str(exc.retry_after)}
    return None


class FieldError(BaseModel):
    field: str
    message: str
    type: str | None = Field(default=None, description="pydantic's error type, for programs")


class ErrorOut(BaseModel):
    """Every error answer of the JSON API: ``detail`` in Thai; ``errors`` per field for an
    invalid form or request; a domain error may add its own keys (``field``, ``retry_after``)."""

    detail: str
    errors: list[FieldError] | None = None


class Open311ErrorOut(BaseModel):
    code: int
    description: str


ERRORS: dict[int, str] = {
    400: "อ่านข้อมูลที่ส่งมาไม่ได้ (รูปแบบผิด)",
    403: "ไม่มีสิทธิ์",
    404: "ไม่พบ (หรือเลขที่เรื่องและรหัส PIN ไม่ตรงกัน)",
    409: "เรื่องดำเนินไปแล้ว หรือขัดกับข้อมูลที่มีอยู่",
    413: "ข้อมูลที่ส่งมามีขนาดเกินกำหนด (api.middleware)",
    422: "ข้อมูลที่ส่งมาไม่ถูกต้อง หรือมีค่าหรืออักขระที่ระบบจัดเก็บไม่ได้",
    429: "ลองผิดหลายครั้งเกินไป รอตามเวลาใน Retry-After",
    503: "ระบบมีผู้ใช้งานจำนวนมาก ลองใหม่ภายหลัง (Retry-After)",
}
"""The error answers any JSON route may give (``document`` writes them into every operation
of the OpenAPI document; 401 too where the operation needs a signed-in officer)."""
LOGIN_ERROR = (401, "ยังไม่ได้เข้าสู่ระบบ หรือโทเค็นหมดอายุหรือถูกยกเลิก")
OPEN311_ERRORS = {400, 404, 413, 422, 429, 503}
"""Open311 answers its errors in the spec's shape ``[{"code", "description"}]``."""


def _error_content(ref: str, *, many: bool = False) -> dict[str, Any]:
    schema: dict[str, Any] = {"$ref": f"#/components/schemas/{ref}"}
    if many:
        schema = {"type": "array", "items": schema}
    return {"application/json": {"schema": schema}}


def error_responses(doc: dict[str, Any]) -> dict[str, Any]:
    """Add the error answers, in the shape they are sent, to every operation of an OpenAPI
    document: ``ErrorOut`` (FastAPI's own ``HTTPValidationError`` for 422 is not what this API
    sends), Open311's list under /open311. An operation's own content is kept."""
    schemas = doc.setdefault("components", {}).setdefault("schemas", {})
    for model in (ErrorOut, Open311ErrorOut):
        found = model.model_json_schema(ref_template="#/components/schemas/{model}")
        schemas.update(found.pop("$defs", {}))
        schemas[model.__name__] = found
    for path, operations in doc.get("paths", {}).items():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            if path.startswith("/open311/"):
                wanted = {c: ERRORS[c] for c in OPEN311_ERRORS}
                content = {
                    **_error_content(Open311ErrorOut.__name__, many=True),
                    "text/xml": {"schema": {"type": "string"}},  # the .xml format's errors
                }
            else:
                wanted = dict(ERRORS)
                if operation.get("security"):
                    wanted[LOGIN_ERROR[0]] = LOGIN_ERROR[1]
                content = _error_content(ErrorOut.__name__)
            for code, description in wanted.items():
                answer = responses.setdefault(str(code), {"description": description})
                schema = answer.get("content", {}).get("application/json", {}).get("schema", {})
                if not answer.get("content") or "HTTPValidationError" in str(schema):
                    answer["content"] = content
    return doc


def document(app: FastAPI) -> None:
    """The app's OpenAPI document with every error answer (``error_responses``), so that
    clients and the fuzz test (tests/system/test_fuzz.py) can rely on it."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = error_responses(generate())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


THAI_DETAILS = {
    "There was an error parsing the body": "อ่านข้อมูลที่ส่งมาไม่ได้ กรุณาตรวจสอบรูปแบบข้อมูล",
    "Not Found": "ไม่พบสิ่งที่ต้องการ",
    "Method Not Allowed": "ไม่รองรับการเรียกแบบนี้ (HTTP method)",
    "Not authenticated": "กรุณาเข้าสู่ระบบ",
    "Missing boundary in multipart.": "รูปแบบข้อมูล multipart ไม่ถูกต้อง",
}
THAI_DETAIL_PREFIXES = {
    "Part exceeded maximum size": "ข้อมูลบางช่องในแบบฟอร์มมีขนาดเกินกำหนด",
    "Field exceeded maximum size": "ข้อมูลบางช่องในแบบฟอร์มมีขนาดเกินกำหนด",
    "Too many files": "แนบไฟล์มากเกินกำหนด",
    "Too many fields": "แบบฟอร์มมีจำนวนช่องเกินกำหนด",
}


def thai_detail(detail: Any) -> Any:
    """Starlette's and FastAPI's own English messages, in Thai; ours pass unchanged."""
    if not isinstance(detail, str):
        return detail
    if detail in THAI_DETAILS:
        return THAI_DETAILS[detail]
    for prefix, thai in THAI_DETAIL_PREFIXES.items():
        if detail.startswith(prefix):
            return thai
    return detail


def _errors(exc: ValidationError | RequestValidationError) -> list[dict[str, object]]:
    """Each error in Thai (``thai_errors``) with pydantic's type for programs."""
    if isinstance(exc, RequestValidationError):
        exc = ValidationError.from_exception_data("request", list(exc.errors()))  # type: ignore[arg-type]
    types = [e["type"] for e in exc.errors()]
    return [{**e, "type": t} for e, t in zip(thai_errors(exc), types, strict=True)]


def answer(
    request: Request,
    body: dict[str, Any],
    status_code: int,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """An error answer: ``body`` (``ErrorOut``) as it is; under /open311 in the GeoReport v2
    shape ``[{"code", "description"}]``; on a page (one that did not answer its own error) a
    small Thai page."""
    path = request.url.path
    if is_page(path):
        messages = [str(e["message"]) for e in body.get("errors") or []]
        text = body["detail"] + (": " + "; ".join(messages) if messages else "")
        page = error_page(path, text)
        return HTMLResponse(page, status_code=status_code, headers=headers)
    if path.startswith("/open311/"):
        from api.complaints.open311 import error_answer  # api.complaints imports this module

        return error_answer(path, status_code, body["detail"], dict(headers or {}))
    return JSONResponse(body, status_code=status_code, headers=headers)


def install(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def domain_error(request: Request, exc: DomainError) -> Response:
        return answer(
            request,
            {"detail": exc.message, **exc.detail},
            status_of(exc),
            headers=headers_of(exc),
        )

    @app.exception_handler(ValidationError)
    async def form_error(request: Request, exc: ValidationError) -> Response:
        return answer(request, {"detail": "ข้อมูลในแบบฟอร์มไม่ถูกต้อง", "errors": _errors(exc)}, 422)

    @app.exception_handler(SQLAlchemyTimeout)
    @app.exception_handler(OperationalError)
    async def busy(request: Request, exc: Exception) -> Response:
        # The database is saturated (pool exhausted, or locked past every retry): nothing was
        # written; the client may try again.
        return answer(
            request,
            {"detail": "ระบบมีผู้ใช้งานจำนวนมาก กรุณาลองใหม่อีกครั้ง"},
            503,
            headers={"Retry-After": "5"},
        )

    @app.exception_handler(RequestValidationError)
    async def request_error(request: Request, exc: RequestValidationError) -> Response:
        return answer(request, {"detail": "ข้อมูลที่ส่งมาไม่ถูกต้อง", "errors": _errors(exc)}, 422)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        exc.detail = thai_detail(exc.detail)
        path = request.url.path
        if (is_page(path) or path.startswith("/open311/")) and isinstance(exc.detail, str):
            return answer(request, {"detail": exc.detail}, exc.status_code, exc.headers)
        return await http_exception_handler(request, exc)

    @app.exception_handler(DataError)
    @app.exception_handler(OverflowError)
    async def refused_by_database(request: Request, exc: Exception) -> Response:
        # A value the database cannot hold got past the request's checks (a number beyond
        # its integer columns, text it refuses): nothing was written.
        log.info("input refused by the database: %s", exc)
        return answer(
            request,
            {"detail": "ข้อมูลที่ส่งมามีค่าที่ระบบจัดเก็บไม่ได้ (เช่น ตัวเลขเกินขอบเขต) กรุณาตรวจสอบ"},
            422,
        )

    @app.exception_handler(IntegrityError)
    async def collision(request: Request, exc: IntegrityError) -> Response:
        # Still colliding after in_transaction's retries, or a reference to a row that is not
        # there: nothing was written.
        log.warning("integrity error answered 409: %s", exc)
        return answer(request, {"detail": "ข้อมูลขัดกับข้อมูลที่มีอยู่ในระบบ"}, 409)

    @app.exception_handler(StatementError)
    async def statement_error(request: Request, exc: StatementError) -> Response:
        if isinstance(exc, DBAPIError):  # another database error: ours, not the client's
            log.error("database error", exc_info=exc)
            return answer(request, {"detail": "เกิดข้อผิดพลาดในระบบ"}, 500)
        # SQLAlchemy could not even send a value (e.g. of a type the column cannot take).
        log.info("value refused before the database: %s", exc)
        return answer(request, {"detail": "ข้อมูลที่ส่งมามีค่าที่ระบบจัดเก็บไม่ได้ กรุณาตรวจสอบ"}, 422)
