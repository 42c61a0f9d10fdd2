"""At-risk children's JSON routes (/api/children): screen a class, the cases one may read, a
case's record (with a purpose, every read logged), and each stage of the Application Care
path. The same service functions as the pages."""

from datetime import date
from typing import Any

from fastapi import APIRouter, BackgroundTasks
from pydantic import BaseModel, ConfigDict, Field

from api.deps import CaseSyncDep, CurrentUser, EngineDep, PathId, sync_case_later
from domain.children import admin, service
from domain.children.instruments import instrument
from domain.children.record import CaseRecord, read_case
from domain.children.screening import ClassScreening
from domain.children.states import CASE_TYPE
from domain.engine.steps import DecisionResult
from models.children import ActionStatus

router = APIRouter(prefix="/api/children", tags=["children"])

Answers = list[int]


class ScreeningIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    school_id: int = Field(ge=1)
    academic_year: int = Field(ge=2500, le=2700, description="ปีการศึกษา (พ.ศ.)")
    class_name: str = Field(min_length=1, max_length=40)
    held_on: date
    instrument: str = Field(default="", max_length=16)
    form: str = Field(default="", max_length=16)
    answers: dict[int, Answers] = Field(description="รหัสนักเรียน (pupil id) -> คำตอบข้อ 1-25 (0/1/2)")


class MedicalIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    findings: str = Field(max_length=4000)
    refer_to_hospital: bool = False


class HomeVisitIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    findings: str = Field(max_length=4000)
    lives_with: str = Field(max_length=300)
    conference_needed: bool
    skip_reason: str = Field(default="", max_length=1000)
    address: str = Field(default="", max_length=500)
    members_count: int | None = Field(default=None, ge=1, le=100)
    monthly_income_satang: int | None = Field(default=None, ge=0, le=10**12)


class ConferenceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    summary: str = Field(max_length=4000)
    attendees: str = Field(max_length=1000)


class ActionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(max_length=300)
    due_on: date
    owner_user_id: int | None = Field(default=None, ge=1)
    owner_name: str = Field(default="", max_length=200)


class ActionUpdateIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: ActionStatus
    note: str = Field(default="", max_length=4000)


class FollowUpIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    findings: str = Field(max_length=4000)
    close: bool = False


def _step(result: DecisionResult) -> dict[str, Any]:
    return {
        "step_id": result.step.id,
        "kind": result.step.kind,
        "outcome": result.step.outcome,
        "closed": result.closed_now,
    }


@router.get("/instruments/{key}")
def instrument_json(key: str) -> dict[str, Any]:
    """An instrument's answer scale, forms and scales (never its item texts)."""
    tool = instrument(key)
    return {
        "key": tool.key,
        "title": tool.title,
        "source": tool.source,
        "items": tool.item_count,
        "answers": [{"value": v, "label": label} for v, label in tool.answers()],
        "forms": dict(tool.forms()),
        "scales": dict(tool.scale_titles()),
    }


@router.post("/screenings", status_code=201)
def screen_json(
    body: ScreeningIn,
    user: CurrentUser,
    engine: EngineDep,
    background: BackgroundTasks,
    case_sync: CaseSyncDep,
) -> list[dict[str, Any]]:
    screened = service.screen_class(
        engine,
        user_id=user.id,  # type: ignore[arg-type]
        data=ClassScreening(
            school_id=body.school_id,
            academic_year=body.academic_year,
            class_name=body.class_name.strip(),
            held_on=body.held_on,
            answers=body.answers,
            instrument=body.instrument,
            form=body.form,
        ),
    )
    for item in screened:
        if item.case is not None:
            background.add_task(
                sync_case_later, case_sync, CASE_TYPE, item.case.id or 0, new_case=True
            )
    return [
        {
            "pupil_id": item.result.pupil_id,
            "result_id": item.result.id,
            "scales": item.result.scales,
            "total": item.result.total,
            "band": item.result.band,
            "case_id": item.case.id if item.case else None,
        }
        for item in screened
    ]


@router.get("/cases")
def cases_json(user: CurrentUser, engine: EngineDep) -> list[dict[str, Any]]:
    """The cases one may read, by number and status (no names, no labels)."""
    return [
        {"id": case.id, "status": case.status, "status_title": title}
        for case, title in service.cases_for(engine, user_id=user.id)  # type: ignore[arg-type]
    ]


def _record_json(record: CaseRecord) -> dict[str, Any]:
    return {
        "id": record.case.id,
        "status": record.case.status,
        "band": record.case.band,
        "core_person_id": record.case.core_person_id,
        "child": {
            "id": record.child.id,
            "name": f"{record.child.prefix}{record.child.first_name} {record.child.last_name}",
        },
        "school": record.school.name if record.school else None,
        "class_name": record.pupil.class_name if record.pupil else None,
        "result": {
            "scales": record.result.scales,
            "total": record.result.total,
            "band": record.result.band,
        }
        if record.result
        else None,
        "entries": [
            {"kind": e.kind, "findings": e.findings, "details": e.details, "at": e.at.isoformat()}
            for e in record.entries
        ],
        "actions": [
            {
                "id": a.id,
                "title": a.title,
                "owner_user_id": a.owner_user_id,
                "owner_name": a.owner_name,
                "due_on": a.due_on.isoformat(),
                "status": a.status,
            }
            for a in record.actions
        ],
        "steps": [
            {"id": s.id, "kind": s.kind, "status": s.status, "outcome": s.outcome}
            for s in record.steps
        ],
    }


