"""The demo reporting rounds for `make run` (ops/demo_pdca.py): the 12-month round of fiscal
2566 complete (every division reported, its director approved; one project could not be done),
and the 6-month round of fiscal 2567 in progress: four divisions approved, one waiting for its
director, one half filled, three late and chased. Through the use cases, on the dates people
would have acted, so steps, decisions, audit entries and mail are as they would be."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from domain.engine.calendar import fiscal_year
from domain.engine.service import decide_step
from domain.engine.steps import open_steps_of_case
from domain.pdca import consolidate_service, rounds, rounds_service
from domain.pdca.consolidate_rules import REPORT_LEVEL_STEP
from domain.pdca.rounds import CASE_TYPE as ROUND_CASE_TYPE
from domain.pdca.rounds_entry import IndicatorEntry, ReportEntry, ResultEntry
from domain.pdca.rounds_policy import round_policy
from models.pdca import PlanProject, ProjectBudget, ProjectIndicator
from models.pdca_round import DivisionReport, ProjectStatus, RoundKind
from models.people import Division, User

REPORTERS = {
    "กย.": "somchai",
    "สป.": "nipa",
    "คลัง": "kanokwan",
    "ช่าง": "piyawat",
    "สธ.": "jintana",
    "ศษ.": "orathai",
    "สส.": "siriporn",
    "กจ.": "pranee",
    "ตส.": "prapai",
}
"""The officer who reports for each division (ops/seed.py PEOPLE)."""
DIRECTORS = {
    "กย.": "malee",
    "สป.": "ratana",
    "คลัง": "thawee",
    "ช่าง": "pornthip",
    "สธ.": "wanna",
    "ศษ.": "boonmee",
    "สส.": "sompong",
    "กจ.": "kittisak",
    "ตส.": "chaiwat",
}
NOT_DONE_2566 = 25
"""The project that could not be done in fiscal 2566 (for the Act's carry-over)."""
NOT_DONE_REASON = "ไม่ได้รับจัดสรรงบประมาณตามเทศบัญญัติ เนื่องจากต้องโอนงบประมาณไปใช้ในภารกิจเร่งด่วน"
SIX_MONTH_APPROVED = ("กย.", "สป.", "คลัง", "ช่าง")
SIX_MONTH_WAITING_DIRECTOR = "ศษ."
SIX_MONTH_HALF_FILLED = "สส."


def _bangkok(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour - 7, 0, tzinfo=UTC)


def division_entry(
    session: Session, plan_id: int, code: str, *, as_of: date, twelve_month: bool
) -> ReportEntry:
    """A believable report of division ``code``: at 12 months most projects done with their
    budget spent and their indicators at target, one not done; at 6 months in progress with
    part of the budget spent."""
    projects = session.exec(
        select(PlanProject)
        .where(PlanProject.plan_id == plan_id, PlanProject.division_code == code)
        .order_by(col(PlanProject.no))
    ).all()
    indicators: dict[int, list[ProjectIndicator]] = {}
    for indicator in session.exec(
        select(ProjectIndicator).where(
            col(ProjectIndicator.project_id).in_([p.id for p in projects])
        )
    ):
        indicators.setdefault(indicator.project_id, []).append(indicator)
    budgets = {
        b.project_id: b.amount_satang
        for b in session.exec(
            select(ProjectBudget).where(
                col(ProjectBudget.project_id).in_([p.id for p in projects]),
                ProjectBudget.fiscal_year == fiscal_year(as_of),
            )
        )
    }
    results = []
    for project in projects:
        budget = budgets.get(project.id, 0)  # type: ignore[arg-type]
        if twelve_month and project.no == NOT_DONE_2566:
            results.append(
                ResultEntry(
                    project_no=project.no,
                    status=ProjectStatus.not_done,
                    reason=NOT_DONE_REASON,
                    note="เสนอยกไปดำเนินการในปีงบประมาณถัดไป",
                    data_as_of=as_of,
                )
            )
            continue
        spent = budget * (92 + project.no % 8) // 100 if twelve_month else budget * 35 // 100
        results.append(
            ResultEntry(
                project_no=project.no,
                status=ProjectStatus.completed if twelve_month else ProjectStatus.in_progress,
                disbursed_satang=spent,
                note="ดำเนินการตามแผน" if twelve_month else "อยู่ระหว่างดำเนินการตามแผน",
                data_as_of=as_of,
                indicators=[
                    IndicatorEntry(indicator_id=i.id, value=Decimal(i.target_value))  # type: ignore[arg-type]
                    for i in indicators.get(project.id, [])  # type: ignore[arg-type]
                ]
                if twelve_month
                else [],
            )
        )
    return ReportEntry(data_as_of=as_of, results=results)


def _reports(engine: Engine, round_id: int) -> dict[str, DivisionReport]:
    with Session(engine, expire_on_commit=False) as session:
        rows = session.exec(
            select(DivisionReport, Division)
            .join(Division, col(Division.id) == DivisionReport.division_id)
            .where(DivisionReport.round_id == round_id)
        ).all()
    return {division.code: report for report, division in rows}


def _approve(engine: Engine, users: dict[str, User], report: DivisionReport, code: str) -> None:
    with Session(engine) as session:
        (step,) = [
            s
            for s in open_steps_of_case(
                session, case_type=rounds.CASE_TYPE, case_id=report.round_id
            )
            if s.assignee_division_id == report.division_id and rounds.is_division_step(s)
        ]
    decide_step(
        engine,
        step_id=step.id,  # type: ignore[arg-type]
        user_id=users[DIRECTORS[code]].id,  # type: ignore[arg-type]
        data={"outcome": "approve", "comment": "เห็นชอบรายงานผลการดำเนินงาน"},
    )


def _report(
    engine: Engine,
    users: dict[str, User],
    plan_id: int,
    report: DivisionReport,
    code: str,
    *,
    as_of: date,
    twelve_month: bool,
    on: date,
    submit: bool = True,
) -> None:
    with Session(engine) as session:
        entry = division_entry(session, plan_id, code, as_of=as_of, twelve_month=twelve_month)
    who = users[REPORTERS[code]].id
    if submit:
        rounds_service.submit_report(
            engine,
            user_id=who,
            report_id=report.id,
            entry=entry,
            now=_bangkok(on),  # type: ignore[arg-type]
        )
    else:
        half = ReportEntry(data_as_of=as_of, results=entry.results[: len(entry.results) // 2])
        rounds_service.save_report(
            engine, user_id=who, report_id=report.id, entry=half, now=_bangkok(on)
        )  # type: ignore[arg-type]


def _publish_report(engine: Engine, users: dict[str, User], round_id: int) -> None:
    """Fiscal 2566's consolidated report: submitted by กย., approved up to the mayor, so it is
    published (public page, CSV, JSON) and its entry in E-PlanNACC waits for กย."""
    consolidate_service.submit_report(
        engine,
        user_id=users["somchai"].id,  # type: ignore[arg-type]
        round_id=round_id,
        problems="บางกองรายงานล่าช้ากว่ากำหนด และบางโครงการไม่ได้รับจัดสรรงบประมาณตามแผน",
        suggestions="ให้ทุกกองรายงานผลภายในเดือนตุลาคม และทบทวนโครงการที่ดำเนินการไม่ได้ในปีถัดไป",
    )
    for who, comment in (
        ("malee", "เห็นควรเสนอปลัดเทศบาล"),
        ("kanya", "เห็นควรเสนอนายกเทศมนตรี"),
        ("mayor", "เห็นชอบ ให้เผยแพร่"),
    ):
        with Session(engine) as session:
            [step] = [
                s
                for s in open_steps_of_case(session, case_type=ROUND_CASE_TYPE, case_id=round_id)
                if s.kind == REPORT_LEVEL_STEP
            ]
        decide_step(
            engine,
            step_id=step.id,  # type: ignore[arg-type]
            user_id=users[who].id,  # type: ignore[arg-type]
            data={"outcome": "approve", "comment": comment},
        )


def seed_demo_rounds(engine: Engine, users: dict[str, User], plan_id: int) -> int:
    """The two demo rounds of the approved plan ``plan_id``; the number of rounds made."""
    officer = users["somchai"].id
    twelve = rounds_service.open_round(
        engine,
        user_id=officer,  # type: ignore[arg-type]
        plan_id=plan_id,
        fiscal_year=2566,
        kind=RoundKind.twelve_month,
        now=_bangkok(date(2023, 10, 2), 9),
    ).round
    for offset, (code, report) in enumerate(sorted(_reports(engine, twelve.id).items())):  # type: ignore[arg-type]
        _report(
            engine, users, plan_id, report, code,
            as_of=twelve.as_of, twelve_month=True, on=date(2023, 10, 16) + timedelta(days=offset),
        )  # fmt: skip
        _approve(engine, users, report, code)
    _publish_report(engine, users, twelve.id)  # type: ignore[arg-type]

    six = rounds_service.open_round(
        engine,
        user_id=officer,  # type: ignore[arg-type]
        plan_id=plan_id,
        fiscal_year=2567,
        kind=RoundKind.six_month,
        now=_bangkok(date(2024, 4, 1), 9),
    ).round
    for offset, (code, report) in enumerate(sorted(_reports(engine, six.id).items())):  # type: ignore[arg-type]
        on = date(2024, 4, 22) + timedelta(days=offset)
        if code in SIX_MONTH_APPROVED or code == SIX_MONTH_WAITING_DIRECTOR:
            _report(
                engine, users, plan_id, report, code, as_of=six.as_of, twelve_month=False, on=on
            )
            if code in SIX_MONTH_APPROVED:
                _approve(engine, users, report, code)
        elif code == SIX_MONTH_HALF_FILLED:
            _report(
                engine, users, plan_id, report, code,
                as_of=six.as_of, twelve_month=False, on=on, submit=False,
            )  # fmt: skip
    # The day after the due date: the divisions that have not reported get the follow-up.
    rounds_service.chase_late_divisions(
        engine, now=round_policy().due_at(six.due_on) + timedelta(days=1)
    )
    return 2
