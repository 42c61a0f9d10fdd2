"""The complaint on the officers' pages: the panel on its steps (description, photos, the map's
point, the complainant's contact as far as the reader may see it, possible duplicates, its
events), the screening form's selects, evidence uploaded from the result step, and the list
of complaints with its filters."""

import re
from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from core.db import utcnow
from models.complaint import Complaint, ComplaintPhoto, ComplaintStatus, PhotoKind
from tests.complaints.test_complaints import (
    JPEG,
    PNG,
    complaint_row,
    decide,
    inbox_step,
    login,
    submit_web,
)
from tests.helpers import csrf_of, sign_in


def step_of(client: TestClient, username: str, complaint_id: int, kind: str) -> dict[str, Any]:
    step = inbox_step(client, login(client, username), complaint_id)
    assert step["kind"] == kind, step
    return step


def page(client: TestClient, username: str, url: str, status: int = 200) -> str:
    sign_in(client, username)
    r = client.get(url)
    assert r.status_code == status, r.text
    return r.text


def options_of(html: str, name: str) -> list[tuple[str, str]]:
    match = re.search(rf'<select name="{name}">(.*?)</select>', html, re.S)
    assert match, f"no select {name}"
    return re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', match.group(1))


def to_division(client: TestClient, engine: Engine, number: str) -> int:
    """Filed and routed to ช่าง (the category's division), receipt confirmed, date announced."""
    cid = complaint_row(engine, number).id
    decide(client, "nipa", cid, "screen", outcome="route")
    decide(client, "chatchai", cid, "receipt", outcome="receive")
    planned = (utcnow().date() + timedelta(days=3)).isoformat()
    decide(client, "chatchai", cid, "schedule", planned_date=planned, comment="ตรวจพื้นที่แล้ว")
    return cid  # type: ignore[return-value]


# --------------------------------------------------------------------------- the panel


def test_screening_step_shows_the_complaint_and_fills_the_selects(client, engine):
    receipt = submit_web(client)
    row = complaint_row(engine, receipt["number"])
    step = step_of(client, "nipa", row.id, "screen")
    with Session(engine) as s:
        photo = s.exec(select(ComplaintPhoto).where(ComplaintPhoto.complaint_id == row.id)).one()

    html = page(client, "nipa", f"/pages/steps/{step['id']}")
    assert f'เรื่องร้องเรียนเลขที่ <span class="number">{row.number}</span>' in html
    assert "ไฟฟ้าส่องสว่างหน้าบ้านเลขที่ 12 ดับมา 3 คืนแล้ว" in html
    assert "ซอยมิตรภาพ 5 ถนนมิตรภาพ" in html
    assert ComplaintStatus.screening.thai in html and "ไฟฟ้าสาธารณะชำรุด/ดับ" in html
    assert re.search(r"กำหนดแล้วเสร็จ</dt><dd[^>]*>\d{1,2} \S+ 25\d\d<", html)  # พ.ศ.
    photo_url = f"/api/complaints/{row.id}/photos/{photo.id}"
    assert f'<img src="{photo_url}"' in html
    assert client.get(photo_url).content == PNG  # the page's cookie opens the photo
    # The map's point, its coordinates and the way out to OpenStreetMap; Leaflet served here.
    assert 'data-lat="16.4419" data-lng="102.836"' in html
    assert "16.44190, 102.83600" in html and "เปิดใน OpenStreetMap" in html
    assert "mlat=16.4419" in html
    assert '<script src="/static/vendor/leaflet/leaflet.js">' in html
    assert client.get("/static/vendor/leaflet/leaflet.js").status_code == 200
    assert client.get("/static/vendor/leaflet/leaflet.css").status_code == 200
    # The centre sees the complainant; the events carry Thai names, public or internal.
    assert "นายสมหมาย ใจงาม" in html and "081-234-5678" in html
    assert re.search(r'รับเรื่องร้องเรียนแล้ว</strong>\s*<span class="badge public">', html)

    divisions = options_of(html, "division_code")
    assert divisions[1][0] == "ช่าง" and "ค่าเริ่มต้นตามประเภทเรื่อง" in divisions[1][1]
    assert {"สธ.", "สป.", "สส."} <= {v for v, _ in divisions}
    categories = dict(options_of(html, "category"))
    assert categories["garbage"] == "ขยะไม่ได้รับการจัดเก็บ"
    assert "(ประเภทปัจจุบัน)" in categories["street-light"]
    agencies = [v for v, _ in options_of(html, "agency")]
    assert "การไฟฟ้าส่วนภูมิภาคจังหวัดขอนแก่น" in agencies and agencies[-1] == "other"
    # the script that lets "other" be typed, from a file (the pages' CSP allows no inline one)
    assert 'data-other-agency="other"' in html and "/static/complaint-panel.js" in html
    assert "<script>" not in html
    assert '<input name="merge_into"' in html  # nothing else open yet: the number is typed