@router.get("/cases/{case_id}")
def case_json(
    case_id: PathId, purpose: str, user: CurrentUser, engine: EngineDep
) -> dict[str, Any]:
    """The case's record; ``purpose`` (why it is opened) is logged with the read."""
    record = read_case(
        engine,
        user_id=user.id,  # type: ignore[arg-type]
        case_id=case_id,
        purpose=purpose[:500],
        channel="api",
    )
    return _record_json(record)


@router.post("/cases/{case_id}/medical-assessment")
def medical_json(
    case_id: PathId,
    body: MedicalIn,
    user: CurrentUser,
    engine: EngineDep,
    background: BackgroundTasks,
    case_sync: CaseSyncDep,
) -> dict[str, Any]:
    result = service.record_medical_assessment(
        engine,
        case_id=case_id,
        user_id=user.id,  # type: ignore[arg-type]
        findings=body.findings,
        refer_to_hospital=body.refer_to_hospital,
    )
    background.add_task(sync_case_later, case_sync, CASE_TYPE, case_id)
    return _step(result)


@router.post("/cases/{case_id}/home-visit")
def home_visit_json(
    case_id: PathId,
    body: HomeVisitIn,
    user: CurrentUser,
    engine: EngineDep,
    background: BackgroundTasks,
    case_sync: CaseSyncDep,
) -> dict[str, Any]:
    result = service.record_home_visit(
        engine,
        case_id=case_id,
        user_id=user.id,  # type: ignore[arg-type]
        visit=service.HomeVisit(**body.model_dump()),
    )
    background.add_task(sync_case_later, case_sync, CASE_TYPE, case_id)
    return _step(result)


@router.post("/cases/{case_id}/conference")
def conference_json(
    case_id: PathId,
    body: ConferenceIn,
    user: CurrentUser,
    engine: EngineDep,
    background: BackgroundTasks,
    case_sync: CaseSyncDep,
) -> dict[str, Any]:
    result = service.record_conference(
        engine,
        case_id=case_id,
        user_id=user.id,  # type: ignore[arg-type]
        summary=body.summary,
        attendees=body.attendees,
    )
    background.add_task(sync_case_later, case_sync, CASE_TYPE, case_id)
    return _step(result)


@router.post("/cases/{case_id}/plan/actions", status_code=201)
def add_action_json(
    case_id: PathId, body: ActionIn, user: CurrentUser, engine: EngineDep
) -> dict[str, Any]:
    action = service.add_plan_action(
        engine,
        case_id=case_id,
        user_id=user.id,  # type: ignore[arg-type]
        **body.model_dump(),
    )
    return {"id": action.id, "status": action.status}


@router.patch("/plan-actions/{action_id}")
def update_action_json(
    action_id: PathId, body: ActionUpdateIn, user: CurrentUser, engine: EngineDep
) -> dict[str, Any]:
    action = service.update_plan_action(
        engine,
        action_id=action_id,
        user_id=user.id,  # type: ignore[arg-type]
        status=body.status,
        note=body.note,
    )
    return {"id": action.id, "status": action.status}


@router.post("/cases/{case_id}/plan/approve")
def approve_plan_json(
    case_id: PathId,
    user: CurrentUser,
    engine: EngineDep,
    background: BackgroundTasks,
    case_sync: CaseSyncDep,
) -> dict[str, Any]:
    result = service.approve_plan(engine, case_id=case_id, user_id=user.id)  # type: ignore[arg-type]
    background.add_task(sync_case_later, case_sync, CASE_TYPE, case_id)
    return _step(result)


@router.post("/cases/{case_id}/follow-ups")
def follow_up_json(
    case_id: PathId,
    body: FollowUpIn,
    user: CurrentUser,
    engine: EngineDep,
    background: BackgroundTasks,
    case_sync: CaseSyncDep,
) -> dict[str, Any]:
    result = service.record_follow_up(
        engine,
        case_id=case_id,
        user_id=user.id,  # type: ignore[arg-type]
        findings=body.findings,
        close=body.close,
    )
    background.add_task(sync_case_later, case_sync, CASE_TYPE, case_id)
    return _step(result)


class CorePersonIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    core_username: str = Field(min_length=1, max_length=60)
    reason: str = Field(max_length=1000)


class CloseEarlyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(max_length=1000)


@router.post("/cases/{case_id}/core-person")
def core_person_json(
    case_id: PathId, body: CorePersonIn, user: CurrentUser, engine: EngineDep
) -> dict[str, Any]:
    case = admin.change_core_person(
        engine,
        user_id=user.id,  # type: ignore[arg-type]
        case_id=case_id,
        core_username=body.core_username,
        reason=body.reason,
    )
    return {"id": case.id, "core_person_id": case.core_person_id}


@router.post("/cases/{case_id}/close")
def close_early_json(
    case_id: PathId,
    body: CloseEarlyIn,
    user: CurrentUser,
    engine: EngineDep,
    background: BackgroundTasks,
    case_sync: CaseSyncDep,
) -> dict[str, Any]:
    """Close the case before its path ends, with the reason (the flow run then ends)."""
    case = admin.close_early(
        engine,
        user_id=user.id,  # type: ignore[arg-type]
        case_id=case_id,
        reason=body.reason,
    )
    background.add_task(sync_case_later, case_sync, CASE_TYPE, case_id)
    return {"id": case.id, "status": case.status}
