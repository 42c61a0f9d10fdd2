"""Bulk import of nominations (CSV or XLSX; the old register held 2,900 names): every row is
checked first and every broken one named by its row number and column, in Thai; a file with
one broken row is refused whole and nothing is stored. A valid file is stored in bulk in the
caller's one transaction. A Thai ID already known, or repeated in the file, is the same person
(one candidate, one nomination per row)."""

import hashlib
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from pythainlp.util import thai_digit_to_arabic_digit
from sqlalchemy import insert
from sqlmodel import Session, col, select

from core.db import utcnow
from domain.engine import audit
from domain.engine.calendar import parse_thai_date
from domain.errors import Conflict, InvalidInput
from domain.screening import ids
from domain.screening.duplicates import suggestions
from domain.screening.import_rows import Row, Table, read_table
from domain.screening.nominations import NEEDS_COMMUNITY, NEEDS_SCHOOL
from domain.screening.people import PersonInput, name_key
from domain.screening.rounds import check_coordinator, check_nominating
from domain.screening.states import CASE_TYPE
from models.people import User
from models.screening import (
    NOMINATION_SOURCE_TITLES,
    Candidate,
    CandidateState,
    Community,
    Household,
    Nomination,
    NominationSource,
    Person,
    School,
    ScreeningImport,
    ScreeningRound,
    Sex,
)

SHOWN_PROBLEMS = 10
SOURCE_NAMES = {
    **{s.value: s for s in NominationSource},
    **{title: s for s, title in NOMINATION_SOURCE_TITLES.items()},
    "ประธานชุมชน": NominationSource.community_president,
    "สท.": NominationSource.council_member,
    "สมาชิกสภา": NominationSource.council_member,
    "ยื่นคำร้อง": NominationSource.own_petition,
    "คำร้อง": NominationSource.own_petition,
    "เจ้าหน้าที่": NominationSource.officer,
    "ครู": NominationSource.teacher,
    "กลุ่มอื่น": NominationSource.other_group,
    "อื่น ๆ": NominationSource.other_group,
}
SEXES = {"ชาย": Sex.male, "หญิง": Sex.female, "ช": Sex.male, "ญ": Sex.female}


@dataclass(frozen=True)
class Problem:
    row: int
    column: str
    """"คอลัมน์ C (เลขประจำตัวประชาชน)"."""
    message: str

    def text(self) -> str:
        return f"แถวที่ {self.row} {self.column}: {self.message}"


class ImportRefused(InvalidInput):
    """The file was refused whole; ``problems`` names every broken row."""

    def __init__(self, problems: list[Problem]) -> None:
        shown = "; ".join(p.text() for p in problems[:SHOWN_PROBLEMS])
        more = (
            f" และอีก {len(problems) - SHOWN_PROBLEMS} รายการ"
            if len(problems) > SHOWN_PROBLEMS
            else ""
        )
        super().__init__(
            f"นำเข้าไม่ได้ ไม่มีการบันทึกข้อมูลใด ๆ — พบ {len(problems)} ข้อผิดพลาด: {shown}{more}",
            errors=[{"row": p.row, "field": p.column, "message": p.message} for p in problems],
        )
        self.problems = problems


@dataclass
class ImportReport:
    import_id: int
    rows: int
    persons_created: int
    persons_known: int
    """Rows whose Thai ID named a person already on file."""
    repeated_ids: list[tuple[int, int]] = field(default_factory=list)
    """(row, earlier row) pairs that carry the same Thai ID in this file."""
    candidates_created: int = 0
    suggestions: int = 0
    """Pairs suggested as one person (similar names) in the round after the import."""


@dataclass(frozen=True)
class ParsedRow:
    number: int
    person: PersonInput
    house_no: str
    address: str
    members_count: int | None
    monthly_income_satang: int | None
    source: NominationSource
    nominator_name: str
    community_id: int | None
    school_id: int | None
    note: str


