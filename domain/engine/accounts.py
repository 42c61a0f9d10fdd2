"""Officers' accounts: password hashing (scrypt from the standard library) and sign-in."""

import hashlib
import hmac
import secrets

from sqlmodel import Session, select

from domain.errors import NotEntitled
from models.people import User

_SCRYPT = {"n": 2**14, "r": 8, "p": 1}


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


def authenticate(session: Session, *, username: str, password: str) -> User:
    user = session.exec(select(User).where(User.username == username)).first()
    if user is None or not user.active or not verify_password(password, user.password_hash):
        raise NotEntitled("ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง")
    return user
