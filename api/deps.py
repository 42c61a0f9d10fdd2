"""Dependencies named once: settings, database, the signed-in officer, the case-sync queue."""

import re
from collections.abc import Iterator
from datetime import date
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Path, Query, Request, status
from fastapi.security import OAuth2PasswordBearer
from pydantic import BeforeValidator
from sqlalchemy.engine import Engine
from sqlmodel import Session

from adapters.case_sync import CaseSyncQueue
from api.security import read_token, token_is_current
from core.db import get_engine
from core.settings import Settings, get_settings
from models.people import User

oauth2 = OAuth2PasswordBearer(tokenUrl="/api/auth/token", auto_error=False)
TOKEN_COOKIE = "kkm_token"


async def get_db_engine() -> Engine:
    """Async, as ``get_orchestrator``: FastAPI runs a plain function dependency in its thread
    pool, a trip there and back on every request for what the application already holds."""
    return get_engine()


SettingsDep = Annotated[Settings, Depends(get_settings)]
EngineDep = Annotated[Engine, Depends(get_db_engine)]


def get_session(engine: EngineDep) -> Iterator[Session]:
    with Session(engine, expire_on_commit=False) as session:
        yield session


# Closed when the route returns, before the response is sent: a connection is never held
# while background work runs after the response.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]


def current_user(
    request: Request,
    engine: EngineDep,
    settings: SettingsDep,
    bearer: Annotated[str | None, Depends(oauth2)],
) -> User:
    """The signed-in officer, read in a session of its own that is closed at once: a route
    that then opens its transaction holds one connection, not two. A token issued before the
    user's last logout or deactivation (``token_version``) is refused."""
    token = bearer or request.cookies.get(TOKEN_COOKIE)
    claims = read_token(settings, token) if token else None
    with Session(engine, expire_on_commit=False) as session:
        user = session.get(User, claims.user_id) if claims is not None else None
    if user is None or not token_is_current(claims, user):
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            detail="กรุณาเข้าสู่ระบบ",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return user


CurrentUser = Annotated[User, Depends(current_user)]


async def get_orchestrator(request: Request) -> CaseSyncQueue | None:
    """The application's queue to Prefect; None when Prefect is switched off."""
    return getattr(request.app.state, "case_sync", None)


CaseSyncDep = Annotated[CaseSyncQueue | None, Depends(get_orchestrator)]


async def sync_case_later(
    case_sync: CaseSyncQueue | None, case_type: str, case_id: int, *, new_case: bool = False
) -> None:
    """After the response: queue the case for its flow run to catch up (``new_case``: to be
    started in its turn). If Prefect is down the reconcile sweep does it later; the decision
    is already safe in the database. Async so that it runs on the event loop, where the
    queue lives (it only enqueues)."""
    if case_sync is None:
        return
    if new_case:
        case_sync.request_new(case_type, case_id)
    else:
        case_sync.request(case_type, case_id)


# --------------------------------------------------------------------------- request values
# What a route takes from the path and the query, bounded so that the database can hold it
# (PostgreSQL's INTEGER stops at 2**31-1, SQLite's at 2**63-1): out of range is a 422.

MAX_ID = 2**31 - 1
PathId = Annotated[int, Path(ge=1, le=MAX_ID, description="เลขที่ (1 ถึง 2147483647)")]
"""A row id in the path: every ``{…_id}`` of the routes."""
Limit = Annotated[int, Query(ge=1, le=500, description="จำนวนรายการสูงสุด (1–500)")]
"""How many rows a list answers at most."""


def _iso_date(value: Any) -> Any:
    if isinstance(value, str) and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        raise ValueError("วันที่ต้องอยู่ในรูปแบบ ปปปป-ดด-วว (ค.ศ.) เช่น 2026-01-31")
    return value


IsoDate = Annotated[date, BeforeValidator(_iso_date)]
"""A date in the query as ``YYYY-MM-DD`` only (pydantic alone takes ``0`` as 1970-01-01)."""
