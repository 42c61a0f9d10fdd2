"""Login tokens: signed, time-limited, carrying the user id and the user's token version
(``user.token_version``): raising the version (logout, deactivation) ends every older token."""

from dataclasses import dataclass

from fastapi import Request
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from core.settings import Settings
from models.people import User

SALT = "kkm-login"


@dataclass(frozen=True)
class TokenClaims:
    user_id: int
    version: int


def _serializer(settings: Settings) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(settings.secret_key, salt=SALT)


def issue_token(settings: Settings, user: User) -> str:
    return _serializer(settings).dumps({"uid": user.id, "v": user.token_version})


def read_token(settings: Settings, token: str) -> TokenClaims | None:
    """What a valid, unexpired token says; None otherwise (also for a token without a version,
    issued before versions existed)."""
    try:
        data = _serializer(settings).loads(token, max_age=settings.token_ttl_hours * 3600)
    except (BadSignature, SignatureExpired):
        return None
    if not isinstance(data, dict):
        return None
    uid, version = data.get("uid"), data.get("v")
    if not isinstance(uid, int) or not isinstance(version, int):
        return None
    return TokenClaims(uid, version)


def token_is_current(claims: TokenClaims | None, user: User | None) -> bool:
    """The token belongs to this active user and was issued since the last logout."""
    return (
        claims is not None
        and user is not None
        and user.active
        and user.id == claims.user_id
        and user.token_version == claims.version
    )


def client_of(request: Request) -> str | None:
    """The caller's address, as the server sees it (behind a reverse proxy, run uvicorn with
    ``--proxy-headers --forwarded-allow-ips=<proxy>`` so that this is the real client)."""
    return request.client.host if request.client is not None else None
