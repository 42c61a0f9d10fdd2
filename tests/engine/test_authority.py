"""Who may decide: the API refuses the unentitled, accepts the acting officer, serialises
concurrent deciders, and validates the form before anything moves."""

import threading
from datetime import timedelta

from sqlmodel import Session, select

from core.db import utcnow
from models.people import ActingAssignment
from models.steps import Decision, StepStatus
from tests.helpers import act, login, open_step, steps_of, submit_memo


def test_wrong_password_and_no_token(client, people):
    r = client.post("/api/auth/token", data={"username": "wichai", "password": "nope"})
    assert r.status_code == 403 and "รหัสผ่าน" in r.json()["detail"]
    assert client.get("/api/inbox").status_code == 401


def test_unentitled_decision_is_403_and_changes_nothing(client, engine, people):
    memo_id = submit_memo(engine, people["somchai"])
    step = open_step(engine, memo_id)
    # The author, and the director (wrong level), may not decide the section head's step.
    for intruder in ("somchai", "malee", "chatchai"):
        r = client.post(
            f"/api/steps/{step.id}/decision",
            json={"outcome": "approve"},
            headers=login(client, intruder),
        )
        assert r.status_code == 403, (intruder, r.text)
    assert open_step(engine, memo_id).id == step.id
    with Session(engine) as s:
        assert s.exec(select(Decision)).first() is None


def test_acting_officer_decides_and_is_recorded_as_acting(client, engine, people):
    memo_id = submit_memo(engine, people["somchai"], chain="memo-delegated")
    act(engine, people["wichai"], memo_id, outcome="approve")
    act(engine, people["malee"], memo_id, outcome="approve")
    step = open_step(engine, memo_id)
    assert step.level == "perm-sec"
    # prasert (deputy permanent secretary) acts for kanya (permanent secretary) per the seed.
    headers = login(client, "prasert")
    inbox = client.get("/api/inbox", headers=headers).json()
    mine = [i for i in inbox if i["step"]["id"] == step.id]
    assert mine and mine[0]["acting_for"]["id"] == people["kanya"].id
    r = client.post(
        f"/api/steps/{step.id}/decision",
        json={"outcome": "approve", "comment": "อนุมัติ (รท.ปลัดเทศบาล)"},
        headers=headers,
    )
    assert r.status_code == 201, r.text
    decision = r.json()["decision"]
    assert decision["user_id"] == people["prasert"].id
    assert decision["acting_for_user_id"] == people["kanya"].id
    assert decision["position"] == "deputy_permanent_secretary"
    timeline = client.get(f"/api/cases/memo/{memo_id}/timeline", headers=headers).json()
    assert timeline["chain_valid"] is True
    signed = [e for e in timeline["entries"] if e["action"] == "decision"][-1]
    assert signed["acting_for_user_id"] == people["kanya"].id


def test_expired_acting_assignment_gives_no_authority(client, engine, people):
    with Session(engine) as s:
        for a in s.exec(select(ActingAssignment)):
            a.ends_at = utcnow() - timedelta(minutes=1)
            s.add(a)
        s.commit()
    memo_id = submit_memo(engine, people["somchai"], chain="memo-delegated")
    act(engine, people["wichai"], memo_id, outcome="approve")
    act(engine, people["malee"], memo_id, outcome="approve")
    step = open_step(engine, memo_id)
    r = client.post(
        f"/api/steps/{step.id}/decision",
        json={"outcome": "approve"},
        headers=login(client, "prasert"),
    )
    assert r.status_code == 403


def test_repeat_is_harmless_and_a_conflicting_second_decision_is_409(client, engine, people):
    memo_id = submit_memo(engine, people["somchai"])
    step = open_step(engine, memo_id)
    headers = login(client, "wichai")
    url = f"/api/steps/{step.id}/decision"
    first = client.post(url, json={"outcome": "approve", "comment": "เห็นควร"}, headers=headers)
    again = client.post(url, json={"outcome": "approve", "comment": "เห็นควร"}, headers=headers)
    other = client.post(url, json={"outcome": "reject", "comment": "ไม่เห็นด้วย"}, headers=headers)
    assert (first.status_code, again.status_code, other.status_code) == (201, 200, 409)
    assert again.json()["repeated"] is True
    assert again.json()["decision"]["id"] == first.json()["decision"]["id"]
    assert len(steps_of(engine, memo_id)) == 2  # the director's step opened once


