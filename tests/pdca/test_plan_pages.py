"""The plan on the API and the pages: the import upload (CSV) with the differences, the plan's
page with them flagged, submitting from the page, the plan on its steps' pages with the
E-PlanNACC file, and the public page of the approved plan without signing in."""

import csv
import io
import re

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from domain.pdca import service
from models.pdca import Plan, PlanStatus
from models.people import User
from tests.helpers import csrf_of, login, sign_in
from tests.pdca.helpers import (
    INDICATORS_CSV,
    PLAN_CSV,
    RISKS_CSV,
    approve_up_to_the_mayor,
    approved_plan,
    import_plan,
    open_step,
    plan,
)

FILES = {
    "projects": ("anticorruption_plan_2566_2570.csv", PLAN_CSV, "text/csv"),
    "risks": ("risks.csv", RISKS_CSV, "text/csv"),
    "indicators": ("indicators.csv", INDICATORS_CSV, "text/csv"),
}


def test_the_api_imports_the_upload_and_answers_with_the_differences(
    pdca_client: TestClient, engine: Engine
) -> None:
    headers = login(pdca_client, "somchai")
    r = pdca_client.post("/api/pdca/plans/import", files=FILES, headers=headers)
    assert r.status_code == 201, r.text
    report = r.json()
    assert report["plan"]["version"] == 1 and report["plan"]["status"] == "draft"
    assert report["counts"]["projects"] == 56 and report["counts"]["risks"] == 9
    assert sorted((d["project_no"], d["field"]) for d in report["discrepancies"]) == [
        (10, "division"),
        (20, "budget"),
        (21, "budget"),
        (38, "budget"),
    ]
    plan_id = report["plan"]["id"]

    detail = pdca_client.get(f"/api/pdca/plans/{plan_id}", headers=headers).json()
    assert [d["projects"] for d in detail["dimensions"]] == [11, 24, 14, 7]
    assert [d["budget"]["baht"]["2566"] for d in detail["dimensions"]] == [
        "10251748.00",
        "316800.00",
        "13227400.00",
        "828000.00",
    ]
    assert detail["totals"]["satang"]["2570"] == 2_462_394_800
    (p38,) = [p for p in detail["projects"] if p["no"] == 38]
    assert p38["division_code"] == "สส." and p38["budget"]["baht"]["2567"] == "300000.00"
    assert detail["discrepancies"][0]["source_note"]

    # Someone outside the plan's audience may not read the draft; the owner division may.
    other = login(pdca_client, "chatchai")
    assert pdca_client.get(f"/api/pdca/plans/{plan_id}", headers=other).status_code == 403
    assert pdca_client.get("/api/pdca/plans", headers=other).json() == []
    assert len(pdca_client.get("/api/pdca/plans", headers=login(pdca_client, "wichai")).json()) == 1

    r = pdca_client.post(f"/api/pdca/plans/{plan_id}/submit", headers=headers)
    assert r.status_code == 200 and r.json()["status"] == "in_review"


def test_a_broken_upload_is_refused_with_its_rows(pdca_client: TestClient, engine: Engine) -> None:
    records = list(csv.reader(io.StringIO(PLAN_CSV.decode("utf-8"))))
    records[5][5] = "กองช่างไฟ"  # project 5's division: not in the organisation
    records[9][7] = "-5"  # project 9's budget for 2567: negative
    out = io.StringIO()
    csv.writer(out).writerows(records)
    r = pdca_client.post(
        "/api/pdca/plans/import",
        files={"projects": ("plan.csv", out.getvalue().encode(), "text/csv")},
        headers=login(pdca_client, "somchai"),
    )
    assert r.status_code == 422, r.text
    assert [(e["row"], e["project_no"]) for e in r.json()["errors"]] == [(6, 5), (10, 9)]
    assert "แถวที่ 6 (โครงการลำดับที่ 5)" in r.json()["detail"]
    with Session(engine) as session:
        assert session.exec(select(Plan)).first() is None
    r = pdca_client.post(
        "/api/pdca/plans/import", files=FILES, headers=login(pdca_client, "chatchai")
    )
    assert r.status_code == 403


