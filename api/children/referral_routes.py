"""JSON routes of referrals, the agency register, development log and outcomes, camps and
figures (/api/children/...): the same service functions as the pages."""

from datetime import date
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from api.deps import CurrentUser, EngineDep, SessionDep
from domain.children import agencies, camps, devlog, figures, outcomes, referrals
from domain.children.referral_views import read_referral, referral_lines
from models.children_referrals import Cadence, OutcomeKind, Referral, ReferralStatus, SchoolLevel

router = APIRouter(prefix="/api/children", tags=["children (referrals, camps, figures)"])

Codes = list[str]


class ReferralIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    person_id: int = Field(ge=1)
    referred_on: date
    problems: Codes = Field(default_factory=list, max_length=20)
    agencies: Codes = Field(default_factory=list, max_length=30, description="รหัสหน่วยงานที่ส่งต่อ")
    reasons: dict[str, str] = Field(
        default_factory=dict, description="รหัสหน่วยงาน -> เหตุผลที่เพิ่ม/ตัดออกจากที่ระบบเสนอ"
    )
    case_id: int | None = Field(default=None, ge=1)


class AcknowledgeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    received: bool
    comment: str = Field(default="", max_length=4000)


class ReferralOutcomeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: ReferralStatus
    note: str = Field(default="", max_length=4000)


class ActivityIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    cadence: Cadence
    activity_on: date
    activity: str = Field(max_length=300)
    note: str = Field(default="", max_length=4000)


class OutcomeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: OutcomeKind
    achieved_on: date
    level: SchoolLevel | None = None
    note: str = Field(default="", max_length=4000)


class AgreementIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    scope: str = Field(max_length=300)
    signed_on: date
    expires_on: date | None = None
    reference: str = Field(default="", max_length=200)


class ContactIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: str = Field(max_length=64)


class CohortIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    starts_on: date
    venue: str = Field(default="", max_length=200)


class EnrolIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    person_id: int = Field(ge=1)


class AttendanceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    day: int = Field(ge=1, le=14)
    present: list[int] = Field(default_factory=list, max_length=1000, description="enrolment ids")


class ProblemsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    problems: Codes = Field(default_factory=list, max_length=20)
    note: str = Field(default="", max_length=4000)


class CampReferralIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    referred_on: date
    agencies: Codes = Field(default_factory=list, max_length=30)
    reasons: dict[str, str] = Field(default_factory=dict)


def referral_json(r: Referral) -> dict[str, Any]:
    return {
        "id": r.id,
        "person_id": r.person_id,
        "case_id": r.case_id,
        "camp_enrolment_id": r.camp_enrolment_id,
        "agency_id": r.agency_id,
        "rule": r.rule_key,
        "reason": r.reason,
        "status": str(r.status),
        "status_thai": r.status_title,
        "referred_on": r.referred_on.isoformat(),
        "age_at_referral": r.age_at_referral,
        "step_id": r.step_id,
        "outcome_note": r.outcome_note,
    }


# --------------------------------------------------------------------------- referrals


@router.post("/referrals/proposal")
def propose_json(body: ReferralIn, user: CurrentUser, engine: EngineDep) -> dict[str, Any]:
    """What the rules suggest for the child (nothing stored)."""
    found = referrals.propose(
        engine,
        user_id=user.id,  # type: ignore[arg-type]
        person_id=body.person_id,
        on=body.referred_on,
        problems=body.problems,
        case_id=body.case_id,
    )
    return {
        "age": found.age,
        "suggestions": [
            {"agency": s.agency_code, "rule": s.rule_key, "title": s.title}
            for s in found.suggestions
        ],
    }


@router.post("/referrals", status_code=201)
def confirm_json(body: ReferralIn, user: CurrentUser, engine: EngineDep) -> list[dict[str, Any]]:
    sent = referrals.confirm(
        engine,
        user_id=user.id,  # type: ignore[arg-type]
        person_id=body.person_id,
        on=body.referred_on,
        problems=body.problems,
        agencies=body.agencies,
        reasons=body.reasons,
        case_id=body.case_id,
    )
    return [referral_json(r) for r in sent]


