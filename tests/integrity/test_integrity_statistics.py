"""Published statistics of corruption reports: by fiscal quarter and outcome, counts of 1 to 4
shown as "<5", with the secondary suppression that stops a reader subtracting a hidden cell
back out of the quarter's total; the same figures as a page, JSON and CSV."""

from datetime import date

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from domain.integrity.receipts import new_receipt_code
from domain.integrity.statistics import SUPPRESSED, statistics, suppress_row
from models.integrity import IntegrityOrigin, IntegrityOutcome, IntegrityReport, IntegrityStatus
from models.people import User


def add(session: Session, received_on: date, outcome: IntegrityOutcome | None, n: int) -> None:
    for _ in range(n):
        session.add(
            IntegrityReport(
                receipt_code=new_receipt_code(),
                passphrase_hash="scrypt$00$00",
                received_on=received_on,
                origin=IntegrityOrigin.web,
                status=IntegrityStatus.decided if outcome else IntegrityStatus.received,
                outcome=outcome,
                subject_sealed=b"x",
                text_sealed=b"x",
            )
        )
        session.flush()


def test_small_counts_are_suppressed_and_cannot_be_subtracted_back() -> None:
    cells, total = suppress_row({"open": 3, "substantiated": 6, "unsubstantiated": 0}, 5)
    # 3 is hidden; with the total shown, 6 would give it away: hidden too. Zero names nobody.
    assert cells == {"open": SUPPRESSED, "substantiated": SUPPRESSED, "unsubstantiated": "0"}
    assert total == "9"
    cells, total = suppress_row({"open": 2, "substantiated": 1}, 5)
    assert cells == {"open": SUPPRESSED, "substantiated": SUPPRESSED} and total == SUPPRESSED
    cells, total = suppress_row({"open": 7, "substantiated": 5}, 5)
    assert cells == {"open": "7", "substantiated": "5"} and total == "12"


def test_a_category_of_three_is_published_as_under_five(
    client: TestClient, engine: Engine, seeded: dict[str, User]
) -> None:
    with Session(engine) as session:
        add(session, date(2026, 10, 20), IntegrityOutcome.substantiated, 3)  # FY 2570 Q1
        add(session, date(2026, 11, 2), IntegrityOutcome.unsubstantiated, 5)
        add(session, date(2026, 11, 3), IntegrityOutcome.not_accepted, 6)
        add(session, date(2027, 2, 1), None, 7)  # Q2, still open
        add(session, date(2026, 9, 30), IntegrityOutcome.substantiated, 4)  # FY 2569
        session.commit()
        stats = statistics(session, 2570)
    q1, q2 = stats.rows[0], stats.rows[1]
    # 3 hidden, and 5 with it (the smallest other), or 14 - 6 - 5 would give the 3 away.
    assert q1.cells["substantiated"] == "<5" and q1.cells["unsubstantiated"] == "<5"
    assert q1.cells["not_accepted"] == "6" and q1.total == "14"
    assert q2.cells["open"] == "7" and stats.total == "21"

    r = client.get("/api/integrity/statistics", params={"fy": 2570})
    assert r.status_code == 200
    body = r.json()
    assert body["quarters"][0]["substantiated"] == "<5" and body["total"] == "21"
    csv_text = client.get("/api/integrity/statistics.csv", params={"fy": 2570}).text
    assert csv_text.startswith("\ufeffปีงบประมาณ") and "<5" in csv_text
    page = client.get("/integrity/statistics", params={"fy": 2570})
    assert page.status_code == 200 and "&lt;5" in page.text and "2570" in page.text
    assert client.get("/api/integrity/statistics", params={"fy": 2026}).status_code == 422
