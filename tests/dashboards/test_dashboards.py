"""The executives' dashboards (/dashboards, /api/dashboards) on the demo data of `make run`:
each figure equals the report it comes from (the ITA complaint statistics, the screening round's
funnel, the PDCA round's consolidated report), overdue steps are counted by division without
the sealed workflows, only the executives and the coordinating offices may open them, and the
chart library is shipped with the project."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from core.db import utcnow
from core.settings import PROJECT_ROOT
from domain.dashboards.overdue import overdue_by_division
from domain.dashboards.screening import protected_benefits
from domain.dashboards.service import dashboard
from domain.engine.calendar import BANGKOK
from domain.engine.steps import Assignee, open_step
from domain.integrity.disclosure import complaint_year
from domain.pdca.consolidate import consolidate
from domain.screening.fairness import funnel
from models.pdca_round import ReportingRound
from models.people import User
from models.screening import ScreeningRound
from models.steps import HumanStep, Outcome
from ops.demo_complaints import seed_demo_complaints
from ops.demo_pdca import seed_demo_pdca
from ops.demo_screening import seed_demo_screening
from ops.seed import DEMO_PASSWORD, seed_integrity_committee, seed_pdca_committee
from ops.seed_screening import seed_screening
from ops.seed_screening_teams import seed_screening_teams
from tests.helpers import login, sign_in

VENDOR = PROJECT_ROOT / "static" / "vendor" / "echarts"


@pytest.fixture
def demo(engine: Engine, seeded: dict[str, User]) -> dict[str, User]:
    """The demo data the dashboards draw: complaints, PDCA rounds, screening rounds."""
    with Session(engine) as session:
        seed_pdca_committee(session, seeded)
        seed_integrity_committee(session, seeded)
        seed_screening(session)
        seed_screening_teams(session, DEMO_PASSWORD)
        session.commit()
    seed_demo_complaints(engine)
    seed_demo_pdca(engine)
    seed_demo_screening(engine)
    return seeded


def test_complaint_figures_are_the_published_statistics(
    client: TestClient, demo: dict[str, User]
) -> None:
    mine = client.get("/api/dashboards", headers=login(client, "mayor"))
    assert mine.status_code == 200, mine.text
    shown = mine.json()["complaints"]
    published = client.get("/api/ita/complaints", params={"fy": shown["fiscal_year"]}).json()
    assert shown["total"] == published["total"] == 11  # every demo complaint
    assert shown["targets_percent"] == {"solved": 90.0, "satisfied": 85.0}
    assert shown["solved_percent"] == published["solved_percent"]
    assert shown["satisfied_percent"] == published["satisfied_percent"]
    fields = ("total", "solved", "within_powers", "solved_percent", "rated", "satisfied")
    assert [{f: m[f] for f in fields} for m in shown["months"]] == [
        {f: m[f] for f in fields} for m in published["months"]
    ]
    assert all(re.fullmatch(r"\S+ 25\d\d", m["label"]) for m in shown["months"])  # "พ.ย. 2569"
    # by division: the same complaints, split; the shares by the same rules
    divisions = shown["divisions"]
    assert sum(d["registered"] for d in divisions) == published["total"]
    assert sum(d["resolved"] for d in divisions) == sum(m["solved"] for m in published["months"])
    assert sum(d["within_powers"] for d in divisions) == sum(
        m["within_powers"] for m in published["months"]
    )
    assert sum(d["rated"] for d in divisions) == sum(m["rated"] for m in published["months"])
    assert sum(d["satisfied"] for d in divisions) == sum(
        m["satisfied"] for m in published["months"]
    )
    engineering = next(d for d in divisions if d["code"] == "ช่าง")
    assert engineering["resolved"] >= 1 and engineering["solved_percent"] == round(
        engineering["resolved"] * 100 / engineering["within_powers"], 1
    )
    # counts only: nobody's name or contact in the answer
    assert "complainant" not in mine.text and "full_name" not in mine.text
    assert "hiv" not in mine.text.lower()  # a protected benefit's count is not shown


def test_funnel_and_pdca_progress_are_the_reports_own(
    engine: Engine, demo: dict[str, User]
) -> None:
    now = utcnow()
    with Session(engine) as session:
        shown = dashboard(session, demo["mayor"], now=now)
        rounds = session.exec(select(ScreeningRound).order_by(col(ScreeningRound.id))).all()
        certified = rounds[0]  # the demo's first round: certified, letters sent
        assert shown.screening.round is not None and shown.screening.round.id == certified.id
        assert {r.id for r in rounds} == {r.id for r in shown.screening.rounds}
        report = funnel(session, certified.id)  # type: ignore[arg-type]
        assert shown.screening.stages == report.stages
        assert report.figure("nominated") > 0 and report.figure("certified") > 0
        # the benefits, but the one given on HIV status (protected) left out
        hidden = {b.key for b in report.benefits} - {b.key for b in shown.screening.benefits}
        assert hidden == {"benefit:hiv_student_allowance"} == protected_benefits()
        assert all(b in report.benefits for b in shown.screening.benefits)
        # another round chosen by its id
        other = dashboard(session, demo["mayor"], screening_round=rounds[-1].id, now=now)
        assert other.screening.stages == funnel(session, rounds[-1].id).stages  # type: ignore[arg-type]

        newest = session.exec(
            select(ReportingRound).order_by(col(ReportingRound.fiscal_year).desc())
        ).first()
        assert newest is not None and shown.pdca.round is not None
        assert shown.pdca.round.id == newest.id
        consolidated = consolidate(session, newest, today=now.astimezone(BANGKOK).date())
        as_counts = [(c.key, c.title, c.by_status) for c in consolidated.divisions]
        assert [(c.key, c.title, c.by_status) for c in shown.pdca.divisions] == as_counts
        assert [(c.key, c.by_status) for c in shown.pdca.dimensions] == [
            (c.key, c.by_status) for c in consolidated.dimensions
        ]
        assert sum(c.projects for c in shown.pdca.divisions) == consolidated.overall.projects == 56
        assert len(shown.pdca.dimensions) == 4

        year = complaint_year(session, shown.complaints.fiscal_year, now=now)
        assert shown.complaints.total == year.total


def test_overdue_steps_by_division_leave_the_sealed_workflows_out(
    engine: Engine, seeded: dict[str, User]
) -> None:
    now = utcnow()
    with Session(engine) as session:
        before = overdue_by_division(session, now=now)
        for case_type, key, user in (
            ("memo", "dash-memo-late", "chatchai"),  # ช่าง, late
            ("memo", "dash-memo-not-yet", "chatchai"),  # ช่าง, due tomorrow
            ("integrity-report", "dash-sealed-late", "prapai"),  # sealed: never counted
        ):
            open_step(
                session,
                case_type=case_type,
                case_id=1,
                key=key,
                title="ทดสอบ",
                assignee=Assignee.person(seeded[user].id),  # type: ignore[arg-type]
                kind="decision",
                allowed_outcomes=[Outcome.approve],
                due_at=now + (timedelta(days=1) if "not-yet" in key else -timedelta(hours=2)),
                now=now - timedelta(days=3),
            )
        session.add(
            HumanStep(
                case_type="memo",
                case_id=2,
                key="dash-mayor-late",
                title="ทดสอบ",
                assignee_kind="position",
                assignee_position="mayor",
                form="decision",
                allowed_outcomes=["approve"],
                due_at=now - timedelta(days=1),
            )
        )
        session.commit()
        after = overdue_by_division(session, now=now)
    assert before.total == 0
    rows = {r.name: r for r in after.rows}
    assert rows["สำนักช่าง"].by_workflow == {"memo": 1}
    assert rows["ผู้บริหาร (ไม่สังกัดกอง)"].by_workflow == {"memo": 1}
    assert "หน่วยตรวจสอบภายใน" not in rows and after.total == 2
    assert after.workflows == [("memo", "บันทึกข้อความ")]


@pytest.mark.parametrize("username", ["piyawat", "chatchai", "sompong", "prapai"])
def test_an_officer_who_is_no_executive_is_refused_in_thai(
    client: TestClient, seeded: dict[str, User], username: str
) -> None:
    answer = client.get("/api/dashboards", headers=login(client, username))
    assert answer.status_code == 403
    assert "เฉพาะผู้บริหาร" in answer.json()["detail"]
    sign_in(client, username)
    page = client.get("/dashboards")
    assert page.status_code == 403 and "เฉพาะผู้บริหาร" in page.text
    assert 'href="/dashboards"' not in page.text  # no menu link either


@pytest.mark.parametrize("username", ["mayor", "anan", "kanya", "prasert", "malee", "nipa"])
def test_executives_and_coordinators_open_the_page(
    client: TestClient, seeded: dict[str, User], username: str
) -> None:
    sign_in(client, username)
    page = client.get("/dashboards")
    assert page.status_code == 200, page.text
    assert 'href="/dashboards"' in page.text  # the menu link
    assert 'id="chart-complaints-months"' in page.text
    assert "ข้อมูล ณ วันที่" in page.text


def test_the_page_shows_each_chart_with_its_table_on_demo_data(
    client: TestClient, demo: dict[str, User]
) -> None:
    sign_in(client, "mayor")
    page = client.get("/dashboards")
    assert page.status_code == 200
    for chart in (
        "chart-complaints-months",
        "chart-complaints-divisions",
        "chart-screening-funnel",
        "chart-pdca-divisions",
        "chart-pdca-dimensions",
        "chart-overdue",
    ):
        assert f'id="{chart}"' in page.text
    assert page.text.count("<table") == 6  # a data table under each chart
    assert "พ.ศ. 2567" in page.text and "เป้า 90" in page.text
    refused = client.get("/dashboards", params={"fy": 2400})
    assert refused.status_code == 422 and "ปีงบประมาณ" in refused.text


def test_the_chart_library_is_shipped_not_fetched(
    client: TestClient, seeded: dict[str, User]
) -> None:
    script = VENDOR / "echarts.min.js"
    assert script.stat().st_size > 500_000
    assert "Apache License" in (VENDOR / "LICENSE").read_text()
    assert re.search(r"ECharts 6\.\d+\.\d+ .*npm pack", (VENDOR / "README.txt").read_text(), re.S)
    sign_in(client, "mayor")
    html = client.get("/dashboards").text
    sources = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', html)
    assert "/static/vendor/echarts/echarts.min.js" in sources
    assert not [s for s in sources if s.startswith(("http:", "https:", "//"))]
    assert client.get("/static/vendor/echarts/echarts.min.js").status_code == 200
    assert '@import url("fonts.css")' in Path(PROJECT_ROOT / "static/dashboards.css").read_text()
