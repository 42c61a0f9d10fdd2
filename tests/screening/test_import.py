"""Bulk import of nominations: the old register's 2,900 names in one file, the duplicates
planted in it found; a broken file refused whole, every broken row named, nothing stored."""

import time

import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from domain.errors import Conflict, InvalidInput
from domain.screening import service
from domain.screening.duplicates import suggestions
from domain.screening.import_nominations import ImportRefused
from domain.screening.rounds import figures
from models.screening import Household, Nomination, Person, ScreeningImport
from tests.screening.conftest import (
    community_names,
    csv_bytes,
    nomination_row,
    open_round,
    thai_id,
    xlsx_bytes,
)

FIRST = ["สมชาย", "บุญมี", "มาลี", "ทองใบ", "คำปุน", "บัวผัน", "สุดใจ", "เพ็ญศรี", "ประยูร", "อำไพ"]
LAST = ["ศรีสุข", "แก้วมณี", "บุญเรือง", "พลทอง", "ชัยมงคล", "สายสุวรรณ", "ทองคำ", "วงศ์ใหญ่"]


def register(names: list[str]) -> list[dict[str, str]]:
    """2,900 distinct people with varied Thai names, each birth date unique in its name."""
    rows = []
    for n in range(1, 2901):
        first = f"{FIRST[n % len(FIRST)]}{'' if n < 80 else chr(0x0E01 + n % 30)}"
        rows.append(
            nomination_row(
                n,
                names[n % len(names)],
                first_name=first,
                last_name=LAST[(n // len(FIRST)) % len(LAST)],
                birth_date=f"{1 + n % 28:02d}/{1 + (n // 28) % 12:02d}/{2480 + n // 336}",
            )
        )
    return rows


def import_as(engine, user, round_id: int, data: bytes, filename: str):
    return service.import_file(
        engine, user_id=user.id, round_id=round_id, data=data, filename=filename
    )


def test_the_register_of_2900_is_imported_and_its_duplicates_found(engine, screening_people):
    officer = screening_people["siriporn"]
    opened = open_round(engine, officer)
    names = community_names(engine, opened.id)
    rows = register(names)
    # Planted: the same ID nominated again by a teacher; the same woman spelt two ways
    # (สมศรี/สมสี), same birth date and community, the second without an ID card.
    rows.append(
        {**rows[10], "source": "ครู", "school": "โรงเรียนเทศบาลวัดกลาง", "nominator_name": "ครูสมพร"}
    )
    rows.append(
        nomination_row(5001, names[3], first_name="สมศรี", last_name="ใจดี", birth_date="15/03/2510")
    )
    rows.append(
        nomination_row(
            5002, names[3], thai_id="", first_name="สมสี", last_name="ใจดี", birth_date="๑๕/๐๓/๒๕๑๐"
        )
    )
    started = time.perf_counter()
    report = import_as(engine, officer, opened.id, xlsx_bytes(rows), "ทะเบียนคนยากจน.xlsx")
    elapsed = time.perf_counter() - started
    assert elapsed < 60, elapsed
    assert report.rows == 2903
    assert report.repeated_ids == [(2903 - 1, 12)]  # row 2902 repeats row 12 (the header is row 1)
    assert report.persons_created == 2902 and report.candidates_created == 2902
    with Session(engine) as session:
        found = figures(session, opened.id)
        assert (found.nominations, found.candidates) == (2903, 2902)
        pairs = {(s.first.first_name, s.second.first_name) for s in suggestions(session, opened.id)}
        assert pairs == {("สมศรี", "สมสี")}
        assert report.suggestions == 1
        households = session.exec(select(func.count()).select_from(Household)).one()
        assert households == 2902  # one per house number and community in the file


def test_a_csv_with_buddhist_era_dates_and_thai_digits(engine, screening_people):
    officer = screening_people["siriporn"]
    opened = open_round(engine, officer)
    names = community_names(engine, opened.id)
    rows = [
        nomination_row(1, names[0], birth_date="๐๒/๐๒/๒๕๖๐", monthly_income="3,500.50"),
        nomination_row(2, "02", birth_date="2 ก.พ. 2555"),  # a community by its code
        nomination_row(3, names[2].removeprefix("ชุมชน"), birth_date="2012-02-02"),
    ]
    report = import_as(engine, officer, opened.id, csv_bytes(rows), "names.csv")
    assert report.persons_created == 3
    with Session(engine) as session:
        people = {p.thai_id: p for p in session.exec(select(Person))}
        assert str(people[thai_id(1)].birth_date) == "2017-02-02"
        assert str(people[thai_id(2)].birth_date) == "2012-02-02"
        income = session.exec(select(Household.monthly_income_satang)).all()
        assert 350050 in income
    with pytest.raises(Conflict, match="นำเข้ารอบนี้แล้ว"):
        import_as(engine, officer, opened.id, csv_bytes(rows), "names-again.csv")


def test_a_broken_file_is_refused_whole_naming_every_row(engine, screening_people):
    officer = screening_people["siriporn"]
    opened = open_round(engine, officer)
    names = community_names(engine, opened.id)
    good = [nomination_row(n, names[n]) for n in range(1, 6)]
    broken = [
        *good,
        nomination_row(6, names[6], thai_id=thai_id(6)[:12] + str((int(thai_id(6)[12]) + 1) % 10)),
        nomination_row(7, "ชุมชนที่ไม่มีจริง"),
        nomination_row(8, names[8], first_name=""),
        nomination_row(9, names[9], birth_date="31/02/2510"),
        nomination_row(10, names[10], source="ญาติ"),
    ]
    with pytest.raises(ImportRefused) as refused:
        import_as(engine, officer, opened.id, xlsx_bytes(broken), "broken.xlsx")
    problems = {(p.row, p.column.split()[1]): p.message for p in refused.value.problems}
    assert set(problems) == {(7, "A"), (8, "H"), (9, "C"), (10, "E"), (11, "I")}
    assert "เลขตรวจสอบ" in problems[(7, "A")]
    assert "ไม่พบชุมชน “ชุมชนที่ไม่มีจริง”" in problems[(8, "H")]
    assert problems[(9, "C")] == "ไม่มีชื่อ"
    assert "31/02/2510" in problems[(10, "E")]
    assert "ญาติ" in problems[(11, "I")]
    assert "แถวที่ 7 คอลัมน์ A (เลขประจำตัวประชาชน)" in refused.value.message
    with Session(engine) as session:
        for table in (Person, Nomination, Household, ScreeningImport):
            assert session.exec(select(func.count()).select_from(table)).one() == 0


def test_an_unknown_community_alone_refuses_the_file(engine, screening_people):
    officer = screening_people["siriporn"]
    opened = open_round(engine, officer)
    rows = [nomination_row(1, "ชุมชนนอกเขตเทศบาล")]
    with pytest.raises(ImportRefused, match="แถวที่ 2 คอลัมน์ H"):
        import_as(engine, officer, opened.id, csv_bytes(rows), "one.csv")


def test_a_file_without_the_needed_columns(engine, screening_people):
    officer = screening_people["siriporn"]
    opened = open_round(engine, officer)
    data = "ชื่อ,นามสกุล,สีโปรด\nมาลี,ศรีสุข,ฟ้า\n".encode()
    with pytest.raises(InvalidInput, match="ไม่รู้จักหัวคอลัมน์ “สีโปรด”") as refused:
        import_as(engine, officer, opened.id, data, "x.csv")
    assert "ผู้เสนอ" in refused.value.message
    with pytest.raises(InvalidInput, match=".csv หรือ .xlsx"):
        import_as(engine, officer, opened.id, data, "x.pdf")
    with pytest.raises(InvalidInput, match="XLSX"):
        import_as(engine, officer, opened.id, b"not a workbook", "x.xlsx")
