"""Sign-in and sign-out for officers."""

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response, status
from fastapi.security import OAuth2PasswordRequestForm

from api.deps import CurrentUser, EngineDep, SettingsDep
from api.schemas import Token
from api.security import client_of, issue_token
from domain.engine import service
from domain.engine.accounts import sign_in
from models.people import UserPublic

router = APIRouter(prefix="/api", tags=["auth"])


@router.post(
    "/auth/token",
    response_model=Token,
    responses={
        403: {"description": "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง"},
        429: {"description": "ลองผิดหลายครั้ง: รอตาม Retry-After แล้วลองใหม่"},
    },
)
def login(
    request: Request,
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    engine: EngineDep,
    settings: SettingsDep,
) -> Token:
    """A bearer token for the username and password. Wrong passwords are slowed down per
    username and per client: after a few, 429 with Retry-After (seconds)."""
    user = sign_in(
        engine, username=form.username, password=form.password, client=client_of(request)
    )
    return Token(access_token=issue_token(settings, user))


@router.post("/auth/logout", status_code=status.HTTP_204_NO_CONTENT)
def logout(user: CurrentUser, engine: EngineDep) -> Response:
    """Sign out everywhere: this token and every other token of the user stop working (the
    pages' cookie too)."""
    service.sign_out(engine, user_id=user.id)  # type: ignore[arg-type]
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/me", response_model=UserPublic)
def me(user: CurrentUser) -> UserPublic:
    return UserPublic.model_validate(user, from_attributes=True)
