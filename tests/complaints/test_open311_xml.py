"""Open311 GeoReport v2 in XML beside JSON: every path in both formats (.xml/.json), the spec's
XML shapes element by element (ElementTree), the same data in both, errors as the spec's
<errors>, UTF-8 Thai text, Service Discovery; and, under a real uvicorn, the PyPI client
``georeport`` reading services and requests in both formats."""

import json
import re
import secrets
import xml.etree.ElementTree as ET
from typing import Any

import httpx
import pytest
import requests
import xmltodict
from fastapi.testclient import TestClient
from georeport import GeoReport
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from api.complaints.open311 import error_answer
from core.settings import get_settings
from models.complaint import Complaint
from tests.browser import running_api
from tests.complaints.test_complaints import work_to_resolved
from tests.complaints.test_open311 import report

V2 = "/open311/v2"
SPEC = "http://wiki.open311.org/GeoReport_v2"
# The spec's elements, in the order of its examples.
SERVICE = [
    "service_code",
    "service_name",
    "description",
    "metadata",
    "type",
    "keywords",
    "group",
]
REQUEST = [
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
]
CREATED = ["service_request_id", "service_notice", "account_id"]
ENDPOINT = ["specification", "url", "changeset", "type", "formats"]
LIGHT = "ไฟฟ้าสาธารณะชำรุด/ดับ"
DECLARATION = re.compile(rb"""^<\?xml version=["']1\.0["'] encoding=["']utf-8["']\?>""", re.I)


def xml_of(r: httpx.Response | requests.Response, status: int = 200) -> ET.Element:
    """The answer's root element, after checking it is UTF-8 XML with its declaration."""
    assert r.status_code == status, r.text
    kind = r.headers["content-type"].replace(" ", "").lower()
    assert kind in ("text/xml;charset=utf-8", "application/xml;charset=utf-8"), kind
    assert DECLARATION.match(r.content), r.content[:80]
    return ET.fromstring(r.content)


def tags(element: ET.Element) -> list[str]:
    return [child.tag for child in element]


def text(value: Any) -> str | None:
    """A JSON value as the spec writes it in XML (an empty element has no text)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def as_xml_fields(entry: dict[str, Any]) -> dict[str, str | None]:
    return {k: text(v) for k, v in entry.items()}


def fields(element: ET.Element) -> dict[str, str | None]:
    return {child.tag: child.text for child in element}


def errors_of(r: httpx.Response | requests.Response, code: int) -> str:
    """The spec's <errors><error><code/><description/></error></errors>; its description."""
    root = xml_of(r, status=code)
    assert root.tag == "errors" and tags(root) == ["error"]
    assert tags(root[0]) == ["code", "description"]
    assert root[0].findtext("code") == str(code)
    description = root[0].findtext("description")
    assert description
    return description


def post_xml(client: TestClient, **over: Any) -> httpx.Response:
    return client.post(f"{V2}/requests.xml", data=report(**over))


def created_number(client: TestClient, **over: Any) -> str:
    root = xml_of(post_xml(client, **over), status=201)
    number = root.findtext("request/service_request_id")
    assert number and number.startswith("KKC-")
    return number


def count(engine: Engine) -> int:
    with Session(engine) as s:
        return s.exec(select(func.count()).select_from(Complaint)).one()


# --------------------------------------------------------------------------- services


def test_service_list_xml_is_the_json_list_in_the_spec_shape(client: TestClient) -> None:
    r = client.get(f"{V2}/services.xml")
    root = xml_of(r)
    assert root.tag == "services" and set(tags(root)) == {"service"}
    assert LIGHT.encode("utf-8") in r.content  # Thai as UTF-8 text, not character references
    for service in root:
        assert tags(service) == SERVICE
    listed = client.get(f"{V2}/services.json").json()
    assert [fields(s) for s in root] == [as_xml_fields(s) for s in listed]
    light = next(s for s in root if s.findtext("service_code") == "street-light")
    assert light.findtext("service_name") == LIGHT
    assert light.findtext("metadata") == "false" and light.findtext("type") == "realtime"


