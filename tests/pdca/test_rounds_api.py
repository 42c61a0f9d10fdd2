"""Reporting rounds through the JSON API and the officers' pages: the coordinator opens a round
and follows it, a division's officer saves, attaches evidence and submits the division's report
(another division is refused with 403, bad values with 422 naming the project), the director
approves on the step's page, where the report is shown."""

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from models.pdca_round import DivisionReport, ProjectResult, ProjectStatus, ResultEvidence
from models.people import User
from tests.helpers import csrf_of, login, sign_in
from tests.pdca.helpers import approved_plan
from tests.pdca.rounds_helpers import complete_entry, division_step

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def plan_id(engine: Engine, org: dict[str, User]) -> int:
    return approved_plan(engine, org).id  # type: ignore[return-value]


def open_round(client: TestClient, plan_id: int) -> dict:
    r = client.post(
        "/api/pdca/rounds",
        json={"plan_id": plan_id, "fiscal_year": 2566, "kind": "12-month"},
        headers=login(client, "somchai"),
    )
    assert r.status_code == 201, r.text
    return r.json()


def report_id_of(client: TestClient, round_id: int, code: str, who: str = "somchai") -> int:
    progress = client.get(f"/api/pdca/rounds/{round_id}", headers=login(client, who)).json()
    return next(d["report_id"] for d in progress["divisions"] if d["division_code"] == code)


def test_the_api_opens_a_round_and_a_division_reports_it(
    pdca_client: TestClient, engine: Engine, plan_id: int
) -> None:
    opened = open_round(pdca_client, plan_id)
    assert opened["created"] and opened["round"]["title"].endswith("ปีงบประมาณ พ.ศ. 2566")
    again = pdca_client.post(
        "/api/pdca/rounds",
        json={"plan_id": plan_id, "fiscal_year": 2566, "kind": "12-month"},
        headers=login(pdca_client, "suda"),
    )
    assert again.json()["created"] is False and again.json()["round"]["id"] == opened["round"]["id"]
    refused = pdca_client.post(
        "/api/pdca/rounds",
        json={"plan_id": plan_id, "fiscal_year": 2567, "kind": "6-month"},
        headers=login(pdca_client, "kanokwan"),
    )
    assert refused.status_code == 403
    round_id = opened["round"]["id"]
    progress = pdca_client.get(f"/api/pdca/rounds/{round_id}", headers=login(pdca_client, "malee"))
    body = progress.json()
    assert len(body["divisions"]) == 9 and body["late"] == 9  # due 31 Oct 2566, long past
    assert all(d["overdue"] and d["status"] == "requested" for d in body["divisions"])

    report_id = report_id_of(pdca_client, round_id, "คลัง")
    entry = complete_entry(engine, plan_id, "คลัง", disbursed={3: 145_000_00})
    # Another division's officer may neither read-modify nor submit it.
    other = login(pdca_client, "piyawat")
    assert (
        pdca_client.put(
            f"/api/pdca/reports/{report_id}", json=entry.model_dump(mode="json"), headers=other
        ).status_code
        == 403
    )
    assert (
        pdca_client.post(
            f"/api/pdca/reports/{report_id}/submit", json={}, headers=other
        ).status_code
        == 403
    )
    officer = login(pdca_client, "kanokwan")
    saved = pdca_client.put(
        f"/api/pdca/reports/{report_id}", json=entry.model_dump(mode="json"), headers=officer
    )
    assert saved.status_code == 200, saved.text
    project_3 = next(r for r in saved.json()["results"] if r["project_no"] == 3)
    assert project_3["status"] == "completed" and project_3["disbursed_satang"] == 145_000_00
    assert saved.json()["editable"] is True

    upload = pdca_client.post(
        f"/api/pdca/reports/{report_id}/evidence",
        data={"project_no": "3"},
        files={"file": ("ใบเสร็จ.pdf", PDF, "application/pdf")},
        headers=officer,
    )
    assert upload.status_code == 201, upload.text
    fake = pdca_client.post(
        f"/api/pdca/reports/{report_id}/evidence",
        data={"project_no": "3"},
        files={"file": ("virus.pdf", b"MZ\x90\x00", "application/pdf")},
        headers=officer,
    )
    assert fake.status_code == 422 and "โครงการลำดับที่ 3" in fake.json()["detail"]
    download = pdca_client.get(f"/api/pdca/evidence/{upload.json()['id']}", headers=officer)
    assert download.status_code == 200 and download.content == PDF
    assert "attachment" in download.headers["content-disposition"]

    submitted = pdca_client.post(
        f"/api/pdca/reports/{report_id}/submit", json={"comment": "ส่งรายงาน"}, headers=officer
    )
    assert submitted.status_code == 200, submitted.text
    assert submitted.json()["report"]["status"] == "submitted"
    assert submitted.json()["report"]["editable"] is False
    again_put = pdca_client.put(
        f"/api/pdca/reports/{report_id}", json=entry.model_dump(mode="json"), headers=officer
    )
    assert again_put.status_code == 409

    director_step = division_step(engine, round_id, _division_id(engine, report_id))
    decided = pdca_client.post(
        f"/api/steps/{director_step.id}/decision",
        json={"outcome": "approve", "comment": "เห็นชอบ"},
        headers=login(pdca_client, "thawee"),
    )
    assert decided.status_code == 201, decided.text
    after = pdca_client.get(f"/api/pdca/rounds/{round_id}", headers=login(pdca_client, "somchai"))
    finance = next(d for d in after.json()["divisions"] if d["division_code"] == "คลัง")
    assert finance["status"] == "approved" and not finance["overdue"] and finance["submitted_late"]


