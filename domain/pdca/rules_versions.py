"""Making a plan's versions: a new draft from an import, a draft (or a plan sent back) imported
again, and a revision copied whole from a finished version; kept apart from the approval rules
(``rules``), which it uses."""

from sqlmodel import Session, col, select

from core.db import utcnow
from domain.engine.chains import REVISION_STEP
from domain.engine.steps import open_steps_of_case
from domain.errors import Conflict, InvalidInput
from domain.pdca.plan_import import ParsedPlan, clear_content, store_content
from domain.pdca.rules import (
    CASE_TYPE,
    CHAIN,
    REVISABLE,
    TRANSITIONS,
    _record,
    check_owner,
    default_name,
    series_for,
    versions_of,
)
from models.pdca import (
    ImportDiscrepancy,
    Plan,
    PlanDimension,
    PlanMission,
    PlanProject,
    PlanStatus,
    ProjectBudget,
    ProjectIndicator,
    RiskControl,
    RiskItem,
)
from models.people import User


def _make_room(session: Session, series: str, actor: User) -> tuple[int, int | None]:
    """The next version number and the version it follows; an unsubmitted draft is discarded,
    a version under approval blocks."""
    versions = versions_of(session, series)
    for plan in versions:
        if plan.status == PlanStatus.in_review:
            raise Conflict(
                f"แผนฉบับที่ {plan.version} อยู่ระหว่างเสนอพิจารณา ทำฉบับใหม่ได้เมื่อพิจารณาเสร็จแล้ว",
                plan_id=plan.id,
            )
    for plan in versions:
        if plan.status == PlanStatus.draft:
            plan.status = TRANSITIONS.check(plan.status, PlanStatus.discarded)
            plan.finished_at = utcnow()
            session.add(plan)
            _record(session, plan, "pdca_plan_discarded", actor)
    previous = next((p for p in versions if p.status != PlanStatus.discarded), None)
    number = versions[0].version + 1 if versions else 1
    return number, previous.id if previous else None


def new_version_from_import(
    session: Session,
    *,
    parsed: ParsedPlan,
    actor: User,
    name: str | None = None,
    filename: str | None = None,
    sha256: str | None = None,
) -> tuple[Plan, dict[str, int]]:
    """Store an import as a new draft version of its series."""
    division = check_owner(session, actor)
    series = series_for(parsed.first_year, parsed.last_year)
    version, previous_id = _make_room(session, series, actor)
    plan = Plan(
        series=series,
        name=(name or "").strip() or default_name(parsed.first_year, parsed.last_year),
        fiscal_year_from=parsed.first_year,
        fiscal_year_to=parsed.last_year,
        version=version,
        previous_version_id=previous_id,
        division_id=division.id,  # type: ignore[arg-type]
        chain=CHAIN,
        source_filename=filename,
        source_sha256=sha256,
        created_by_id=actor.id,  # type: ignore[arg-type]
    )
    session.add(plan)
    session.flush()
    counts = store_content(session, plan, parsed)
    _record(session, plan, "pdca_plan_imported", actor, file=filename, sha256=sha256, **counts)
    return plan, counts


def _waiting_for_revision(session: Session, plan: Plan) -> bool:
    return any(
        s.kind == REVISION_STEP
        for s in open_steps_of_case(session, case_type=CASE_TYPE, case_id=plan.id)  # type: ignore[arg-type]
    )


def reimport(
    session: Session,
    plan: Plan,
    *,
    parsed: ParsedPlan,
    actor: User,
    filename: str | None = None,
    sha256: str | None = None,
) -> dict[str, int]:
    """Replace a version's content with a corrected file: a draft, or a plan sent back to the
    officer for revision (it is then resubmitted from its revision step)."""
    check_owner(session, actor)
    if plan.status != PlanStatus.draft and not (
        plan.status == PlanStatus.in_review and _waiting_for_revision(session, plan)
    ):
        raise Conflict("แก้ไขเนื้อหาได้เฉพาะฉบับร่าง หรือฉบับที่ถูกส่งกลับให้แก้ไข")
    if (parsed.first_year, parsed.last_year) != (plan.fiscal_year_from, plan.fiscal_year_to):
        raise InvalidInput(
            f"ไฟล์เป็นแผนปี {parsed.first_year}–{parsed.last_year} "
            f"แต่แผนนี้เป็นปี {plan.fiscal_year_from}–{plan.fiscal_year_to}"
        )
    clear_content(session, plan.id)  # type: ignore[arg-type]
    counts = store_content(session, plan, parsed)
    plan.source_filename, plan.source_sha256 = filename, sha256
    session.add(plan)
    _record(session, plan, "pdca_plan_reimported", actor, file=filename, sha256=sha256, **counts)
    return counts