def test_service_definition_xml(client: TestClient) -> None:
    root = xml_of(client.get(f"{V2}/services/street-light.xml"))
    assert root.tag == "service_definition"
    assert tags(root) == ["service_code", "attributes"]
    assert root.findtext("service_code") == "street-light"
    assert len(root.find("attributes")) == 0  # type: ignore[arg-type]

    description = errors_of(client.get(f"{V2}/services/no-such.xml"), 404)
    assert "no-such" in description and "ไม่พบ" in description
    assert client.get(f"{V2}/services/no-such.json").json()[0]["code"] == 404


def test_unknown_format_is_no_route(client: TestClient) -> None:
    for path in ("/services.csv", "/services/street-light.yaml", "/requests.html"):
        assert client.get(V2 + path).status_code == 404
    assert client.post(f"{V2}/requests.txt", data=report()).status_code == 404


# --------------------------------------------------------------------------- requests


def test_post_xml_answer_and_the_request_in_both_formats(
    client: TestClient, engine: Engine
) -> None:
    r = post_xml(client)
    root = xml_of(r, status=201)
    assert root.tag == "service_requests" and tags(root) == ["request"]
    assert tags(root[0]) == CREATED  # no <token>: the request is created in real time
    number = root[0].findtext("service_request_id")
    notice = root[0].findtext("service_notice")
    assert number and number.startswith("KKC-") and notice and number in notice
    assert root[0].find("account_id").text is None  # type: ignore[union-attr]
    assert count(engine) == 1

    r = client.get(f"{V2}/requests/{number}.xml")
    root = xml_of(r)
    assert root.tag == "service_requests" and tags(root) == ["request"]
    assert tags(root[0]) == REQUEST
    [as_json] = client.get(f"{V2}/requests/{number}.json").json()
    assert fields(root[0]) == as_xml_fields(as_json)
    got = fields(root[0])
    assert got["status"] == "open" and got["service_name"] == LIGHT
    assert float(got["lat"] or "nan") == pytest.approx(16.4419)
    assert got["media_url"] is None and got["zipcode"] is None
    assert "ถนนมิตรภาพ".encode() in r.content
    for secret in ("สมหมาย", "ใจงาม", "sommai@", "0812345678", "PIN"):
        assert secret.encode() not in r.content

    listing = client.get(f"{V2}/requests.xml")
    root = xml_of(listing)
    assert root.tag == "service_requests" and set(tags(root)) == {"request"}
    assert number in {x.findtext("service_request_id") for x in root}
    for secret in ("สมหมาย", "sommai@", "0812345678", "PIN"):
        assert secret.encode() not in listing.content

    errors_of(client.get(f"{V2}/requests/KKC-2500-999999.xml"), 404)


def test_request_listing_xml_filters_and_closed_notes(client: TestClient, engine: Engine) -> None:
    a = created_number(client)
    b = created_number(client, service_code="garbage", lat=None, long=None)

    def numbers(**params: str) -> list[str | None]:
        root = xml_of(client.get(f"{V2}/requests.xml", params=params))
        json_numbers = [
            x["service_request_id"] for x in client.get(f"{V2}/requests.json", params=params).json()
        ]
        xml_numbers = [x.findtext("service_request_id") for x in root]
        assert xml_numbers == json_numbers
        return xml_numbers

    assert set(numbers()) == {a, b}
    assert numbers(service_code="garbage") == [b]
    assert numbers(service_request_id=a) == [a]
    assert numbers(status="closed") == []
    garbage = fields(xml_of(client.get(f"{V2}/requests/{b}.xml"))[0])
    assert garbage["lat"] is None and garbage["long"] is None and garbage["address"]

    work_to_resolved(client, engine, a)
    closed = xml_of(client.get(f"{V2}/requests/{a}.xml"))[0]
    assert closed.findtext("status") == "closed"
    assert "เปลี่ยนหลอดไฟใหม่แล้ว" in (closed.findtext("status_notes") or "")
    assert numbers(status="closed") == [a]

    assert "W3C" in errors_of(client.get(f"{V2}/requests.xml?start_date=yesterday"), 400)
    errors_of(client.get(f"{V2}/requests.xml?status=pending"), 400)