def test_invalid_form_is_422_and_the_step_stays_open(client, engine, people):
    memo_id = submit_memo(engine, people["somchai"])
    step = open_step(engine, memo_id)
    headers = login(client, "wichai")
    url = f"/api/steps/{step.id}/decision"
    for bad in (
        {"outcome": "return"},  # return needs return_to
        {"outcome": "perhaps"},
        {"outcome": "approve", "unknown_field": 1},
        {"outcome": "acknowledge"},  # not an outcome this level allows
        {"outcome": "approve", "comment": "x" * 5000},
    ):
        r = client.post(url, json=bad, headers=headers)
        assert r.status_code == 422, (bad, r.text)
        assert r.json()["detail"]
    assert open_step(engine, memo_id).id == step.id


def test_two_concurrent_decisions_exactly_one_wins(client, engine, people):
    memo_id = submit_memo(engine, people["somchai"])
    step = open_step(engine, memo_id)
    # Two section heads? There is one in กย.; make the step contested by two entitled people:
    # wichai himself and an officer acting for him.
    with Session(engine) as s:
        s.add(
            ActingAssignment(
                acting_user_id=people["suda"].id,
                for_user_id=people["wichai"].id,
                starts_at=utcnow() - timedelta(hours=1),
                ends_at=utcnow() + timedelta(days=1),
            )
        )
        s.commit()
    tokens = {u: login(client, u) for u in ("wichai", "suda")}
    barrier = threading.Barrier(2)
    results: dict[str, int] = {}

    def decide_as(username: str, outcome: str) -> None:
        barrier.wait()
        r = client.post(
            f"/api/steps/{step.id}/decision", json={"outcome": outcome}, headers=tokens[username]
        )
        results[username] = r.status_code

    threads = [
        threading.Thread(target=decide_as, args=("wichai", "approve")),
        threading.Thread(target=decide_as, args=("suda", "reject")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results.values()) == [201, 409], results
    with Session(engine) as s:
        assert len(s.exec(select(Decision).where(Decision.step_id == step.id)).all()) == 1
    decided = [s for s in steps_of(engine, memo_id) if s.id == step.id][0]
    assert decided.status == StepStatus.decided


def test_the_unentitled_learn_nothing_about_the_form(client, engine, people):
    memo_id = submit_memo(engine, people["somchai"])
    step = open_step(engine, memo_id)
    r = client.post(
        f"/api/steps/{step.id}/decision",
        json={"outcome": "perhaps"},
        headers=login(client, "chatchai"),
    )
    assert r.status_code == 403 and "allowed" not in r.json()


def test_an_acting_order_gives_authority_from_its_start(client, engine, people):
    now = utcnow()
    order = {
        "acting_user_id": people["suda"].id,
        "for_user_id": people["wichai"].id,
        "starts_at": (now - timedelta(minutes=1)).isoformat(),
        "ends_at": (now + timedelta(days=3)).isoformat(),
        "order_ref": "คำสั่งที่ 1/2570",
    }
    refused = client.post("/api/acting-assignments", json=order, headers=login(client, "malee"))
    assert refused.status_code == 403  # a division director does not sign such orders
    r = client.post("/api/acting-assignments", json=order, headers=login(client, "kanya"))
    assert r.status_code == 201, r.text
    memo_id = submit_memo(engine, people["somchai"])
    inbox = client.get("/api/inbox", headers=login(client, "suda")).json()
    assert [i["acting_for"]["id"] for i in inbox if i["step"]["case_id"] == memo_id] == [
        people["wichai"].id
    ]
