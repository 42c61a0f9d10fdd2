"""Domain errors and invalid forms to HTTP answers with Thai messages; never a bare 500."""

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as SQLAlchemyTimeout

from domain.engine.forms import thai_errors
from domain.errors import Conflict, DomainError, InvalidInput, NotEntitled, NotFound

STATUS = {NotFound: 404, NotEntitled: 403, Conflict: 409, InvalidInput: 422}


def status_of(exc: DomainError) -> int:
    """The HTTP status for a domain error (pages use it too)."""
    for cls in type(exc).__mro__:
        if cls in STATUS:
            return STATUS[cls]
    return 400


def _errors(exc: ValidationError | RequestValidationError) -> list[dict[str, object]]:
    """Each error in Thai (``thai_errors``) with pydantic's type for programs."""
    if isinstance(exc, RequestValidationError):
        exc = ValidationError.from_exception_data("request", list(exc.errors()))  # type: ignore[arg-type]
    types = [e["type"] for e in exc.errors()]
    return [{**e, "type": t} for e, t in zip(thai_errors(exc), types, strict=True)]


def install(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def domain_error(_: Request, exc: DomainError) -> JSONResponse:
        return JSONResponse({"detail": exc.message, **exc.detail}, status_code=status_of(exc))

    @app.exception_handler(ValidationError)
    async def form_error(_: Request, exc: ValidationError) -> JSONResponse:
        return JSONResponse(
            {"detail": "ข้อมูลในแบบฟอร์มไม่ถูกต้อง", "errors": _errors(exc)}, status_code=422
        )

    @app.exception_handler(SQLAlchemyTimeout)
    @app.exception_handler(OperationalError)
    async def busy(_: Request, exc: Exception) -> JSONResponse:
        # The database is saturated (pool exhausted, or locked past every retry): nothing was
        # written; the client may try again.
        return JSONResponse(
            {"detail": "ระบบมีผู้ใช้งานจำนวนมาก กรุณาลองใหม่อีกครั้ง"},
            status_code=503,
            headers={"Retry-After": "5"},
        )

    @app.exception_handler(RequestValidationError)
    async def request_error(_: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse({"detail": "ข้อมูลที่ส่งมาไม่ถูกต้อง", "errors": _errors(exc)}, status_code=422)
