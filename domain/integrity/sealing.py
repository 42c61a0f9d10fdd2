"""Encryption at rest for the sealed channel: AES-256-GCM (``cryptography``), one random nonce
per value, the field's name bound in as associated data (a sealed text cannot be passed off as
another field's), and the key's fingerprint in front so keys can be rotated.

Why not Fernet: a Fernet token carries its creation time to the second in clear, and the time
a report was written is one of the things this channel must not keep.

Keys: ``KKM_INTEGRITY_KEYS``, comma-separated, each 32 random bytes in urlsafe base64
(``python -m domain.integrity.sealing`` prints one); the first seals, all of them open. Unset,
one key is derived from ``KKM_SECRET_KEY`` (HKDF-SHA256), which production already requires to
be long and random. Either way the key is not in the database: a backup of the database alone
opens nothing, and a lost key loses the reports (keep it with the secret key)."""

import base64
import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from core.settings import Settings, get_settings

FORMAT = b"\x01"
NONCE_BYTES = 12
FINGERPRINT_BYTES = 4


class SealBroken(Exception):
    """A sealed value that no configured key opens (wrong key, or tampered bytes)."""


@dataclass(frozen=True)
class Sealer:
    keys: Sequence[bytes]

    def __post_init__(self) -> None:
        if not self.keys or any(len(k) != 32 for k in self.keys):
            raise ValueError("integrity keys must be 32 bytes each (KKM_INTEGRITY_KEYS)")

    @staticmethod
    def fingerprint(key: bytes) -> bytes:
        return hashlib.sha256(b"kkm-integrity-key" + key).digest()[:FINGERPRINT_BYTES]

    def seal(self, plain: str | bytes, *, field: str) -> bytes:
        data = plain.encode("utf-8") if isinstance(plain, str) else plain
        key = self.keys[0]
        nonce = os.urandom(NONCE_BYTES)
        sealed = AESGCM(key).encrypt(nonce, data, field.encode())
        return FORMAT + self.fingerprint(key) + nonce + sealed

    def open_bytes(self, sealed: bytes, *, field: str) -> bytes:
        if not sealed.startswith(FORMAT):
            raise SealBroken("unknown sealed format")
        fingerprint = sealed[1 : 1 + FINGERPRINT_BYTES]
        nonce = sealed[1 + FINGERPRINT_BYTES : 1 + FINGERPRINT_BYTES + NONCE_BYTES]
        body = sealed[1 + FINGERPRINT_BYTES + NONCE_BYTES :]
        for key in self.keys:
            if self.fingerprint(key) == fingerprint:
                try:
                    return AESGCM(key).decrypt(nonce, body, field.encode())
                except InvalidTag:
                    break
        raise SealBroken("no configured key opens this value")

    def open(self, sealed: bytes, *, field: str) -> str:
        return self.open_bytes(sealed, field=field).decode("utf-8")


def _decode_key(text: str) -> bytes:
    return base64.urlsafe_b64decode(text.strip() + "=" * (-len(text.strip()) % 4))


def sealer(settings: Settings | None = None) -> Sealer:
    s = settings or get_settings()
    configured = [k for k in (s.integrity_keys or "").split(",") if k.strip()]
    if configured:
        return Sealer([_decode_key(k) for k in configured])
    derived = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"kkm-integrity-v1"
    ).derive(s.secret_key.encode())
    return Sealer([derived])


if __name__ == "__main__":
    print(base64.urlsafe_b64encode(os.urandom(32)).decode().rstrip("="))
