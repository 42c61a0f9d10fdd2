"""The 13-digit Thai national ID (เลขประจำตัวประชาชน): its check digit, and the forms officers
type it in (dashes, spaces, Thai digits)."""

from pythainlp.util import thai_digit_to_arabic_digit

from domain.errors import InvalidInput

SEPARATORS = str.maketrans("", "", " -\u00a0")


def normalise(raw: str) -> str:
    """Digits only: "1-2345-67890-12-1" and Thai digits become "1234567890121"."""
    return thai_digit_to_arabic_digit(str(raw).strip()).translate(SEPARATORS)


def check_digit(first_twelve: str) -> int:
    """The 13th digit: (11 − Σ digit × weight, weights 13…2) mod 11, mod 10."""
    total = sum(int(d) * w for d, w in zip(first_twelve, range(13, 1, -1), strict=True))
    return (11 - total % 11) % 10


def problem(raw: str) -> str | None:
    """What is wrong with a Thai ID (Thai), or None when it is valid."""
    digits = normalise(raw)
    if not digits.isascii() or not digits.isdigit():
        return "เลขประจำตัวประชาชนต้องเป็นตัวเลขเท่านั้น"
    if len(digits) != 13:
        return f"เลขประจำตัวประชาชนต้องมี 13 หลัก (ได้ {len(digits)} หลัก)"
    if digits[0] == "0":
        return "เลขประจำตัวประชาชนขึ้นต้นด้วย 0 ไม่ได้"
    if check_digit(digits[:12]) != int(digits[12]):
        return "เลขประจำตัวประชาชนไม่ถูกต้อง (เลขตรวจสอบหลักที่ 13 ไม่ตรง)"
    return None


def valid_thai_id(raw: str) -> str:
    """The normalised ID, or InvalidInput naming what is wrong."""
    found = problem(raw)
    if found is not None:
        raise InvalidInput(found, field="thai_id")
    return normalise(raw)


def with_check_digit(first_twelve: str) -> str:
    """A valid ID from its first twelve digits (demo data and tests)."""
    return first_twelve + str(check_digit(first_twelve))