def test_routing_from_the_page_uses_the_chosen_division(client, engine):
    receipt = submit_web(client)
    row = complaint_row(engine, receipt["number"])
    step = step_of(client, "nipa", row.id, "screen")
    html = page(client, "nipa", f"/pages/steps/{step['id']}")
    r = client.post(
        f"/pages/steps/{step['id']}",
        data={
            "csrf": csrf_of(html),
            "outcome": "route",
            "division_code": "สธ.",
            "category": "",
            "agency": "",
            "merge_into": "",
            "comment": "",
        },
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    routed = complaint_row(engine, receipt["number"])
    assert routed.status == ComplaintStatus.routed
    assert step_of(client, "somsak", row.id, "receipt")  # สธ.'s section head has it now


def test_withheld_contact_hidden_from_the_division_shown_to_the_centre(client, engine):
    receipt = submit_web(
        client,
        complainant={"name": "นางบัวผัน ศรีสุข", "phone": "0899999999", "withhold_identity": True},
    )
    row = complaint_row(engine, receipt["number"])
    decide(client, "nipa", row.id, "screen", outcome="route")
    step = step_of(client, "chatchai", row.id, "receipt")

    division = page(client, "chatchai", f"/pages/steps/{step['id']}")
    assert "ผู้ร้องขอไม่เปิดเผยตัวตน" in division
    assert "นางบัวผัน" not in division and "0899999999" not in division
    assert "ไฟฟ้าส่องสว่างหน้าบ้าน" in division  # the complaint itself is theirs to read

    centre = page(client, "nipa", f"/pages/complaints/{row.id}")
    assert "นางบัวผัน ศรีสุข" in centre and "0899999999" in centre
    assert "เห็นได้เฉพาะศูนย์รับเรื่องร้องเรียน" in centre


def test_possible_duplicates_listed_and_offered_for_merging(client, engine):
    first = submit_web(client)
    second = submit_web(client, latitude=16.4420, longitude=102.8361)
    other_kind = submit_web(client, category="garbage", description="ขยะไม่ได้เก็บมา 3 วันแล้ว")
    a, b = complaint_row(engine, first["number"]), complaint_row(engine, second["number"])
    step = step_of(client, "nipa", b.id, "screen")

    html = page(client, "nipa", f"/pages/steps/{step['id']}")
    table = html.split("เรื่องที่อาจซ้ำกัน", 1)[1].split("</table>", 1)[0]
    assert f'<a href="/pages/complaints/{a.id}">{a.number}</a>' in table
    assert re.search(r"<td>1\d ม\.</td>", table)  # about 15 m apart
    merge = options_of(html, "merge_into")
    assert merge[1][0] == a.number and "ห่าง" in merge[1][1]
    assert other_kind["number"] not in {v for v, _ in merge}
    assert '"duplicates": [{"lat": 16.4419' in html.replace("&#34;", '"')


# --------------------------------------------------------------------------- evidence


def test_evidence_uploaded_from_the_result_step_then_resolved(client, engine):
    receipt = submit_web(client)
    cid = to_division(client, engine, receipt["number"])
    step = step_of(client, "chatchai", cid, "result")
    url = f"/pages/steps/{step['id']}"

    centre = page(client, "nipa", url)
    assert 'id="evidence-form"' not in centre  # only the division uploads evidence
    html = page(client, "chatchai", url)
    assert 'id="evidence-form"' in html and "ยังไม่มีรูปภาพหลักฐาน" in html
    token = re.search(r'name="token" value="([0-9a-f]+)"', html).group(1)

    forged = client.post(
        f"/pages/complaints/{cid}/evidence",
        data={"token": "0" * 40, "step_id": str(step["id"])},
        files=[("photos", ("after.jpg", JPEG, "image/jpeg"))],
        follow_redirects=False,
    )
    assert forged.status_code == 403 and "แบบฟอร์มหมดอายุ" in forged.text
    wrong = client.post(
        f"/pages/complaints/{cid}/evidence",
        data={"token": token, "step_id": str(step["id"])},
        files=[("photos", ("notes.txt", b"not an image", "text/plain"))],
        follow_redirects=False,
    )
    assert wrong.status_code == 422 and "ไม่ใช่ไฟล์ภาพ" in wrong.text
    assert f'href="{url}"' in wrong.text  # back to the step
    with Session(engine) as s:
        assert not s.exec(select(ComplaintPhoto).where(ComplaintPhoto.kind == "evidence")).all()

    r = client.post(
        f"/pages/complaints/{cid}/evidence",
        data={"token": token, "step_id": str(step["id"])},
        files=[("photos", ("after.jpg", JPEG, "image/jpeg"))],
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    assert r.headers["location"] == f"{url}#evidence"
    with Session(engine) as s:
        evidence = s.exec(
            select(ComplaintPhoto).where(ComplaintPhoto.kind == PhotoKind.evidence)
        ).one()
    html = client.get(url).text
    assert f'<img src="/api/complaints/{cid}/photos/{evidence.id}"' in html
    # The event by its Thai name, marked internal (the complainant's page does not show it).
    assert re.search(r'แนบรูปภาพหลักฐานผลการดำเนินการ</strong>\s*<span class="badge internal">', html)
    assert re.search(r'แจ้งกำหนดวันดำเนินการ</strong>\s*<span class="badge public">', html)

    r = client.post(
        url,
        data={"csrf": csrf_of(html), "outcome": "resolved", "result": "เปลี่ยนหลอดไฟใหม่แล้ว"},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    assert complaint_row(engine, receipt["number"]).status == ComplaintStatus.resolved


# --------------------------------------------------------------------------- the list


def test_list_filters_and_scope(client, engine):
    routed = submit_web(client)
    garbage = submit_web(client, category="garbage", description="ขยะไม่ได้เก็บมา 3 วันแล้ว")
    late = submit_web(client, description="ไฟดับทั้งซอยมานานแล้ว", latitude=16.45, longitude=102.84)
    routed_id = complaint_row(engine, routed["number"]).id
    decide(client, "nipa", routed_id, "screen", outcome="route")
    with Session(engine) as s:
        row = s.exec(select(Complaint).where(Complaint.number == late["number"])).one()
        row.expected_at = utcnow() - timedelta(days=2)
        s.add(row)
        s.commit()
    numbers = {routed["number"], garbage["number"], late["number"]}

    def listed(html: str) -> set[str]:
        return set(re.findall(r'data-number="([^"]+)"', html))

    html = page(client, "nipa", "/pages/complaints")
    assert '<a href="/pages/complaints">เรื่องร้องเรียน</a>' in html  # in the menu
    assert listed(html) == numbers
    assert listed(client.get("/pages/complaints?status=routed").text) == {routed["number"]}
    assert listed(client.get("/pages/complaints?status=open").text) == numbers
    assert listed(client.get("/pages/complaints?category=garbage").text) == {garbage["number"]}
    assert listed(client.get("/pages/complaints?division=ช่าง").text) == {routed["number"]}
    assert listed(client.get(f"/pages/complaints?q={late['number']}").text) == {late["number"]}
    overdue = client.get("/pages/complaints?overdue=1").text
    assert listed(overdue) == {late["number"]}
    assert 'class="overdue"' in overdue and "เกินกำหนด</span>" in overdue
    # Each row links to the step waiting on it (the centre's own, marked), or to the page.
    late_step = step_of(client, "nipa", complaint_row(engine, late["number"]).id, "screen")
    assert f'href="/pages/steps/{late_step["id"]}"' in overdue and "รอท่าน" in overdue

    division = page(client, "chatchai", "/pages/complaints")
    assert listed(division) == {routed["number"]}  # ช่าง sees only what was sent to it
    assert 'name="division"' not in division
    assert listed(page(client, "mayor", "/pages/complaints")) == numbers


def test_complaint_page_only_for_those_who_may_read_it(client, engine):
    receipt = submit_web(client)
    cid = complaint_row(engine, receipt["number"]).id
    decide(client, "nipa", cid, "screen", outcome="route")

    html = page(client, "chatchai", f"/pages/complaints/{cid}")
    assert "ขั้นตอนของเรื่อง" in html and "ตรวจสอบอำนาจหน้าที่" in html
    assert "ยืนยันการรับเรื่อง" in html and "รอท่าน" in html
    refused = page(client, "somsak", f"/pages/complaints/{cid}", status=403)  # สธ., not ช่าง
    assert "ท่านไม่มีสิทธิ์ดูเรื่องร้องเรียนนี้" in refused
    assert "ไม่พบเรื่องร้องเรียน" in page(client, "nipa", "/pages/complaints/999", status=404)
