"""A complaint through the real system (ops/run.py: Prefect server, case worker, API, SMTP
capture): filed on the public web form, worked by the right officers to resolved, rated. The
intake run completes it and mails the receipt; it holds no run of its own until the centre's
decision, then the flow run complaint-<id> waits (PAUSED) on each step and completes after the
rating; the division director hears of the result before the complainant, each exactly once."""

import time
from datetime import date, timedelta
from typing import Any

import httpx
import pytest

import tests.system.test_system as base
from adapters.mailbox import CapturedMail, read_mailbox
from ops.run import LocalSystem
from ops.seed import DEMO_PASSWORD
from tests.system.test_system import wait_for

pytestmark = pytest.mark.slow

JPEG = b"\xff\xd8\xff\xe0" + b"\x10" * 200
CITIZEN = "sommai.system@example.com"
SUPERVISOR = "pornthip@khonkaen.go.th"  # director of สำนักช่าง, the street-light division


class Officer:
    def __init__(self, system: LocalSystem, username: str) -> None:
        self.http = httpx.Client(base_url=system.api_url, timeout=30)
        r = self.http.post(
            "/api/auth/token", data={"username": username, "password": DEMO_PASSWORD}
        )
        assert r.status_code == 200, r.text
        self.http.headers["Authorization"] = f"Bearer {r.json()['access_token']}"

    def waiting(self, complaint_id: int) -> list[dict[str, Any]]:
        r = self.http.get("/api/inbox")
        assert r.status_code == 200, r.text
        return [
            i["step"]
            for i in r.json()
            if i["step"]["case_type"] == "complaint" and i["step"]["case_id"] == complaint_id
        ]

    def step(self, complaint_id: int) -> dict[str, Any]:
        mine = self.waiting(complaint_id)
        assert len(mine) == 1, mine
        return mine[0]

    def decide(self, complaint_id: int, level: str, **form: Any) -> dict[str, Any]:
        step = self.step(complaint_id)
        assert step["kind"] == level, step
        r = self.http.post(f"/api/steps/{step['id']}/decision", json=form)
        assert r.status_code == 201, r.text
        return step


def flow_run_of(system: LocalSystem, complaint_id: int) -> dict | None:
    return system.case_flow_run("complaint", complaint_id)


def paused_on(system: LocalSystem, complaint_id: int, key: str) -> bool:
    return base.paused_on(system, complaint_id, key, case_type="complaint")


def completed(system: LocalSystem, complaint_id: int) -> bool:
    return base.completed(system, complaint_id, case_type="complaint")


def worker_log(system: LocalSystem) -> str:
    path = system.var_dir / "case-worker.log"
    return path.read_text(errors="replace")[-6000:] if path.exists() else "(no case-worker.log)"


def test_web_complaint_to_rated_through_prefect_with_mail_in_order(system: LocalSystem) -> None:
    public = httpx.Client(base_url=system.api_url, timeout=30)
    r = public.post(
        "/api/complaints/public",
        json={
            "category": "street-light",
            "description": "ไฟฟ้าส่องสว่างหน้าบ้านเลขที่ 99 ดับมาหลายคืน (ทดสอบระบบจริง)",
            "address": "ซอยมิตรภาพ 9 ถนนมิตรภาพ อ.เมืองขอนแก่น",
            "complainant": {"name": "นายสมหมาย ทดสอบระบบ", "email": CITIZEN},
        },
    )
    assert r.status_code == 201, r.text
    receipt = r.json()
    number, pin = receipt["number"], receipt["pin"]

    assert receipt["possible_duplicates"] is None  # checked when the intake run completes it

    centre = Officer(system, "nipa")
    listed = centre.http.get("/api/complaints").json()
    cid = next(c["id"] for c in listed if c["number"] == number)
    # Stored and answered; the intake run completes the intake (the centre's check) and mails
    # the receipt. Until the centre decides, the complaint holds no flow run in Prefect.
    wait_for(lambda: centre.waiting(cid), what=f"complaint {number} in the centre's inbox")
    wait_for(
        lambda: any(
            CITIZEN in m.rcpt_tos and number in m.text
            for m in read_mailbox(system.var_dir / "mail")
        ),
        what="the receipt mail",
    )
    assert flow_run_of(system, cid) is None

    def step_and_pause(officer: Officer, level: str) -> dict[str, Any]:
        step = officer.step(cid)
        assert step["kind"] == level, step
        try:
            wait_for(
                lambda: paused_on(system, cid, step["key"]),
                what=f"flow run complaint-{cid} paused on {step['key']}",
            )
        except AssertionError as exc:
            run = flow_run_of(system, cid)
            raise AssertionError(
                f"{exc}; run={run and run['state']}\nworker.log:\n{worker_log(system)}"
            ) from None
        return step

    centre.decide(cid, "screen", action="route")

    handler = Officer(system, "chatchai")  # section head of สำนักช่าง
    step_and_pause(handler, "receipt")
    handler.decide(cid, "receipt", outcome="receive")

    step_and_pause(handler, "schedule")
    planned = (date.today() + timedelta(days=3)).isoformat()
    handler.decide(cid, "schedule", planned_date=planned, comment="ตรวจพื้นที่แล้ว")

    step_and_pause(handler, "result")
    r = handler.http.post(
        f"/api/complaints/{cid}/evidence",
        files=[("photos", ("after.jpg", JPEG, "image/jpeg"))],
    )
    assert r.status_code == 201, r.text
    handler.decide(cid, "result", action="resolved", result="เปลี่ยนหลอดไฟใหม่แล้ว")

    r = public.post(
        "/api/complaints/public/rating", json={"number": number, "pin": pin, "score": 5}
    )
    assert r.status_code == 201, r.text
    try:
        wait_for(lambda: completed(system, cid), what=f"flow run complaint-{cid} completed")
    except AssertionError as exc:
        run = flow_run_of(system, cid)
        raise AssertionError(
            f"{exc}; run={run and run['state']}\nworker.log:\n{worker_log(system)}"
        ) from None

    mail_dir = system.var_dir / "mail"

    def ours() -> list[CapturedMail]:
        return [m for m in read_mailbox(mail_dir) if number in m.subject or number in m.text]

    def is_supervisor_result(m: CapturedMail) -> bool:
        return SUPERVISOR in m.rcpt_tos and "รายงานผล" in m.subject

    def is_citizen_result(m: CapturedMail) -> bool:
        return CITIZEN in m.rcpt_tos and "แจ้งผลการแก้ไข" in m.subject

    wait_for(
        lambda: any(is_citizen_result(m) for m in ours()), what="the complainant's result mail"
    )
    time.sleep(3)  # a repeated send would arrive in this window
    mailbox = ours()
    supervisor = [i for i, m in enumerate(mailbox) if is_supervisor_result(m)]
    citizen = [i for i, m in enumerate(mailbox) if is_citizen_result(m)]
    summary = [(m.rcpt_tos, m.subject) for m in mailbox]
    assert len(supervisor) == 1, summary
    assert len(citizen) == 1, summary
    assert supervisor[0] < citizen[0], summary
    assert mailbox[supervisor[0]].received_at <= mailbox[citizen[0]].received_at
