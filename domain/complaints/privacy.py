"""What of a complaint the public may read, and how a sender is recognised for rate limits.

A complaint's own words (``description``) stay internal. What Open311, the tracking page and
the public JSON show is :func:`public_text`: the centre's public summary once it has released
one, and until then the complainant's text with telephone numbers, 13-digit ID numbers, e-mail
addresses, LINE ids and links masked (:func:`mask_personal_data`).

Names of people in free text cannot be masked reliably (a Thai name is ordinary words, with no
spaces around it and no pattern to find): the centre's summary is what protects them."""

import ipaddress
import re

from models.complaint import Complaint

_D = "[0-9๐-๙]"  # Arabic or Thai digits
_NOT_DIGIT_BEFORE = r"(?<![0-9๐-๙])"
_NOT_DIGIT_AFTER = r"(?![0-9๐-๙])"
_SEP = r"[ \-.]?"

THAI_ID = re.compile(
    # 1-2345-67890-12-3, 1 2345 67890 12 3 or 1234567890123
    rf"{_NOT_DIGIT_BEFORE}{_D}{_SEP}{_D}{{4}}{_SEP}{_D}{{5}}{_SEP}{_D}{{2}}{_SEP}{_D}"
    rf"{_NOT_DIGIT_AFTER}"
)
PHONE = re.compile(
    # 081-234-5678, 0812345678, 043 221 456, 0-4322-1456, +66 81 234 5678, ๐๘๑-๒๓๔-๕๖๗๘, and
    # numbers half hidden by the writer (08x-xxx-xx78), which still give most of one away
    r"(?<![0-9๐-๙A-Za-z+])"
    r"(?:\+\s?66[ \-.]?(?:\(0\))?|0|๐)"
    r"[ \-]?[0-9๐-๙xX](?:[ \-.]?[0-9๐-๙xX]){7,8}"
    r"(?![0-9๐-๙A-Za-z])"
)
EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
LINE_ID = re.compile(
    # "ไลน์ somchai99", "LINE ID: @somchai", "ไอดีไลน์ somchai_k": the label stays, the id goes
    r"((?:(?<![A-Za-z])(?i:line)|ไลน์|ไลน)\s*(?:(?i:id)|ไอดี)?\s*[:：]?\s*"
    r"|ไอดีไลน์\s*[:：]?\s*)"
    r"@?[A-Za-z0-9][A-Za-z0-9._\-]{2,}"
)
LINK = re.compile(r"(?i)\b(?:https?://|www\.)[^\s<>\"']+")

PHONE_MASK = "[เบอร์โทรศัพท์]"
ID_MASK = "[เลขประจำตัวประชาชน]"
EMAIL_MASK = "[อีเมล]"
LINE_MASK = "[ไอดีไลน์]"
LINK_MASK = "[ลิงก์]"


def mask_personal_data(text: str) -> str:
    """``text`` with telephone numbers, 13-digit ID numbers (with or without dashes), e-mail
    addresses, LINE ids and links replaced by a Thai placeholder; the rest unchanged. A link is
    masked too: a public feed must not carry whatever address a sender wants spread."""
    text = LINK.sub(LINK_MASK, text)
    text = EMAIL.sub(EMAIL_MASK, text)
    text = THAI_ID.sub(ID_MASK, text)
    text = PHONE.sub(PHONE_MASK, text)
    return LINE_ID.sub(lambda m: m.group(1) + LINE_MASK, text)


def public_text(complaint: Complaint) -> str:
    """The description anyone may read: the centre's released summary, otherwise the
    complainant's text masked (again, so that a rule added later covers older complaints)."""
    if complaint.public_released_at is not None and complaint.public_description:
        return complaint.public_description
    return mask_personal_data(complaint.public_description or complaint.description)


def masked(text: str | None) -> str | None:
    """``mask_personal_data`` of an optional text: where the problem is (a sender may put a
    number there too), an officer's result or reason shown to the public."""
    return mask_personal_data(text) if text else text


# --------------------------------------------------------------------------- senders

_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")


def phone_key(phone: str | None) -> str | None:
    """One key for every way of writing a telephone number: digits only, Thai digits as
    Arabic, +66 / 66 as the leading 0 (081-234-5678, +66 81 234 5678 → 0812345678)."""
    if not phone:
        return None
    digits = re.sub(r"\D", "", phone.translate(_DIGITS))
    if digits.startswith("66") and len(digits) in (10, 11):
        digits = "0" + digits[2:]
    return digits or None


def email_key(email: str | None) -> str | None:
    """An e-mail address compared without case or surrounding space."""
    key = (email or "").strip().lower()
    return key or None


def client_key(host: str | None) -> str | None:
    """The client's address as a rate-limit key; an IPv6 address by its /64 network (one
    household or phone gets a whole /64 and may use any address in it)."""
    if not host:
        return None
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host  # a name given by a test client or proxy: compared as it is
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)
