"""The request guard's checks of text a database cannot hold, run on a body as it streams in
(nothing is buffered): the NUL character raw, as ``%00`` in a form or ``\\u0000`` in JSON (also
in the JSON of a multipart text field), a lone UTF-16 surrogate escape in JSON, and JSON that is
not UTF-8. Each scanner's ``feed`` answers the Thai problem or None (``api.middleware``)."""

import codecs
import re

from python_multipart.multipart import MultipartParser, parse_options_header

NUL_MESSAGE = "ข้อมูลที่ส่งมามีอักขระ NUL (รหัส 0) ซึ่งระบบจัดเก็บไม่ได้ กรุณาลบอักขระนี้ออก"
SURROGATE_MESSAGE = "ข้อมูลที่ส่งมามีรหัสอักขระ Unicode ที่ไม่สมบูรณ์ (surrogate ที่ไม่มีคู่) ซึ่งระบบจัดเก็บไม่ได้"
UTF8_MESSAGE = "ข้อมูลที่ส่งมาต้องเข้ารหัสแบบ UTF-8"

_ESCAPE = re.compile(rb"(\\+)u([0-9a-fA-F]{4})")
_HEX = frozenset(b"0123456789abcdefABCDEF")


class JsonEscapes:
    """Finds ``\\u0000`` and unpaired surrogate escapes in JSON text fed in pieces of any
    size (an escape may be cut between two pieces; only an odd run of backslashes escapes)."""

    def __init__(self) -> None:
        self.carry = b""
        self.want_low = False  # the text so far ended right after a high surrogate escape

    def feed(self, chunk: bytes, *, final: bool = False) -> str | None:
        data = self.carry + chunk
        cut = len(data) if final else _unfinished_escape(data)
        self.carry = data[cut:]
        if len(self.carry) > 64:  # a long run of backslashes: only its parity matters
            run = len(self.carry) - len(self.carry.lstrip(b"\\"))
            self.carry = b"\\" * (2 - run % 2) + self.carry[run:]
        problem = self._scan(data[:cut])
        if problem is None and final and (self.want_low or self.carry):
            problem = SURROGATE_MESSAGE if self.want_low else None
        return problem

    def _scan(self, text: bytes) -> str | None:
        expect_low_at: int | None = 0 if self.want_low else None
        self.want_low = False
        for m in _ESCAPE.finditer(text):
            escaped = len(m.group(1)) % 2 == 1
            start = m.end(1) - 1
            code = int(m.group(2), 16)
            if expect_low_at is not None:
                if escaped and start == expect_low_at and 0xDC00 <= code <= 0xDFFF:
                    expect_low_at = None
                    continue
                return SURROGATE_MESSAGE
            if not escaped:
                continue
            if code == 0:
                return NUL_MESSAGE
            if 0xD800 <= code <= 0xDBFF:
                expect_low_at = m.end()
            elif 0xDC00 <= code <= 0xDFFF:
                return SURROGATE_MESSAGE
        if expect_low_at is not None:
            if expect_low_at < len(text):
                return SURROGATE_MESSAGE
            self.want_low = True
        return None


def _unfinished_escape(data: bytes) -> int:
    """Where an escape that the next piece may complete begins (``len(data)`` if none): a
    trailing run of backslashes, optionally followed by ``u`` and up to three hex digits."""
    end = len(data)
    i = end
    while i > 0 and end - i < 3 and data[i - 1] in _HEX:
        i -= 1
    if i > 0 and data[i - 1 : i] == b"u":
        i -= 1
    elif i != end:
        return end  # hex digits not after a ``u``: nothing unfinished
    if i == 0 or data[i - 1 : i] != b"\\":
        return end
    while i > 0 and data[i - 1 : i] == b"\\":
        i -= 1
    return i


class Scanner:
    """Checks a body as it streams by; ``feed`` returns a Thai problem or None."""

    def feed(self, chunk: bytes, *, final: bool) -> str | None:
        return None


class JsonScanner(Scanner):
    """JSON: UTF-8, no raw NUL, no ``\\u0000``, no unpaired surrogate escape."""

    def __init__(self) -> None:
        self.utf8 = codecs.getincrementaldecoder("utf-8")("strict")
        self.escapes = JsonEscapes()

    def feed(self, chunk: bytes, *, final: bool) -> str | None:
        if b"\x00" in chunk:
            return NUL_MESSAGE
        try:
            self.utf8.decode(chunk, final)
        except UnicodeDecodeError:
            return UTF8_MESSAGE
        return self.escapes.feed(chunk, final=final)


class FormScanner(Scanner):
    """application/x-www-form-urlencoded: no raw NUL and no ``%00`` (decoding the rest never
    makes a surrogate: Starlette replaces invalid UTF-8)."""

    def __init__(self) -> None:
        self.tail = b""

    def feed(self, chunk: bytes, *, final: bool) -> str | None:
        data = self.tail + chunk
        self.tail = data[-2:]
        if b"\x00" in data or b"%00" in data:
            return NUL_MESSAGE
        return None


class MultipartScanner(Scanner):
    """multipart/form-data, parsed as it streams (python-multipart, as Starlette does): text
    fields (parts without a file name) may hold no NUL, raw or as a JSON escape (a field may
    carry JSON, e.g. ``complaint``); files are not looked into (photos are binary)."""

    def __init__(self, boundary: bytes) -> None:
        self.problem: str | None = None
        self.broken = False
        self.headers: dict[bytes, bytes] = {}
        self.header_field = b""
        self.header_value = b""
        self.text: JsonEscapes | None = None
        self.parser = MultipartParser(
            boundary,
            callbacks={
                "on_part_begin": self._part_begin,
                "on_header_field": self._header_field,
                "on_header_value": self._header_value,
                "on_header_end": self._header_end,
                "on_headers_finished": self._headers_finished,
                "on_part_data": self._part_data,
                "on_part_end": self._part_end,
            },
        )

    def feed(self, chunk: bytes, *, final: bool) -> str | None:
        if not self.broken and chunk:
            try:
                self.parser.write(chunk)
            except Exception:  # malformed: Starlette will say so to the route
                self.broken = True
        return self.problem

    def _part_begin(self) -> None:
        self.headers, self.text = {}, None

    def _header_field(self, data: bytes, start: int, end: int) -> None:
        self.header_field += data[start:end]

    def _header_value(self, data: bytes, start: int, end: int) -> None:
        self.header_value += data[start:end]

    def _header_end(self) -> None:
        self.headers[self.header_field.lower()] = self.header_value
        self.header_field = self.header_value = b""

    def _headers_finished(self) -> None:
        _, options = parse_options_header(self.headers.get(b"content-disposition", b""))
        self.text = None if b"filename" in options else JsonEscapes()

    def _part_data(self, data: bytes, start: int, end: int) -> None:
        if self.text is None or self.problem is not None:
            return
        piece = data[start:end]
        self.problem = NUL_MESSAGE if b"\x00" in piece else self.text.feed(piece)

    def _part_end(self) -> None:
        if self.text is not None and self.problem is None:
            self.problem = self.text.feed(b"", final=True)


def scanner_for(content_type: bytes | None) -> Scanner:
    kind, options = parse_options_header(content_type or b"application/json")
    if kind == b"application/json" or kind.endswith(b"+json"):
        return JsonScanner()
    if kind == b"application/x-www-form-urlencoded":
        return FormScanner()
    if kind == b"multipart/form-data" and options.get(b"boundary"):
        return MultipartScanner(options[b"boundary"])
    return Scanner()