def _division_id(engine: Engine, report_id: int) -> int:
    with Session(engine) as session:
        return session.get(DivisionReport, report_id).division_id  # type: ignore[union-attr]


def test_bad_values_through_the_api_are_refused_in_thai_with_nothing_stored(
    pdca_client: TestClient, engine: Engine, plan_id: int
) -> None:
    round_id = open_round(pdca_client, plan_id)["round"]["id"]
    report_id = report_id_of(pdca_client, round_id, "ตส.")
    body = complete_entry(engine, plan_id, "ตส.").model_dump(mode="json")
    body["results"][0]["status"] = "not_done"
    body["results"][1]["disbursed_satang"] = -5
    r = pdca_client.put(
        f"/api/pdca/reports/{report_id}", json=body, headers=login(pdca_client, "prapai")
    )
    assert r.status_code == 422
    messages = [e["message"] for e in r.json()["errors"]]
    no_0, no_1 = body["results"][0]["project_no"], body["results"][1]["project_no"]
    assert any(f"โครงการลำดับที่ {no_0}" in m and "ระบุเหตุผล" in m for m in messages)
    assert any(f"โครงการลำดับที่ {no_1}" in m and "ติดลบ" in m for m in messages)
    body["results"][0]["status"] = "done-ish"
    r = pdca_client.put(
        f"/api/pdca/reports/{report_id}", json=body, headers=login(pdca_client, "prapai")
    )
    assert r.status_code == 422
    with Session(engine) as session:
        stored = session.exec(
            select(ProjectResult).where(ProjectResult.division_report_id == report_id)
        ).all()
        assert {s.status for s in stored} == {ProjectStatus.awaiting}


def test_the_officer_reports_on_the_page_and_the_director_approves_on_the_step_page(
    pdca_client: TestClient, engine: Engine, plan_id: int
) -> None:
    sign_in(pdca_client, "somchai")
    page = pdca_client.get("/pages/pdca/rounds")
    assert page.status_code == 200 and "เปิดรอบการรายงาน" in page.text
    r = pdca_client.post(
        "/pages/pdca/rounds",
        data={
            "csrf": csrf_of(page.text),
            "plan_id": plan_id,
            "fiscal_year": 2566,
            "kind": "12-month",
        },
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    round_id = int(re.search(r"/pages/pdca/rounds/(\d+)", r.headers["location"]).group(1))  # type: ignore[union-attr]
    followed = pdca_client.get(r.headers["location"]).text
    assert "เลยกำหนด" in followed and "กองการเจ้าหน้าที่" in followed

    report_id = report_id_of(pdca_client, round_id, "ศษ.")
    sign_in(pdca_client, "orathai")
    form_page = pdca_client.get(f"/pages/pdca/reports/{report_id}")
    assert form_page.status_code == 200 and 'id="report-form"' in form_page.text
    entry = complete_entry(engine, plan_id, "ศษ.")
    data: dict[str, str] = {"csrf": csrf_of(form_page.text), "data_as_of": "2023-09-30"}
    for result in entry.results:
        no = result.project_no
        data[f"status-{no}"] = "completed"
        data[f"disbursed-{no}"] = "๑๒,๓๔๕.๕๐"  # Thai digits and a thousands separator
        data[f"note-{no}"] = "ดำเนินการแล้ว"
        for value in result.indicators:
            data[f"ind-{no}-{value.indicator_id}"] = str(value.value)
    first = entry.results[0].project_no
    broken = data | {f"disbursed-{first}": "สองพัน", "action": "save"}
    refused = pdca_client.post(f"/pages/pdca/reports/{report_id}", data=broken)
    assert refused.status_code == 422 and f"โครงการลำดับที่ {first}: เงินเบิกจ่าย" in refused.text
    sent = pdca_client.post(
        f"/pages/pdca/reports/{report_id}", data=data | {"action": "submit"}, follow_redirects=False
    )
    assert sent.status_code == 303, sent.text
    with Session(engine) as session:
        amounts = {
            r.disbursed_satang
            for r in session.exec(
                select(ProjectResult).where(ProjectResult.division_report_id == report_id)
            )
        }
    assert amounts == {12_345_50}

    step = division_step(engine, round_id, _division_id(engine, report_id))
    sign_in(pdca_client, "boonmee")
    step_page = pdca_client.get(f"/pages/steps/{step.id}")
    assert step_page.status_code == 200
    assert "รายงานผลของกอง" in step_page.text and "12,345.50" in step_page.text
    decided = pdca_client.post(
        f"/pages/steps/{step.id}",
        data={"csrf": csrf_of(step_page.text), "outcome": "approve", "comment": "เห็นชอบ"},
        follow_redirects=False,
    )
    assert decided.status_code in (200, 303), decided.text
    sign_in(pdca_client, "somchai")
    round_page = pdca_client.get(f"/pages/pdca/rounds/{round_id}").text
    row = re.search(r'data-division="ศษ\.">(.*?)</tr>', round_page, re.S).group(1)  # type: ignore[union-attr]
    assert "ผู้อำนวยการกองเห็นชอบแล้ว" in row
    with Session(engine) as session:
        assert session.exec(select(ResultEvidence)).first() is None