def revise(session: Session, plan: Plan, *, actor: User, reason: str) -> Plan:
    """A revision: the version is copied whole into a new draft that names it; the version
    itself, and who approved it, stay as they were."""
    check_owner(session, actor)
    if plan.status not in REVISABLE:
        raise Conflict("ปรับปรุงได้เฉพาะแผนที่พิจารณาเสร็จแล้ว (ฉบับร่างแก้ไขได้โดยนำเข้าไฟล์ใหม่)")
    if not reason.strip():
        raise InvalidInput("กรุณาระบุเหตุผลการปรับปรุงแผน", field="reason")
    version, _ = _make_room(session, plan.series, actor)
    copy = Plan(
        series=plan.series,
        name=plan.name,
        fiscal_year_from=plan.fiscal_year_from,
        fiscal_year_to=plan.fiscal_year_to,
        version=version,
        previous_version_id=plan.id,
        division_id=plan.division_id,
        chain=plan.chain,
        revision_reason=reason.strip(),
        source_filename=plan.source_filename,
        source_sha256=plan.source_sha256,
        created_by_id=actor.id,  # type: ignore[arg-type]
    )
    session.add(copy)
    session.flush()
    counts = copy_content(session, source=plan, target=copy)
    _record(
        session,
        copy,
        "pdca_plan_revised",
        actor,
        from_version=plan.version,
        reason=reason,
        **counts,
    )
    return copy


def copy_content(session: Session, *, source: Plan, target: Plan) -> dict[str, int]:
    """Copy dimensions, missions, projects, budgets, indicators, the risk register and the
    import's reported differences from one version to another."""
    dims: dict[int, int] = {}
    for d in session.exec(select(PlanDimension).where(PlanDimension.plan_id == source.id)):
        new = PlanDimension(plan_id=target.id, no=d.no, name=d.name)  # type: ignore[arg-type]
        session.add(new)
        session.flush()
        dims[d.id] = new.id  # type: ignore[index,assignment]
    missions: dict[int, int] = {}
    for m in session.exec(select(PlanMission).where(PlanMission.plan_id == source.id)):
        new_m = PlanMission(
            plan_id=target.id,  # type: ignore[arg-type]
            dimension_id=dims[m.dimension_id],
            code=m.code,
            name=m.name,
        )
        session.add(new_m)
        session.flush()
        missions[m.id] = new_m.id  # type: ignore[index,assignment]
    projects: dict[int, int] = {}
    for p in session.exec(select(PlanProject).where(PlanProject.plan_id == source.id)):
        new_p = PlanProject(
            plan_id=target.id,  # type: ignore[arg-type]
            mission_id=missions[p.mission_id],
            no=p.no,
            code=p.code,
            name=p.name,
            division_code=p.division_code,
            note=p.note,
        )
        session.add(new_p)
        session.flush()
        projects[p.id] = new_p.id  # type: ignore[index,assignment]
    source_projects = list(projects)
    for b in session.exec(
        select(ProjectBudget).where(col(ProjectBudget.project_id).in_(source_projects))
    ):
        session.add(
            ProjectBudget(
                project_id=projects[b.project_id],
                fiscal_year=b.fiscal_year,
                amount_satang=b.amount_satang,
            )
        )
    for i in session.exec(
        select(ProjectIndicator).where(col(ProjectIndicator.project_id).in_(source_projects))
    ):
        session.add(
            ProjectIndicator(
                project_id=projects[i.project_id],
                seq=i.seq,
                text=i.text,
                target_operator=i.target_operator,
                target_value=i.target_value,
                target_unit=i.target_unit,
                source=i.source,
            )
        )
    for diff in session.exec(
        select(ImportDiscrepancy).where(ImportDiscrepancy.plan_id == source.id)
    ):
        session.add(
            ImportDiscrepancy(
                plan_id=target.id,  # type: ignore[arg-type]
                project_id=projects[diff.project_id],
                field=diff.field,
                card_value=diff.card_value,
                table_value=diff.table_value,
                source_note=diff.source_note,
                source_row=diff.source_row,
            )
        )
    risks = list(session.exec(select(RiskItem).where(RiskItem.plan_id == source.id)))
    for r in risks:
        new_r = RiskItem(
            plan_id=target.id,  # type: ignore[arg-type]
            seq=r.seq,
            process_step=r.process_step,
            risk=r.risk,
            level=r.level,
            published=r.published,
            control_note=r.control_note,
            source=r.source,
        )
        session.add(new_r)
        session.flush()
        for c in session.exec(select(RiskControl).where(RiskControl.risk_item_id == r.id)):
            session.add(RiskControl(risk_item_id=new_r.id, project_id=projects[c.project_id]))  # type: ignore[arg-type]
    session.flush()
    return {"dimensions": len(dims), "projects": len(projects), "risks": len(risks)}
