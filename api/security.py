"""Login tokens: signed, time-limited, carrying only the user id."""

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from core.settings import Settings

SALT = "kkm-login"


def issue_token(settings: Settings, user_id: int) -> str:
    return URLSafeTimedSerializer(settings.secret_key, salt=SALT).dumps({"uid": user_id})


def read_token(settings: Settings, token: str) -> int | None:
    """The user id in a valid, unexpired token; None otherwise."""
    try:
        data = URLSafeTimedSerializer(settings.secret_key, salt=SALT).loads(
            token, max_age=settings.token_ttl_hours * 3600
        )
    except (BadSignature, SignatureExpired):
        return None
    uid = data.get("uid") if isinstance(data, dict) else None
    return uid if isinstance(uid, int) else None