@pytest.mark.parametrize(
    "over",
    [
        {"service_code": "no-such"},
        {"service_code": None},
        {"lat": None, "long": None, "address_string": None},
        {"lat": "north"},
        {"description": None},
        {"email": None, "phone": None},
    ],
)
def test_bad_xml_posts_answer_errors_and_store_nothing(
    client: TestClient, engine: Engine, over: dict[str, Any]
) -> None:
    errors_of(post_xml(client, **over), 400)
    assert count(engine) == 0


def test_text_xml_cannot_carry_is_left_out(client: TestClient) -> None:
    """A control character pasted into the address stays in JSON (escaped) and is left out of
    the XML, which would otherwise not parse."""
    number = created_number(client, address_string="ซอยมิตรภาพ\x0b 5")
    root = xml_of(client.get(f"{V2}/requests/{number}.xml"))
    assert root[0].findtext("address") == "ซอยมิตรภาพ 5"
    [as_json] = client.get(f"{V2}/requests/{number}.json").json()
    assert as_json["address"] == "ซอยมิตรภาพ\x0b 5"
    xml_of(client.get(f"{V2}/requests.xml"))  # the listing parses too


def test_errors_answered_outside_the_routes_follow_the_path_format() -> None:
    """``error_answer``: what an app-wide handler (api.errors) gives under /open311."""
    busy = "ระบบมีผู้ใช้งานจำนวนมาก ลองใหม่ภายหลัง"
    as_xml = error_answer(f"{V2}/requests.xml", 503, busy, {"Retry-After": "5"})
    assert as_xml.status_code == 503 and as_xml.headers["retry-after"] == "5"
    assert as_xml.headers["content-type"] == "text/xml; charset=utf-8"
    assert DECLARATION.match(bytes(as_xml.body))
    root = ET.fromstring(bytes(as_xml.body))
    assert (
        root.tag == "errors"
        and tags(root) == ["error"]
        and tags(root[0]) == ["code", "description"]
    )
    assert root.findtext("error/code") == "503" and root.findtext("error/description") == busy
    as_json = error_answer(f"{V2}/requests/KKC-2569-000001.json", 503, busy)
    assert as_json.headers["content-type"] == "application/json"
    assert json.loads(bytes(as_json.body)) == [{"code": 503, "description": busy}]


# --------------------------------------------------------------------------- discovery


@pytest.mark.parametrize("path", ["/open311/discovery", f"{V2}/discovery"])
def test_discovery_in_both_formats(client: TestClient, path: str) -> None:
    as_json = client.get(f"{path}.json")
    assert as_json.headers["content-type"].startswith("application/json")
    data = as_json.json()
    assert list(data) == ["changeset", "contact", "key_service", "endpoints"]
    [endpoint] = data["endpoints"]
    assert endpoint == {
        "specification": SPEC,
        "url": f"{get_settings().public_base_url}{V2}",
        "changeset": data["changeset"],
        "type": "production",
        "formats": ["text/xml", "application/json"],
    }
    assert "เทศบาลนครขอนแก่น" in data["contact"] and data["key_service"]

    root = xml_of(client.get(f"{path}.xml"))
    assert root.tag == "discovery"
    assert tags(root) == ["changeset", "contact", "key_service", "endpoints"]
    assert tags(root.find("endpoints")) == ["endpoint"]  # type: ignore[arg-type]
    node = root.find("endpoints/endpoint")
    assert node is not None and tags(node) == ENDPOINT
    assert [f.text for f in node.iterfind("formats/format")] == endpoint["formats"]
    assert {k: node.findtext(k) for k in ENDPOINT[:-1]} == {k: endpoint[k] for k in ENDPOINT[:-1]}
    assert root.findtext("changeset") == data["changeset"]
    assert root.findtext("contact") == data["contact"]