def _lookup(rows: list[tuple[int | None, str, str]], strip_prefix: str) -> dict[str, int]:
    """Code or name (with or without its prefix, e.g. "ชุมชน") -> id."""
    table: dict[str, int] = {}
    for row_id, code, name in rows:
        assert row_id is not None
        table[code] = row_id
        table[code.lstrip("0") or "0"] = row_id
        table[name] = row_id
        table[name.removeprefix(strip_prefix).strip()] = row_id
    return table


def parse_date_cell(value: date | str) -> date:
    """A date cell of an officer's file: a spreadsheet date, ISO, or Thai (Buddhist Era, Thai
    digits); the children's class lists read theirs the same way."""
    if isinstance(value, date):
        return value
    text = thai_digit_to_arabic_digit(value).strip()
    try:
        return date.fromisoformat(text)  # 1967-03-15 (a spreadsheet's own date format)
    except ValueError:
        pass
    try:
        return parse_thai_date(text)
    except ValueError:
        raise ValueError(
            f"วันที่ “{value}” ไม่ถูกต้อง (ใช้ วว/ดด/ปปปป พ.ศ. เช่น 15/03/2510 หรือ 15 มี.ค. 2510)"
        ) from None


def _money_satang(text: str) -> int:
    amount = Decimal(thai_digit_to_arabic_digit(text).replace(",", "").strip())
    if amount < 0:
        raise InvalidOperation
    return int(amount * 100)


def _parse_row(
    row: Row, table: Table, communities: dict[str, int], schools: dict[str, int]
) -> tuple[ParsedRow | None, list[Problem]]:
    v = row.values
    problems: list[Problem] = []

    def text(name: str) -> str:
        value = v.get(name)
        return value.isoformat() if isinstance(value, date) else (value or "")

    def fail(name: str, message: str) -> None:
        problems.append(Problem(row.number, table.where(name), message))

    thai_id = text("thai_id") or None
    if thai_id is not None:
        found = ids.problem(thai_id)
        if found is not None:
            fail("thai_id", f"{found} (“{thai_id}”)")
    for name, message in (("first_name", "ไม่มีชื่อ"), ("last_name", "ไม่มีนามสกุล")):
        if not text(name):
            fail(name, message)
    birth_date = None
    if v.get("birth_date") is not None:
        try:
            birth_date = parse_date_cell(v["birth_date"])  # type: ignore[arg-type]
        except ValueError as exc:
            fail("birth_date", str(exc))
    sex = Sex.unknown
    if text("sex"):
        if text("sex") not in SEXES:
            fail("sex", f"ไม่รู้จักเพศ “{text('sex')}” (ใช้ ชาย หรือ หญิง)")
        else:
            sex = SEXES[text("sex")]
    community_id = None
    if text("community"):
        community_id = communities.get(text("community"))
        if community_id is None:
            fail("community", f"ไม่พบชุมชน “{text('community')}” ในทะเบียนชุมชนของรอบ")
    school_id = None
    if text("school"):
        school_id = schools.get(text("school"))
        if school_id is None:
            fail("school", f"ไม่พบโรงเรียน “{text('school')}” ในสังกัดเทศบาล")
    source = SOURCE_NAMES.get(text("source"))
    if source is None:
        fail("source", f"ไม่รู้จักประเภทผู้เสนอ “{text('source')}”")
    if not text("nominator_name"):
        fail("nominator_name", "ไม่มีชื่อผู้เสนอ")
    if source in NEEDS_COMMUNITY and not text("community"):
        fail("community", f"การเสนอโดย{source.thai}ต้องระบุชุมชน")
    if source in NEEDS_SCHOOL and not text("school"):
        fail("school", f"การเสนอโดย{source.thai}ต้องระบุโรงเรียน")
    members_count = None
    if text("members_count"):
        digits = thai_digit_to_arabic_digit(text("members_count"))
        if not digits.isdigit():
            fail("members_count", f"จำนวนสมาชิก “{text('members_count')}” ต้องเป็นจำนวนเต็ม")
        else:
            members_count = int(digits)
    income = None
    if text("monthly_income"):
        try:
            income = _money_satang(text("monthly_income"))
        except InvalidOperation:
            fail("monthly_income", f"รายได้ “{text('monthly_income')}” ต้องเป็นจำนวนเงิน (บาท)")
    if problems or source is None:
        return None, problems
    person = PersonInput(
        first_name=text("first_name"),
        last_name=text("last_name"),
        prefix=text("prefix"),
        thai_id=ids.normalise(thai_id) if thai_id else None,
        birth_date=birth_date,
        sex=sex,
        community_id=community_id,
        phone=text("phone") or None,
        email=text("email") or None,
    )
    return (
        ParsedRow(
            number=row.number,
            person=person,
            house_no=text("house_no"),
            address=text("address"),
            members_count=members_count,
            monthly_income_satang=income,
            source=source,
            nominator_name=text("nominator_name"),
            community_id=community_id,
            school_id=school_id,
            note=text("note"),
        ),
        [],
    )