def test_the_officer_imports_and_submits_from_the_pages(
    pdca_client: TestClient, engine: Engine
) -> None:
    sign_in(pdca_client, "somchai")
    page = pdca_client.get("/pages/pdca")
    assert page.status_code == 200 and "นำเข้าแผนจากไฟล์" in page.text
    assert 'href="/pages/pdca"' in page.text  # in the menu
    r = pdca_client.post(
        "/pages/pdca/import",
        data={"csrf": csrf_of(page.text), "name": ""},
        files=FILES,
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    detail = pdca_client.get(r.headers["location"])
    assert detail.status_code == 200
    html = detail.text
    assert "ข้อมูลไม่ตรงกันระหว่างตารางสรุปกับรายละเอียดโครงการ (4 รายการ)" in html
    assert html.count('class="flagged"') >= 4 + 4  # the list of differences and the rows
    assert "10,251,748" in html and "24,623,948" in html
    assert "มาตรการบริหารจัดการความเสี่ยงการทุจริตของเทศบาลนครขอนแก่น" in html
    assert "ไม่น้อยกว่า 80 ร้อยละ" in html
    assert "เผยแพร่ 9 รายการ" in html and "ต่ำกว่าเป้าหมายของโครงการลำดับที่ 52" not in html
    plan_id = int(re.search(r"/pages/pdca/plans/(\d+)", r.headers["location"]).group(1))  # type: ignore[union-attr]

    r = pdca_client.post(
        f"/pages/pdca/plans/{plan_id}/submit",
        data={"csrf": csrf_of(html)},
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert plan(engine, plan_id).status == PlanStatus.in_review

    # Another division sees no import form.
    sign_in(pdca_client, "chatchai")
    assert "เฉพาะบุคลากรกองยุทธศาสตร์และงบประมาณ" in pdca_client.get("/pages/pdca").text


def test_a_broken_file_on_the_page_names_its_rows(pdca_client: TestClient, engine: Engine) -> None:
    sign_in(pdca_client, "suda")
    page = pdca_client.get("/pages/pdca")
    r = pdca_client.post(
        "/pages/pdca/import",
        data={"csrf": csrf_of(page.text)},
        files={"projects": ("x.csv", PLAN_CSV.replace(b"\n3,1.1.1,", b"\n2,1.1.1,"), "text/csv")},
    )
    assert r.status_code == 422
    assert "ไฟล์โครงการ แถวที่ 4 (โครงการลำดับที่ 2): ลำดับที่โครงการ 2 ซ้ำกับแถวที่ 3" in r.text
    with Session(engine) as session:
        assert session.exec(select(Plan)).first() is None


def test_the_steps_show_the_plan_and_the_e_plannacc_file(
    pdca_client: TestClient, engine: Engine, org: dict[str, User]
) -> None:
    p = import_plan(engine, org["somchai"])
    service.submit_for_approval(engine, user_id=org["somchai"].id, plan_id=p.id)  # type: ignore[arg-type]
    committee_step = open_step(engine, p.id)  # type: ignore[arg-type]
    sign_in(pdca_client, "ratana")
    html = pdca_client.get(f"/pages/steps/{committee_step.id}").text
    assert "56 โครงการ ใน 4 มิติ" in html and "123,119,740" in html  # 5 × 24,623,948
    assert "ข้อมูลไม่ตรงกันในต้นฉบับ" in html

    approve_up_to_the_mayor(engine, org, p.id, announced_on="2022-09-29")  # type: ignore[arg-type]
    enacc = open_step(engine, p.id)  # type: ignore[arg-type]
    sign_in(pdca_client, "suda")
    html = pdca_client.get(f"/pages/steps/{enacc.id}").text
    assert "บันทึกแผนในระบบ E-PlanNACC ภายใน 30 กันยายน 2565" in html
    assert f"/pages/pdca/plans/{p.id}/eplannacc.csv" in html
    assert 'name="submitted_on"' in html

    download = pdca_client.get(f"/pages/pdca/plans/{p.id}/eplannacc.csv")
    assert download.status_code == 200
    assert download.headers["content-type"].startswith("text/csv")
    assert "eplannacc-2566-2570-v1.csv" in download.headers["content-disposition"]
    text = download.content.decode("utf-8")
    assert text.startswith("\ufeff")
    lines = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    header = lines[2]
    assert header[:6] == [
        "ลำดับ",
        "มิติ",
        "ภารกิจตามมิติ",
        "รหัส",
        "โครงการ/กิจกรรม/มาตรการ",
        "หน่วยงานที่รับผิดชอบ",
    ]
    projects = [row for row in lines[3:] if row[0].isdigit()]
    assert len(projects) == 56
    assert projects[20][5] == "กองยุทธศาสตร์และงบประมาณ" and projects[20][6] == "60000.00"
    (total,) = [row for row in lines if row[1] == "รวมทั้งสิ้น"]
    assert total[6:11] == ["24623948.00"] * 5 and total[11] == "123119740.00"
    data = pdca_client.get(f"/pages/pdca/plans/{p.id}/eplannacc.json").json()
    assert data["totals"]["budget_satang"]["2566"] == 2_462_394_800
    assert len(data["risks"]) == 9

    # Recorded from the step's page, the date in พ.ศ.
    page = pdca_client.get(f"/pages/steps/{enacc.id}")
    r = pdca_client.post(
        f"/pages/steps/{enacc.id}",
        data={
            "csrf": csrf_of(page.text),
            "outcome": "acknowledge",
            "submitted_on": "30/09/2565",
            "reference": "EPN-2565-0001",
        },
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    done = plan(engine, p.id)  # type: ignore[arg-type]
    assert (done.enacc_reference, str(done.enacc_submitted_on)) == ("EPN-2565-0001", "2022-09-30")
    detail = pdca_client.get(f"/pages/pdca/plans/{p.id}").text
    assert "ทันกำหนด" in detail and "EPN-2565-0001" in detail


def test_the_public_page_shows_the_approved_plan_without_login(
    pdca_client: TestClient, engine: Engine, org: dict[str, User]
) -> None:
    pdca_client.cookies.clear()
    r = pdca_client.get("/pdca/plan")
    assert r.status_code == 404 and "ยังไม่มีแผนที่ประกาศใช้" in r.text
    draft = import_plan(engine, org["somchai"])
    assert pdca_client.get(f"/pdca/plans/{draft.id}").status_code == 404  # a draft is not public

    first = approved_plan(engine, org)
    pdca_client.cookies.clear()
    r = pdca_client.get("/pdca/plan")
    assert r.status_code == 200
    html = r.text
    assert first.name in html
    assert "ประกาศ ณ วันที่ 29 กันยายน 2565" in html
    for dimension in ("การสร้างวัฒนธรรมสุจริต", "การบริหารราชการด้วยความโปร่งใส"):
        assert dimension in html
    assert "10,251,748" in html and "13,227,400" in html and "24,623,948" in html
    assert "บ้านสีขาว ชุมชนสีขาว" in html and "สส. = สำนักสวัสดิการสังคม" in html
    assert '<link rel="stylesheet" href="/static/pdca.css">' in html  # no inline style (CSP)
    css = pdca_client.get("/static/pdca.css").text
    assert "@page { size: A4" in css and "@media print" in css
    assert "การประเมินความเสี่ยงการทุจริต (9 รายการ)" in html
    assert "นายกเทศมนตรีนครขอนแก่น" in html
    assert "ข้อมูลไม่ตรงกัน" not in html  # internal
    assert "/pages/login" not in r.url.path

    # A revision approved later replaces it; the earlier version stays readable, marked.
    second = service.revise_plan(
        engine,
        user_id=org["somchai"].id,
        plan_id=first.id,
        reason="ทบทวน",  # type: ignore[arg-type]
    )
    service.submit_for_approval(engine, user_id=org["somchai"].id, plan_id=second.id)  # type: ignore[arg-type]
    approve_up_to_the_mayor(engine, org, second.id)  # type: ignore[arg-type]
    assert "ฉบับปรับปรุงครั้งที่ 1" in pdca_client.get("/pdca/plan").text
    old = pdca_client.get(f"/pdca/plans/{first.id}").text
    assert f'href="/pdca/plans/{second.id}"' in old and "ถูกแทนที่ด้วย" in old


def test_a_plan_without_five_published_risks_is_flagged(
    pdca_client: TestClient, engine: Engine, org: dict[str, User]
) -> None:
    p = import_plan(engine, org["somchai"], risks=None)
    sign_in(pdca_client, "wichai")
    html = pdca_client.get(f"/pages/pdca/plans/{p.id}").text
    assert "ต่ำกว่าเป้าหมายของโครงการลำดับที่ 52 (อย่างน้อย 5 เรื่อง" in html