# --------------------------------------------------------------------------- a real client


@pytest.mark.slow
def test_georeport_client_reads_both_formats_from_uvicorn(
    engine: Engine, seeded: dict[str, Any], tmp_path: Any
) -> None:
    """The API under a real uvicorn on the test's database (Prefect off), read by the PyPI
    client ``georeport`` in XML and in JSON. georeport cannot create requests nor read the
    discovery file: those are read here with httpx and parsed with xmltodict, the XML parser
    georeport itself uses."""
    with running_api(
        tmp_path / "system",
        database_url=engine.url.render_as_string(hide_password=False),
        extra_env={"KKM_SECRET_KEY": secrets.token_urlsafe(48)},
    ) as running:
        base = running.api_url
        with httpx.Client(base_url=base, timeout=30) as http:
            posted_json = http.post(f"{V2}/requests.json", data=report())
            assert posted_json.status_code == 201, posted_json.text
            first = posted_json.json()[0]["service_request_id"]
            posted_xml = http.post(f"{V2}/requests.xml", data=report(service_code="garbage"))
            xml_of(posted_xml, status=201)
            created = xmltodict.parse(posted_xml.content)["service_requests"]["request"]
            assert list(created) == CREATED and created["account_id"] is None
            second = created["service_request_id"]

            found = json.loads(http.get("/open311/discovery.json").content)
            discovered = xmltodict.parse(http.get("/open311/discovery.xml").content)
        [endpoint] = found["endpoints"]
        assert endpoint["url"] == f"{base}{V2}"  # KKM_PUBLIC_BASE_URL: the server's own
        assert discovered["discovery"]["endpoints"]["endpoint"]["url"] == endpoint["url"]
        assert discovered["discovery"]["endpoints"]["endpoint"]["formats"]["format"] == [
            "text/xml",
            "application/json",
        ]

        as_json = GeoReport(endpoint["url"], output_format="json")
        as_xml = GeoReport(endpoint["url"], output_format="xml")

        services_json = as_json.get_service_list()
        services_xml = as_xml.get_service_list()
        assert [dict(s) for s in services_xml] == [as_xml_fields(s) for s in services_json]
        assert LIGHT in {s["service_name"] for s in services_xml}
        definition = as_xml.get_service_definition("street-light")
        assert definition == {"service_code": "street-light", "attributes": None}
        assert as_json.get_service_definition("street-light")["attributes"] == []

        listed_json = as_json.get_service_requests()
        listed_xml = as_xml.get_service_requests()
        assert [r["service_request_id"] for r in listed_xml] == [second, first]
        assert [dict(r) for r in listed_xml] == [as_xml_fields(r) for r in listed_json]
        only = as_xml.get_service_requests(service_code="garbage", status="open")
        assert only["service_request_id"] == second  # one request: xmltodict gives the dict

        one_json = as_json.get_service_request(first)
        one_xml = as_xml.get_service_request(first)
        assert list(one_xml) == REQUEST and dict(one_xml) == as_xml_fields(one_json)
        assert one_xml["service_name"] == LIGHT and one_xml["status"] == "open"

        with pytest.raises(requests.HTTPError) as missing:
            as_xml.get_service_request("KKC-2500-999999")
        assert missing.value.response is not None
        assert errors_of(missing.value.response, 404)
        with pytest.raises(requests.HTTPError) as bad:
            as_xml.get_service_requests(status="pending")
        assert bad.value.response is not None
        error = xmltodict.parse(bad.value.response.content)["errors"]["error"]
        assert error["code"] == "400" and "open" in error["description"]