@router.get("/referrals")
def list_json(user: CurrentUser, session: SessionDep) -> list[dict[str, Any]]:
    return [
        {**referral_json(line.referral), "agency": line.agency}
        for line in referral_lines(session, user)
    ]


@router.get("/referrals/{referral_id}")
def read_json(
    referral_id: int, purpose: str, user: CurrentUser, engine: EngineDep
) -> dict[str, Any]:
    """One referral with the child's name; ``purpose`` is logged with the read."""
    view = read_referral(
        engine,
        user_id=user.id,  # type: ignore[arg-type]
        referral_id=referral_id,
        purpose=purpose,
        channel="api",
    )
    return {
        **referral_json(view.referral),
        "agency": view.agency,
        "child_name": view.child_name,
        "problems": view.problems,
        "rule_title": view.rule_title,
        "next_outcomes": [s.value for s in view.next_outcomes],
    }


@router.post("/referrals/{referral_id}/acknowledgement")
def acknowledge_json(
    referral_id: int, body: AcknowledgeIn, user: CurrentUser, engine: EngineDep
) -> dict[str, str]:
    referrals.acknowledge(
        engine,
        user_id=user.id,  # type: ignore[arg-type]
        referral_id=referral_id,
        received=body.received,
        comment=body.comment,
    )
    return {"message": referrals.ACKNOWLEDGED[body.received]}


@router.post("/referrals/{referral_id}/outcome")
def outcome_json(
    referral_id: int, body: ReferralOutcomeIn, user: CurrentUser, engine: EngineDep
) -> dict[str, Any]:
    referral = referrals.record_outcome(
        engine,
        user_id=user.id,  # type: ignore[arg-type]
        referral_id=referral_id,
        status=body.status,
        note=body.note,
    )
    return referral_json(referral)


# --------------------------------------------------------------------------- agencies


@router.get("/agencies")
def agencies_json(user: CurrentUser, session: SessionDep) -> list[dict[str, Any]]:
    today = date.today()
    return [
        {
            "id": line.agency.id,
            "code": line.profile.code,
            "name": line.agency.name,
            "kind": line.agency.kind,
            "services": line.profile.services,
            "contacts": [u.username for u in line.contacts],
            "agreement_in_force": line.agreement_in_force(today) is not None,
            "agreements": [
                {
                    "scope": a.scope,
                    "signed_on": a.signed_on.isoformat(),
                    "expires_on": a.expires_on.isoformat() if a.expires_on else None,
                    "reference": a.reference,
                }
                for a in line.agreements
            ],
        }
        for line in agencies.agency_register(session)
    ]


@router.post("/agencies/{code}/agreements", status_code=201)
def agreement_json(
    code: str, body: AgreementIn, user: CurrentUser, engine: EngineDep
) -> dict[str, Any]:
    agreement = agencies.record_agreement(
        engine,
        user_id=user.id,  # type: ignore[arg-type]
        code=code,
        scope=body.scope,
        signed_on=body.signed_on,
        expires_on=body.expires_on,
        reference=body.reference,
    )
    return {"id": agreement.id}


@router.post("/agencies/{code}/contacts", status_code=201)
def contact_json(
    code: str, body: ContactIn, user: CurrentUser, engine: EngineDep
) -> dict[str, str]:
    message = agencies.register_contact(
        engine,
        user_id=user.id,  # type: ignore[arg-type]
        code=code,
        contact_username=body.username,
    )
    return {"message": message}


# --------------------------------------------------------------------------- 5C: log, outcomes


@router.post("/people/{person_id}/activities", status_code=201)
def activity_json(
    person_id: int, body: ActivityIn, user: CurrentUser, engine: EngineDep
) -> dict[str, Any]:
    entry = devlog.log_activity(
        engine,
        user_id=user.id,  # type: ignore[arg-type]
        person_id=person_id,
        cadence=body.cadence,
        activity_on=body.activity_on,
        activity=body.activity,
        note=body.note,
    )
    return {"id": entry.id}


