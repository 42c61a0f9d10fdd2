"""Officers' accounts: password hashing (scrypt from the standard library), sign-in with
guessing slowed down per username and per client (``domain.engine.guessing``), and the token
version that ends every login of a user at once."""

import hashlib
import hmac
import secrets
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from core.db import utcnow
from domain.engine import guessing
from domain.errors import NotEntitled
from models.people import User

_SCRYPT = {"n": 2**14, "r": 8, "p": 1}

SIGN_IN_REFUSED = "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง"
"""One answer for an unknown username, an inactive account and a wrong password."""

_NOBODY = (
    "scrypt$000102030405060708090a0b0c0d0e0f$5ff14bd53a47ed8bae495ddd19d91ce98831e74ee8f54c03d8"
    "f7d7e79e31d195c0237b53c389ab44a8ff790889bb0ceff152fb20dbdd36a7d3d7a04cd6affabf"
)
"""A well-formed hash that no account has: an unknown username is checked against it, so it
costs the same scrypt as a known one and the answer's timing tells nothing."""


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, **_SCRYPT)
    return f"scrypt${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, salt_hex, digest_hex = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    digest = hashlib.scrypt(password.encode(), salt=bytes.fromhex(salt_hex), **_SCRYPT)
    return hmac.compare_digest(digest.hex(), digest_hex)


def pin_digest(pin: str, *, number: str, secret: str) -> str:
    """A complaint's PIN, keyed with the server's secret (HMAC-SHA256). Six digits are too few
    for a slow hash to protect offline anyway; the key kept outside the database is what does,
    and checking costs microseconds instead of the 36 ms scrypt took on every intake (B1)."""
    mac = hmac.new(secret.encode(), f"{number}:{pin}".encode(), hashlib.sha256).hexdigest()
    return f"hmac-sha256${mac}"


def verify_pin(pin: str, *, number: str, secret: str, stored: str) -> bool:
    return hmac.compare_digest(pin_digest(pin, number=number, secret=secret), stored)


def sign_in(
    engine: Engine,
    *,
    username: str,
    password: str,
    client: str | None,
    now: datetime | None = None,
) -> User:
    """The officer whose username and password these are. Every failure gets the same
    ``NotEntitled`` after the same work (lookup, one scrypt, the counters); while the username
    or the client (the caller's address) is held back after wrong tries, ``TooManyRequests``
    (429) with the wait, for the right password too. Counters are written in transactions of
    their own: call it outside any unit of work."""
    now = now or utcnow()
    limits = guessing.guard("login")
    who = guessing.client_key(client)
    name = username.strip()
    target = name.casefold()
    guessing.begin_try(engine, limits, target=target, client=who, now=now)
    with Session(engine, expire_on_commit=False) as session:  # a read: no writers' turn
        user = session.exec(select(User).where(User.username == name)).first()
    right = verify_password(password, user.password_hash if user is not None else _NOBODY)
    if user is None or not user.active or not right:
        guessing.failed(engine, limits, client=who, now=now)
        raise NotEntitled(SIGN_IN_REFUSED)
    guessing.succeeded(engine, limits, target=target)
    return user


def end_logins(session: Session, user_id: int) -> None:
    """Raise the user's token version: every token issued before stops working (logout,
    deactivation). One UPDATE, so two at once both count."""
    session.execute(
        sa.update(User)
        .where(col(User.id) == user_id)
        .values(token_version=col(User.token_version) + 1)
    )
