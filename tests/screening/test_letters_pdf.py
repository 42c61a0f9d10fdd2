"""The screening result letters as PDF: all the round's letters in one file, one A4 page each;
one letter alone, addressed by name; a print batch. Protected data: only a coordinator of the
welfare division gets them (403 like the HTML batch), and every addressee read is logged."""

import re

from sqlmodel import Session, col, func, select

from domain.screening.letters import PRINT_PURPOSE, notify_round
from domain.screening.people import full_name
from models.people import User
from models.readlog import ReadLogEntry
from models.screening import Candidate, Person
from models.screening_benefits import LetterOutcome, ScreeningLetter
from tests.helpers import csrf_of, screenshot_path, sign_in
from tests.pdf_helpers import assert_a4_with_sarabun, download_names, read_pdf, save_first_page_png
from tests.screening.benefits_fixtures import certified_round


def print_reads(engine, username: str) -> list[ReadLogEntry]:
    with Session(engine) as session:
        user = session.exec(select(User).where(User.username == username)).one()
        return list(
            session.exec(
                select(ReadLogEntry)
                .where(ReadLogEntry.user_id == user.id, ReadLogEntry.purpose == PRINT_PURPOSE)
                .order_by(col(ReadLogEntry.id))
            )
        )


def a_failed_letter(engine, round_id: int) -> tuple[ScreeningLetter, str, int]:
    """A not-passed letter, its addressee's name and person id."""
    with Session(engine) as session:
        letter, person = session.exec(
            select(ScreeningLetter, Person)
            .join(Candidate, col(Candidate.id) == ScreeningLetter.candidate_id)
            .join(Person, col(Person.id) == Candidate.person_id)
            .where(
                ScreeningLetter.round_id == round_id,
                ScreeningLetter.outcome == LetterOutcome.not_passed,
            )
            .order_by(col(ScreeningLetter.number))
        ).first()
        return letter, full_name(person), person.id or 0


def test_all_letters_of_a_round_in_one_pdf_one_page_each(client, engine, people):
    big = certified_round(engine, people)
    notify_round(engine, big.id)
    sign_in(client, "sunee")
    listing = client.get(f"/pages/screening/rounds/{big.id}/letters")
    assert f'href="/pages/screening/rounds/{big.id}/letters.pdf"' in listing.text

    r = client.get(f"/pages/screening/rounds/{big.id}/letters.pdf")
    assert r.status_code == 200, r.text[:500]
    assert r.headers["content-type"] == "application/pdf"
    assert r.headers["cache-control"] == "no-store"
    ascii_name, thai_name = download_names(r.headers["content-disposition"])
    assert ascii_name == f"screening-letters-round-{big.id}.pdf"
    assert thai_name.startswith("หนังสือแจ้งผลการคัดกรอง-")
    pdf = read_pdf(r.content)
    assert_a4_with_sarabun(pdf)
    assert pdf.pages == 30  # one letter per page, every letter of the round
    for page in range(pdf.pages):  # each page is one whole letter: its reference and signature
        text = pdf.page_text(page)
        assert len(re.findall(r"ที่ \S+ 2570/\d{4}", text)) == 1, text
        assert "ขอแสดงความนับถือ" in text
    assert "ผ่านการคัดกรอง" in pdf.text and "ไม่ผ่านการคัดกรอง" in pdf.text
    reads = print_reads(engine, "sunee")
    assert len(reads) == 30 and all(e.allowed for e in reads)
    save_first_page_png(r.content, screenshot_path("pdf-screening-letter.png"))


def test_one_letter_pdf_names_its_addressee_and_logs_that_read_only(client, engine, people):
    big = certified_round(engine, people)
    notify_round(engine, big.id)
    letter, name, person_id = a_failed_letter(engine, big.id)
    sign_in(client, "sunee")
    listing = client.get(f"/pages/screening/rounds/{big.id}/letters")
    assert f"/letters/{letter.id}.pdf" in listing.text

    r = client.get(f"/pages/screening/rounds/{big.id}/letters/{letter.id}.pdf")
    assert r.status_code == 200, r.text[:500]
    pdf = read_pdf(r.content)
    assert_a4_with_sarabun(pdf)
    assert pdf.pages == 1
    flat = " ".join(pdf.text.split())
    assert f"เรียน {name}" in flat  # the addressee, by name
    assert "ไม่ผ่านการคัดกรอง" in flat and f"2570/{letter.number:04d}" in flat
    unbroken = "".join(flat.split())  # lines break inside the reason's long Thai words
    assert "".join(letter.reason.split())[:40] in unbroken
    reads = print_reads(engine, "sunee")
    assert [(e.record_id, e.allowed) for e in reads] == [(person_id, True)]

    other = client.get(f"/pages/screening/rounds/{big.id}/letters/999999.pdf")
    assert other.status_code == 404 and "ไม่พบหนังสือแจ้งผล" in other.text


def test_a_print_batch_as_pdf(client, engine, people):
    big = certified_round(engine, people)
    notify_round(engine, big.id)
    sign_in(client, "sunee")
    listing = client.get(f"/pages/screening/rounds/{big.id}/letters")
    printed = client.post(
        f"/pages/screening/rounds/{big.id}/letters/print",
        data={"csrf": csrf_of(listing.text)},
        follow_redirects=False,
    )
    location = printed.headers["location"]
    page = client.get(location)
    assert f'href="{location}.pdf"' in page.text
    r = client.get(f"{location}.pdf")
    assert r.status_code == 200, r.text[:500]
    pdf = read_pdf(r.content)
    assert_a4_with_sarabun(pdf)
    assert pdf.pages == 30 and "ชุดพิมพ์ที่" in pdf.title


def test_an_officer_without_access_gets_no_letter_and_nothing_is_read(client, engine, people):
    big = certified_round(engine, people)
    notify_round(engine, big.id)
    letter, _, _ = a_failed_letter(engine, big.id)
    with Session(engine) as session:
        before = session.exec(select(func.count()).select_from(ReadLogEntry)).one()
    sign_in(client, "chatchai")
    base = f"/pages/screening/rounds/{big.id}"
    for path in ("letters.pdf", f"letters/{letter.id}.pdf", "letters/batches/1.pdf"):
        r = client.get(f"{base}/{path}")
        assert r.status_code in (403, 404), (path, r.status_code)
        assert not r.content.startswith(b"%PDF")
    # the same answer as the HTML letters give this officer
    html = client.get(f"{base}/letters/batches/1")
    assert client.get(f"{base}/letters/batches/1.pdf").status_code == html.status_code
    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(ReadLogEntry)).one() == before
    client.cookies.clear()
    anonymous = client.get(f"/pages/screening/rounds/{big.id}/letters.pdf", follow_redirects=False)
    assert anonymous.status_code in (303, 401) and not anonymous.content.startswith(b"%PDF")
