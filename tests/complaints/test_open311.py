"""Open311 GeoReport v2 under /open311/v2: the shapes of the spec's examples, filters, a created
request retrievable, the spec's error format, and no personal data in any answer."""

from datetime import datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from domain.engine.calendar import BANGKOK
from models.complaint import Channel, Complaint, ComplaintStatus
from tests.complaints.test_complaints import work_to_resolved

SERVICE_KEYS = {
    "service_code",
    "service_name",
    "description",
    "metadata",
    "type",
    "keywords",
    "group",
}
REQUEST_KEYS = {
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
}


def report(**over: Any) -> dict[str, Any]:
    data = {
        "api_key": "xyz",
        "service_code": "street-light",
        "lat": "16.4419",
        "long": "102.8360",
        "address_string": "ซอยมิตรภาพ 5 ถนนมิตรภาพ",
        "description": "ไฟฟ้าส่องสว่างหน้าบ้านดับมา 3 คืนแล้ว",
        "email": "sommai@example.com",
        "first_name": "สมหมาย",
        "last_name": "ใจงาม",
        "phone": "0812345678",
    }
    data.update(over)
    return {k: v for k, v in data.items() if v is not None}


def post(client: TestClient, **over: Any) -> Any:
    return client.post("/open311/v2/requests.json", data=report(**over))


def count(engine: Engine) -> int:
    with Session(engine) as s:
        return s.exec(select(func.count()).select_from(Complaint)).one()


def test_service_list_and_definition(client: TestClient) -> None:
    r = client.get("/open311/v2/services.json")
    assert r.status_code == 200
    services = r.json()
    assert services and all(set(s) == SERVICE_KEYS for s in services)
    light = next(s for s in services if s["service_code"] == "street-light")
    assert light["service_name"] == "ไฟฟ้าสาธารณะชำรุด/ดับ"
    assert light["metadata"] is False and light["type"] == "realtime"
    assert "ดับ" in light["keywords"].split(",") and light["group"]

    r = client.get("/open311/v2/services/street-light.json")
    assert r.status_code == 200
    assert r.json() == {"service_code": "street-light", "attributes": []}
    r = client.get("/open311/v2/services/no-such.json")
    assert r.status_code == 404
    assert r.json()[0]["code"] == 404 and r.json()[0]["description"]


def test_create_and_retrieve_without_personal_data(client: TestClient, engine: Engine) -> None:
    r = post(client)
    assert r.status_code == 201, r.text
    [created] = r.json()
    assert set(created) == {"service_request_id", "service_notice", "account_id", "token"}
    assert created["account_id"] is None and created["token"] is None
    number = created["service_request_id"]
    assert number.startswith("KKC-")
    with Session(engine) as s:
        row = s.exec(select(Complaint).where(Complaint.number == number)).one()
        assert row.channel == Channel.open311
        assert row.complainant_name == "สมหมาย ใจงาม"
        assert row.complainant_email == "sommai@example.com"

    r = client.get(f"/open311/v2/requests/{number}.json")
    assert r.status_code == 200
    [req] = r.json()
    assert set(req) == REQUEST_KEYS
    assert req["service_request_id"] == number
    assert req["status"] == "open"
    assert req["service_code"] == "street-light"
    assert req["service_name"] == "ไฟฟ้าสาธารณะชำรุด/ดับ"
    assert req["lat"] == pytest.approx(16.4419) and req["long"] == pytest.approx(102.8360)
    assert req["address"] == "ซอยมิตรภาพ 5 ถนนมิตรภาพ"
    assert req["agency_responsible"] and req["media_url"] is None
    for key in ("requested_datetime", "updated_datetime", "expected_datetime"):
        assert datetime.fromisoformat(req[key]).tzinfo is not None
    text = r.text
    for secret in ("สมหมาย", "ใจงาม", "sommai@", "0812345678", "PIN"):
        assert secret not in text
    listing = client.get("/open311/v2/requests.json").text
    for secret in ("สมหมาย", "sommai@", "0812345678", "PIN"):
        assert secret not in listing

    r = client.get("/open311/v2/requests/KKC-2500-999999.json")
    assert r.status_code == 404 and r.json()[0]["code"] == 404


@pytest.mark.parametrize(
    "over",
    [
        {"service_code": "no-such"},
        {"service_code": None},
        {"lat": None, "long": None, "address_string": None},
        {"long": None, "address_string": None},
        {"lat": "north"},
        {"description": None},
        {"email": None, "phone": None},
    ],
)
def test_bad_requests_store_nothing(client: TestClient, engine: Engine, over: Any) -> None:
    r = post(client, **over)
    assert r.status_code == 400, r.text
    [error] = r.json()
    assert error["code"] == 400 and error["description"]
    assert count(engine) == 0


def test_address_only_and_filters(client: TestClient, engine: Engine) -> None:
    a = post(client).json()[0]["service_request_id"]
    b = post(client, service_code="garbage", lat=None, long=None).json()[0]["service_request_id"]
    c = post(client, service_code="garbage", description="ขยะไม่ได้เก็บมาหนึ่งสัปดาห์แล้ว")
    c = c.json()[0]["service_request_id"]
    with Session(engine) as s:
        row = s.exec(select(Complaint).where(Complaint.number == c)).one()
        row.status = ComplaintStatus.withdrawn
        old = s.exec(select(Complaint).where(Complaint.number == a)).one()
        old.registered_at = datetime.now(BANGKOK) - timedelta(days=120)
        s.commit()

    def numbers(**params: str) -> list[str]:
        r = client.get("/open311/v2/requests.json", params=params)
        assert r.status_code == 200, r.text
        return [x["service_request_id"] for x in r.json()]

    assert set(numbers()) == {b, c}  # the last 90 days by default
    assert numbers(service_code="garbage", status="open") == [b]
    assert numbers(status="closed") == [c]
    assert set(numbers(status="open,closed")) == {b, c}
    assert numbers(service_code="street-light") == []
    assert set(numbers(service_request_id=f"{a},{c}")) == {a, c}  # other filters ignored
    start = (datetime.now(BANGKOK) - timedelta(days=200)).isoformat(timespec="seconds")
    end = (datetime.now(BANGKOK) - timedelta(days=100)).isoformat(timespec="seconds")
    assert numbers(start_date=start, end_date=end) == [a]
    closed = client.get(f"/open311/v2/requests/{c}.json").json()[0]
    assert closed["status"] == "closed" and closed["status_notes"]

    r = client.get("/open311/v2/requests.json", params={"start_date": "yesterday"})
    assert r.status_code == 400 and r.json()[0]["code"] == 400
    r = client.get("/open311/v2/requests.json", params={"status": "pending"})
    assert r.status_code == 400 and r.json()[0]["code"] == 400


def test_open311_request_to_resolved_shows_closed(client: TestClient, engine: Engine) -> None:
    [created] = post(client).json()
    number = created["service_request_id"]
    work_to_resolved(client, engine, number)
    [req] = client.get(f"/open311/v2/requests/{number}.json").json()
    assert req["status"] == "closed"
    assert "เปลี่ยนหลอดไฟใหม่แล้ว" in req["status_notes"]
    closed = client.get("/open311/v2/requests.json", params={"status": "closed"}).json()
    assert number in {r["service_request_id"] for r in closed}
