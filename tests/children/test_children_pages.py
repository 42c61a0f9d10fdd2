"""The pages: a teacher screens a class on one page (pupil rows × item numbers; scores and
band shown after saving; a half-filled row refused naming the pupil, nothing stored); the core
person follows the case on its page through each stage; the engine's step page shows only the
case's number and the way to it."""

from urllib.parse import parse_qs, urlparse

from sqlmodel import Session, select

from domain.children.classroom import this_academic_year
from models.children import CaseStatus, ChildCase, ScreeningResult
from models.steps import HumanStep
from ops.demo_children import answers_for_total
from tests.children.children_fixtures import (
    children_roster,
    children_staff,
    pupil,
    school_id,
    screen,
)
from tests.helpers import csrf_of, sign_in

__all__ = ["children_roster", "children_staff"]


def _class_params(engine) -> dict[str, str]:
    return {
        "school_id": str(school_id(engine, "S01")),
        "class_name": "ป.5/1",
        "year": str(this_academic_year()),
    }


def _row(pupil_id: int, answers: list[int]) -> dict[str, str]:
    return {f"a-{pupil_id}-{i}": str(a) for i, a in enumerate(answers, start=1)}


def test_a_teacher_screens_a_class_on_one_page(client, engine, children_roster):
    sign_in(client, "kru_somsri")
    index = client.get("/pages/children")
    assert "ห้อง ป.5/1" in index.text
    page = client.get("/pages/children/class", params=_class_params(engine))
    assert page.status_code == 200
    assert 'name="a-' in page.text and "ข้อ 25" in page.text
    target, calm = pupil(engine, "ธนากร"), pupil(engine, "ภูมิ")
    form = {
        "csrf": csrf_of(page.text),
        **_class_params(engine),
        "form": "teacher",
        "held_on": "2026-11-30",
        **_row(target.id, answers_for_total(16)),  # type: ignore[arg-type]
        **_row(calm.id, answers_for_total(3)),  # type: ignore[arg-type]
    }
    half = {k: v for k, v in form.items() if not k.startswith(f"a-{calm.id}-2")}
    refused = client.post("/pages/children/class", data=half | {f"name-{calm.id}": "ภูมิ ศรีสวัสดิ์"})
    assert refused.status_code == 422 and "ภูมิ ศรีสวัสดิ์: ยังไม่ได้ตอบข้อ 2" in refused.text
    with Session(engine) as session:
        assert session.exec(select(ScreeningResult)).first() is None
    saved = client.post("/pages/children/class", data=form, follow_redirects=False)
    assert saved.status_code == 303
    assert "ส่งต่อการดูแล 1 คน" in parse_qs(urlparse(saved.headers["location"]).query)["flash"][0]
    shown = client.get(saved.headers["location"])
    assert "บันทึกผลการคัดกรอง 2 คน" in shown.text
    assert shown.text.count('data-testid="band"') == 2 and "มีปัญหา" in shown.text


def test_the_core_person_follows_the_case_on_its_page(client, engine, children_roster):
    sign_in(client, "kru_somsri")
    page = client.get("/pages/children/class", params=_class_params(engine))
    target = pupil(engine, "ธนากร")
    client.post(
        "/pages/children/class",
        data={
            "csrf": csrf_of(page.text),
            **_class_params(engine),
            **_row(target.id, answers_for_total(20)),
        },  # type: ignore[arg-type]
    )
    with Session(engine) as session:
        case = session.exec(select(ChildCase)).one()

    def post(username: str, action: str, **data: str) -> str:
        sign_in(client, username)
        url = f"/pages/children/cases/{case.id}"
        page = client.get(url, params={"purpose": "ติดตามดูแลตามแผน"})
        assert page.status_code == 200, page.text
        r = client.post(
            f"{url}/{action}",
            data={"csrf": csrf_of(page.text), "purpose": "ติดตามดูแลตามแผน", **data},
            follow_redirects=True,
        )
        assert r.status_code == 200, r.text
        return r.text

    post("jintana", "medical-assessment", findings="ปกติ")
    post(
        "preecha",
        "home-visit",
        findings="อยู่กับแม่",
        lives_with="แม่",
        conference_needed="0",
        skip_reason="ครอบครัวพร้อมดูแล",
    )
    post("preecha", "plan-action", title="พูดคุยทุกสัปดาห์", owner_self="1", due_on="2099-01-31")
    text = post("preecha", "plan-approve")
    assert "ติดตามผลครั้งที่ 1" in text and "พูดคุยทุกสัปดาห์" in text
    text = post("preecha", "follow-up", findings="ดีขึ้นมาก", close="1")
    assert "ปิดกรณีแล้ว" in text and "ปิดกรณีดูแลเด็ก" in text  # flash and timeline
    with Session(engine) as session:
        assert session.get(ChildCase, case.id).status == CaseStatus.closed  # type: ignore[union-attr]


def test_the_engine_step_page_shows_the_case_by_number_only(client, engine, children_roster):
    screened = screen(engine, children_roster["kru_somsri"], "ใบเตย", 25)
    assert screened.case is not None
    with Session(engine) as session:
        step = session.exec(select(HumanStep).where(HumanStep.case_id == screened.case.id)).one()
    sign_in(client, "jintana")
    page = client.get(f"/pages/steps/{step.id}")
    assert page.status_code == 200
    assert f"กรณีดูแลเด็กเลขที่ {screened.case.id}" in page.text and "ใบเตย" not in page.text
    sign_in(client, "mayor")  # sealed: the executives do not read children's cases
    assert client.get(f"/pages/steps/{step.id}").status_code == 403
