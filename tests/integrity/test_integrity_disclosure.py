"""The public disclosure pages (ITA): built from the live data, no login, each dated, each with
open data at a stable URL; the complaint statistics equal the monthly reports they come from,
and the plan's open data is the plan in force."""

import csv
import io

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from core.db import utcnow
from domain.complaints.report import build_monthly_report
from domain.engine.calendar import BANGKOK, fiscal_year, to_buddhist_year
from models.people import User
from tests.helpers import login

FORM = {
    "category": "street-light",
    "description": "ไฟฟ้าส่องสว่างหน้าโรงเรียนดับสามต้น",
    "address": "ถนนศรีจันทร์ อ.เมืองขอนแก่น",
    "complainant": {"name": "นายทดสอบ สถิติ", "phone": "0812223333"},
}


def test_the_complaint_statistics_equal_the_monthly_reports(
    client: TestClient, engine: Engine, seeded: dict[str, User]
) -> None:
    for i in range(3):
        r = client.post(
            "/api/complaints/public", json=FORM | {"description": f"ไฟดับจุดที่ {i + 1} หน้าโรงเรียน"}
        )
        assert r.status_code == 201, r.text
    now = utcnow().astimezone(BANGKOK)
    fy = fiscal_year(now.date())
    body = client.get("/api/ita/complaints", params={"fy": fy}).json()
    with Session(engine) as session:
        month = build_monthly_report(session, year_be=to_buddhist_year(now.year), month=now.month)
    [this_month] = [m for m in body["months"] if m["month"] == month.key]
    assert this_month["total"] == month.total == 3
    assert this_month["within_powers"] == month.solved.denominator
    assert this_month["by_category"] == {row.title: row.count for row in month.by_category}
    assert body["total"] == sum(m["total"] for m in body["months"]) == 3
    assert body["targets_percent"] == {"solved": 90.0, "satisfied": 85.0}
    assert body["months"][0]["month"].endswith("-10")  # the fiscal year starts in October

    raw = client.get("/api/ita/complaints.csv", params={"fy": fy})
    rows = list(csv.reader(io.StringIO(raw.content.decode("utf-8-sig"))))
    assert rows[0][0] == "เดือน" and [r[1] for r in rows[1:]] == [
        str(m["total"]) for m in body["months"]
    ]
    page = client.get("/ita/complaints", params={"fy": fy})
    assert page.status_code == 200 and "ข้อมูล ณ" in page.text and month.month_title in page.text
    assert "ไฟฟ้าสาธารณะชำรุด/ดับ" in page.text  # the category, never a complainant
    assert "นายทดสอบ" not in page.text and "0812223333" not in raw.text


def test_the_index_lists_every_disclosure_with_its_open_data(
    client: TestClient, engine: Engine, seeded: dict[str, User]
) -> None:
    index = client.get("/ita")
    assert index.status_code == 200
    for link in ("/ita/complaints", "/api/ita/complaints.csv", "/integrity/statistics"):
        assert link in index.text
    assert "ยังไม่มีแผนที่ประกาศใช้" in index.text
    assert client.get("/api/ita/plan.csv").status_code == 404
    assert client.get("/api/ita/complaints", params={"fy": 2026}).status_code == 422
    # No login anywhere: the same pages for an officer and for nobody.
    assert client.get("/ita", headers=login(client, "nipa")).text.count("<tr>") == index.text.count(
        "<tr>"
    )
