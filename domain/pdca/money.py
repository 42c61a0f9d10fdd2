"""Money of the plan: integer satang (1 บาท = 100 สตางค์), read from and written as baht text.
Exact: Decimal in, int out, never float."""

from decimal import Decimal, InvalidOperation

from pythainlp.util import thai_digit_to_arabic_digit

SATANG_PER_BAHT = 100


class AmountError(ValueError):
    """Text that is not an amount of baht (the message is Thai)."""


def parse_baht(text: str) -> int | None:
    """Baht as written in a plan (``130800``, ``130,800``, ``1,234.50``, Thai digits) to satang;
    ``-`` or blank: no amount (None). Negative amounts, more than two decimals and anything
    else are refused."""
    raw = thai_digit_to_arabic_digit(text.strip()).replace(",", "").replace(" ", "")
    if raw in ("", "-", "–", "—"):
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise AmountError(f"“{text.strip()}” ไม่ใช่จำนวนเงิน") from None
    if not value.is_finite():
        raise AmountError(f"“{text.strip()}” ไม่ใช่จำนวนเงิน")
    if value < 0:
        raise AmountError(f"จำนวนเงินติดลบไม่ได้ ({text.strip()})")
    satang = value * SATANG_PER_BAHT
    if satang != satang.to_integral_value():
        raise AmountError(f"จำนวนเงินละเอียดได้ถึงสตางค์เท่านั้น ({text.strip()})")
    return int(satang)


def baht_text(satang: int | None, *, none: str = "-") -> str:
    """``13080000`` → ``130,800``; satang shown only when there are any (``1,234.50``)."""
    if satang is None:
        return none
    baht, rest = divmod(satang, SATANG_PER_BAHT)
    return f"{baht:,}" if rest == 0 else f"{baht:,}.{rest:02d}"


def baht_plain(satang: int | None) -> str:
    """For files another system reads: ``130800.00``, blank for none."""
    if satang is None:
        return ""
    baht, rest = divmod(satang, SATANG_PER_BAHT)
    return f"{baht}.{rest:02d}"
