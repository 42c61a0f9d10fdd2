"""The round import through the JSON API (multipart, 422 listing the rows) and on the officers'
page (the refusal shown as a table of rows; a good file flashed and stored as a draft)."""

import dataclasses

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from models.pdca_round import DivisionReport, ProjectResult, ProjectStatus, ReportStatus
from models.people import Division, User
from tests.helpers import csrf_of, login, sign_in
from tests.pdca.round_import_files import (
    csv_report,
    open_12_month_round,
    project_lines,
    xlsx_report,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def round_id(engine: Engine, org: dict[str, User]) -> int:
    return open_12_month_round(engine, org)


def report_id(engine: Engine, round_id: int, code: str) -> int:
    with Session(engine) as session:
        return session.exec(
            select(DivisionReport.id)
            .join(Division, col(Division.id) == col(DivisionReport.division_id))
            .where(DivisionReport.round_id == round_id, Division.code == code)
        ).one()  # type: ignore[return-value]


def statuses(engine: Engine, round_id: int) -> set[str]:
    with Session(engine) as session:
        return set(
            session.exec(select(ProjectResult.status).where(ProjectResult.round_id == round_id))
        )


def test_the_api_imports_a_round_and_refuses_a_broken_file_with_its_rows(
    pdca_client: TestClient, engine: Engine, round_id: int
) -> None:
    headers = login(pdca_client, "somchai")
    lines = project_lines()
    broken = list(lines)
    broken[0] = dataclasses.replace(broken[0], disbursed="-1")
    broken[1] = dataclasses.replace(broken[1], no="77")
    r = pdca_client.post(
        f"/api/pdca/rounds/{round_id}/import",
        files={"file": ("report.csv", csv_report(broken), "text/csv")},
        headers=headers,
    )
    assert r.status_code == 422, r.text
    assert [(e["row"], e["column"], e["project_no"]) for e in r.json()["errors"]] == [
        (3, "เบิกจ่าย", 1)
    ]
    assert statuses(engine, round_id) == {ProjectStatus.awaiting}

    r = pdca_client.post(
        f"/api/pdca/rounds/{round_id}/import",
        files={"file": ("report.xlsx", xlsx_report(lines), XLSX)},
        data={"data_as_of": "2023-09-30"},
        headers=headers,
    )
    assert r.status_code == 201, r.text
    body = r.json()
    assert (body["source"], body["rows"], body["statuses"]["completed"]) == ("xlsx", 56, 56)
    assert statuses(engine, round_id) == {ProjectStatus.completed}

    mine = report_id(engine, round_id, "ช่าง")
    r = pdca_client.post(
        f"/api/pdca/rounds/reports/{mine}/import",
        files={"file": ("ช่าง.csv", csv_report(project_lines(["ช่าง"])), "text/csv")},
        headers=login(pdca_client, "piyawat"),
    )
    assert r.status_code == 201, r.text
    assert r.json()["report_ids"] == [mine]


def test_the_api_keeps_a_past_years_report_as_history(
    pdca_client: TestClient, engine: Engine
) -> None:
    lines = [
        dataclasses.replace(line, no=str(i), division="")
        for i, line in enumerate(project_lines(["ช่าง"]), start=1)
    ]
    r = pdca_client.post(
        "/api/pdca/history/import",
        files={"file": ("2565.xlsx", xlsx_report(lines), XLSX)},
        data={"fiscal_year": "2565", "kind": "12-month"},
        headers=login(pdca_client, "somchai"),
    )
    assert r.status_code == 201, r.text
    assert r.json()["plan_created"] is True and r.json()["rows"] == len(lines)
    r = pdca_client.post(
        "/api/pdca/history/import",
        files={"file": ("2564.xlsx", xlsx_report(lines), XLSX)},
        data={"fiscal_year": "2564"},
        headers=login(pdca_client, "piyawat"),
    )
    assert r.status_code == 403


def test_the_page_shows_a_refusal_as_a_table_of_rows_then_takes_the_fixed_file(
    pdca_client: TestClient, engine: Engine, round_id: int
) -> None:
    sign_in(pdca_client, "piyawat")
    page = pdca_client.get("/pages/pdca/rounds/import")
    assert page.status_code == 200
    assert "รายงานของกอง" in page.text and "ผลทั้งรอบ" not in page.text
    mine = report_id(engine, round_id, "ช่าง")
    assert f"/pages/pdca/rounds/reports/{mine}/import" in page.text
    lines = project_lines(["ช่าง"])
    broken = [dataclasses.replace(lines[0], status="เลื่อนออกไป"), *lines[1:]]
    r = pdca_client.post(
        f"/pages/pdca/rounds/reports/{mine}/import",
        data={"csrf": csrf_of(page.text), "data_as_of": "29 ก.ย. 2566"},
        files={"file": ("ช่าง.csv", csv_report(broken), "text/csv")},
    )
    assert r.status_code == 422
    assert 'id="import-problems"' in r.text
    assert "<td>3</td>" in r.text and "<td>สถานะ</td>" in r.text
    assert "สถานะ “เลื่อนออกไป” ไม่อยู่ในรายการ" in r.text
    assert statuses(engine, round_id) == {ProjectStatus.awaiting}

    r = pdca_client.post(
        f"/pages/pdca/rounds/reports/{mine}/import",
        data={"csrf": csrf_of(page.text), "data_as_of": "29 ก.ย. 2566"},
        files={"file": ("ช่าง.xlsx", xlsx_report(lines), XLSX)},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    done = pdca_client.get(r.headers["location"])
    assert f"{len(lines)} โครงการ" in done.text
    with Session(engine) as session:
        report = session.get(DivisionReport, mine)
        assert report is not None and report.status == ReportStatus.requested
        assert str(report.data_as_of) == "2023-09-29"

    sign_in(pdca_client, "somchai")
    page = pdca_client.get("/pages/pdca/rounds/import")
    assert "ผลทั้งรอบ" in page.text and "รายงานผลย้อนหลัง" in page.text
    r = pdca_client.post(
        "/pages/pdca/rounds/history/import",
        data={"csrf": csrf_of(page.text), "fiscal_year": "25xx"},
        files={"file": ("x.csv", csv_report(lines), "text/csv")},
    )
    assert r.status_code == 422 and "กรุณาระบุปีงบประมาณ" in r.text
