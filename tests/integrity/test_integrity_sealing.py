"""Sealing at rest: AES-GCM with the field bound in, key rotation, no time inside."""

import base64
import os

import pytest

from core.settings import Settings
from domain.integrity.sealing import SealBroken, Sealer, sealer


def key() -> bytes:
    return os.urandom(32)


def test_a_sealed_value_opens_only_as_its_own_field() -> None:
    s = Sealer([key()])
    sealed = s.seal("นายก เรียกรับเงิน", field="report.text")
    assert "เรียกรับ".encode() not in sealed
    assert s.open(sealed, field="report.text") == "นายก เรียกรับเงิน"
    with pytest.raises(SealBroken):
        s.open(sealed, field="report.identity")
    # The same text seals differently each time (a fresh nonce): equal texts cannot be matched.
    assert s.seal("x", field="f") != s.seal("x", field="f")


def test_tampered_bytes_or_another_key_do_not_open() -> None:
    s = Sealer([key()])
    sealed = bytearray(s.seal("ข้อความ", field="f"))
    sealed[-1] ^= 1
    with pytest.raises(SealBroken):
        s.open(bytes(sealed), field="f")
    with pytest.raises(SealBroken):
        Sealer([key()]).open(s.seal("ข้อความ", field="f"), field="f")


def test_rotation_seals_with_the_first_key_and_opens_with_any() -> None:
    old, new = key(), key()
    before = Sealer([old]).seal("เก่า", field="f")
    rotated = Sealer([new, old])
    assert rotated.open(before, field="f") == "เก่า"
    after = rotated.seal("ใหม่", field="f")
    with pytest.raises(SealBroken):
        Sealer([old]).open(after, field="f")


def test_keys_from_settings_or_derived_from_the_secret_key() -> None:
    text_key = base64.urlsafe_b64encode(key()).decode().rstrip("=")
    configured = sealer(Settings(integrity_keys=text_key))
    assert configured.keys[0] == base64.urlsafe_b64decode(text_key + "=")
    derived_a = sealer(Settings(secret_key="a" * 40))
    derived_b = sealer(Settings(secret_key="b" * 40))
    assert derived_a.keys != derived_b.keys
    sealed = derived_a.seal("x", field="f")
    assert sealer(Settings(secret_key="a" * 40)).open(sealed, field="f") == "x"
    with pytest.raises(ValueError):
        Sealer([b"short"])
