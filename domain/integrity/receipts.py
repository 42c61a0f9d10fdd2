"""The reporter's receipt code and passphrase: the only way back to a report, since the channel
asks for no account and no e-mail (as GlobaLeaks does).

The code names the report (12 characters from an alphabet without 0/O, 1/I/L: about 59 bits);
the passphrase, chosen by the reporter or given to them, proves it is theirs. Only a salted
scrypt digest of the passphrase is stored. Wrong tries are slowed per receipt code with the
engine's guessing limits; nothing about the caller (no address) is counted or kept."""

import hashlib
import hmac
import re
import secrets
import unicodedata

from pythainlp.util import thai_digit_to_arabic_digit

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
PREFIX = "KKI"
GROUPS, GROUP_LENGTH = 3, 4
MIN_PASSPHRASE = 10
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}


def new_receipt_code() -> str:
    groups = ("".join(secrets.choice(ALPHABET) for _ in range(GROUP_LENGTH)) for _ in range(GROUPS))
    return "-".join([PREFIX, *groups])


def new_passphrase() -> str:
    """Five groups of four lower-case letters and digits (about 100 bits), easy to copy."""
    alphabet = ALPHABET.lower()
    return "-".join("".join(secrets.choice(alphabet) for _ in range(4)) for _ in range(5))


def canonical_code(text: str) -> str | None:
    """``KKI-ABCD-EFGH-JKMN`` however it was typed (spaces, dashes, case, full-width forms);
    None if it cannot be a receipt code."""
    plain = unicodedata.normalize("NFKC", text or "").upper()
    plain = re.sub(r"[\s\-\u2010-\u2015\u2212]+", "", thai_digit_to_arabic_digit(plain))
    if plain.startswith(PREFIX):
        plain = plain[len(PREFIX) :]
    if len(plain) != GROUPS * GROUP_LENGTH or any(ch not in ALPHABET for ch in plain):
        return None
    parts = [plain[i : i + GROUP_LENGTH] for i in range(0, len(plain), GROUP_LENGTH)]
    return "-".join([PREFIX, *parts])


def normalise_passphrase(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").strip()


def passphrase_digest(passphrase: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(normalise_passphrase(passphrase).encode(), salt=salt, **_SCRYPT)
    return f"scrypt${salt.hex()}${digest.hex()}"


def passphrase_matches(passphrase: str, stored: str) -> bool:
    try:
        _, salt, digest = stored.split("$")
    except ValueError:
        return False
    found = hashlib.scrypt(
        normalise_passphrase(passphrase).encode(), salt=bytes.fromhex(salt), **_SCRYPT
    )
    return hmac.compare_digest(found.hex(), digest)


DUMMY_DIGEST = passphrase_digest(secrets.token_hex(16))
"""Checked against when the code is unknown, so that an unknown code takes as long as a wrong
passphrase."""