@router.post("/people/{person_id}/outcomes", status_code=201)
def child_outcome_json(
    person_id: int, body: OutcomeIn, user: CurrentUser, engine: EngineDep
) -> dict[str, Any]:
    outcome = outcomes.record_outcome(
        engine,
        user_id=user.id,  # type: ignore[arg-type]
        person_id=person_id,
        kind=body.kind,
        achieved_on=body.achieved_on,
        level=body.level,
        note=body.note,
    )
    return {"id": outcome.id}


@router.get("/people/{person_id}/progress")
def progress_json(
    person_id: int, purpose: str, user: CurrentUser, engine: EngineDep
) -> dict[str, Any]:
    progress = devlog.read_progress(
        engine,
        user_id=user.id,  # type: ignore[arg-type]
        person_id=person_id,
        purpose=purpose,
        channel="api",
    )
    return {
        "activities": [
            {
                "cadence": str(e.cadence),
                "activity_on": e.activity_on.isoformat(),
                "activity": e.activity,
                "recorded_by_id": e.recorded_by_id,
            }
            for e in progress.entries
        ],
        "outcomes": [
            {"kind": str(o.kind), "level": o.level, "achieved_on": o.achieved_on.isoformat()}
            for o in progress.outcomes
        ],
    }


# --------------------------------------------------------------------------- camps


@router.post("/camps", status_code=201)
def cohort_json(body: CohortIn, user: CurrentUser, engine: EngineDep) -> dict[str, Any]:
    cohort = camps.open_cohort(
        engine,
        user_id=user.id,  # type: ignore[arg-type]
        starts_on=body.starts_on,
        venue=body.venue,
    )
    return {"id": cohort.id, "title": cohort.title, "capacity": cohort.capacity}


@router.post("/camps/{cohort_id}/enrolments", status_code=201)
def enrol_json(
    cohort_id: int, body: EnrolIn, user: CurrentUser, engine: EngineDep
) -> dict[str, Any]:
    enrolment = camps.enrol(
        engine,
        user_id=user.id,  # type: ignore[arg-type]
        cohort_id=cohort_id,
        person_id=body.person_id,
    )
    return {"id": enrolment.id}


@router.post("/camps/{cohort_id}/attendance")
def attendance_json(
    cohort_id: int, body: AttendanceIn, user: CurrentUser, engine: EngineDep
) -> dict[str, int]:
    present = camps.record_attendance(
        engine,
        user_id=user.id,  # type: ignore[arg-type]
        cohort_id=cohort_id,
        day=body.day,
        present_ids=set(body.present),
    )
    return {"present": present}


@router.post("/camps/enrolments/{enrolment_id}/problems")
def problems_json(
    enrolment_id: int, body: ProblemsIn, user: CurrentUser, engine: EngineDep
) -> dict[str, list[str]]:
    found = camps.record_problems(
        engine,
        user_id=user.id,  # type: ignore[arg-type]
        enrolment_id=enrolment_id,
        problems=body.problems,
        note=body.note,
    )
    return {"problems": found}


@router.post("/camps/enrolments/{enrolment_id}/referrals", status_code=201)
def camp_referral_json(
    enrolment_id: int, body: CampReferralIn, user: CurrentUser, engine: EngineDep
) -> list[dict[str, Any]]:
    sent = camps.refer_from_camp(
        engine,
        user_id=user.id,  # type: ignore[arg-type]
        enrolment_id=enrolment_id,
        agencies=body.agencies,
        reasons=body.reasons,
        on=body.referred_on,
    )
    return [referral_json(r) for r in sent]


# --------------------------------------------------------------------------- figures


@router.get("/figures")
def figures_json(year: int, user: CurrentUser, session: SessionDep) -> dict[str, Any]:
    """Counts only, small numbers shown as "<5" (executives and coordinators)."""
    found = figures.figures(session, user=user, year=year)
    return figures.as_json(found)