def parse(session: Session, screening_round: ScreeningRound, table: Table) -> list[ParsedRow]:
    """Every row checked; ImportRefused naming every problem, or the parsed rows."""
    communities = _lookup(
        list(
            session.exec(
                select(Community.id, Community.code, Community.name).where(
                    Community.list_id == screening_round.community_list_id
                )
            )
        ),
        "ชุมชน",
    )
    schools = _lookup(list(session.exec(select(School.id, School.code, School.name))), "โรงเรียน")
    parsed, problems = [], []
    for row in table.rows:
        result, found = _parse_row(row, table, communities, schools)
        problems.extend(found)
        if result is not None:
            parsed.append(result)
    if not table.rows:
        raise InvalidInput("ไฟล์ไม่มีรายชื่อ (มีแต่หัวตาราง)", field="file")
    if problems:
        raise ImportRefused(problems)
    return parsed


def _insert_returning_ids(session: Session, table: Any, values: list[dict[str, Any]]) -> list[int]:
    """Many rows in a few statements (no ORM objects: 2,900 of them cost seconds); their ids
    in the order given."""
    if not values:
        return []
    statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
    return list(session.execute(statement, values).scalars())


def store(
    session: Session,
    screening_round: ScreeningRound,
    actor: User,
    rows: list[ParsedRow],
    *,
    filename: str,
    sha256: str,
) -> ImportReport:
    """Households, people, nominations and candidates in bulk (a few statements each)."""
    assert screening_round.id is not None and actor.id is not None
    now = utcnow()
    record = ScreeningImport(
        round_id=screening_round.id,
        filename=filename,
        sha256=sha256,
        rows=len(rows),
        imported_by_id=actor.id,
    )
    session.add(record)
    session.flush()
    report = ImportReport(import_id=record.id, rows=len(rows), persons_created=0, persons_known=0)  # type: ignore[arg-type]

    households: dict[tuple[int | None, str, str], dict[str, Any]] = {}
    for row in rows:  # one household per (community, house number, address) in the file
        key = (row.community_id, row.house_no, row.address)
        if (row.house_no or row.address) and key not in households:
            households[key] = {
                "community_id": row.community_id,
                "house_no": row.house_no,
                "address": row.address,
                "members_count": row.members_count,
                "monthly_income_satang": row.monthly_income_satang,
                "created_at": now,
            }
    household_ids = dict(
        zip(
            households,
            _insert_returning_ids(session, Household.__table__, list(households.values())),
            strict=True,
        )
    )

    wanted = {r.person.thai_id for r in rows if r.person.thai_id}
    known = dict(
        session.exec(select(Person.thai_id, Person.id).where(col(Person.thai_id).in_(wanted))).all()
    )
    person_of_row: dict[int, int | None] = {}
    """Row number -> its person's id (None until inserted: the row then names its own)."""
    first_row_of_id: dict[str, int] = {}
    new_people: list[tuple[int, dict[str, Any]]] = []
    for row in rows:
        thai_id = row.person.thai_id
        if thai_id and thai_id in first_row_of_id:
            report.repeated_ids.append((row.number, first_row_of_id[thai_id]))
            person_of_row[row.number] = -first_row_of_id[thai_id]  # resolved below
            continue
        if thai_id:
            first_row_of_id[thai_id] = row.number
        if thai_id and thai_id in known:
            report.persons_known += 1
            person_of_row[row.number] = known[thai_id]
            continue
        person_of_row[row.number] = None
        new_people.append(
            (
                row.number,
                {
                    **row.person.__dict__,
                    "household_id": household_ids.get(
                        (row.community_id, row.house_no, row.address)
                    ),
                    "hiv_positive": False,
                    "name_key": name_key(row.person.first_name, row.person.last_name),
                    "merged_into_id": None,
                    "created_by_id": actor.id,
                    "created_at": now,
                },
            )
        )
    created = _insert_returning_ids(session, Person.__table__, [v for _, v in new_people])
    for (number, _), person_id in zip(new_people, created, strict=True):
        person_of_row[number] = person_id
    for number, person_id in list(person_of_row.items()):
        if person_id is not None and person_id < 0:  # a repeated ID: the earlier row's person
            person_of_row[number] = person_of_row[-person_id]
    report.persons_created = len(created)

    session.execute(
        insert(Nomination.__table__),
        [
            {
                "round_id": screening_round.id,
                "person_id": person_of_row[row.number],
                "source": row.source.value,
                "nominator_name": row.nominator_name,
                "community_id": row.community_id,
                "school_id": row.school_id,
                "note": row.note,
                "import_id": record.id,
                "created_by_id": actor.id,
                "created_at": now,
            }
            for row in rows
        ],
    )
    person_ids = set(person_of_row.values())
    already = set(
        session.exec(
            select(Candidate.person_id).where(
                Candidate.round_id == screening_round.id, col(Candidate.person_id).in_(person_ids)
            )
        )
    )
    new_candidates = sorted(person_ids - already)  # type: ignore[type-var]
    if new_candidates:
        session.execute(
            insert(Candidate.__table__),
            [
                {
                    "round_id": screening_round.id,
                    "person_id": person_id,
                    "state": CandidateState.nominated.value,
                    "created_at": now,
                    "updated_at": now,
                }
                for person_id in new_candidates
            ],
        )
    report.candidates_created = len(new_candidates)
    report.suggestions = len(suggestions(session, screening_round.id))
    audit.record(
        session,
        case_type=CASE_TYPE,
        case_id=screening_round.id,
        action="screening_nominations_imported",
        actor=actor,
        detail={
            "import_id": record.id,
            "filename": filename,
            "rows": len(rows),
            "persons_created": report.persons_created,
            "candidates_created": report.candidates_created,
        },
    )
    return report


def import_file(
    session: Session, screening_round: ScreeningRound, actor: User, data: bytes, filename: str
) -> ImportReport:
    """Check the whole file, then store it; a file already imported into the round is refused."""
    check_coordinator(session, actor)
    check_nominating(screening_round)
    sha256 = hashlib.sha256(data).hexdigest()
    earlier = session.exec(
        select(ScreeningImport).where(
            ScreeningImport.round_id == screening_round.id, ScreeningImport.sha256 == sha256
        )
    ).first()
    if earlier is not None:
        raise Conflict(f"ไฟล์นี้นำเข้ารอบนี้แล้ว (“{earlier.filename}”)")
    rows = parse(session, screening_round, read_table(data, filename))
    return store(session, screening_round, actor, rows, filename=filename, sha256=sha256)
