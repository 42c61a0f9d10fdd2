"""The scholarship's mentors and renewal: JSON routes (/api/screening) and the round's renewal
page (/pages/screening/rounds/{id}/renewal: each recipient's mentor, latest report and the
committee's decision; the mentor's report form). The rules are domain/screening/renewal.py."""

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import Session, col, select

from api.deps import CurrentUser, EngineDep, SessionDep, SettingsDep
from api.pages.common import PageUser, error_page, render
from api.screening.benefit_access import readable_round
from api.screening.benefit_page_common import posted
from domain.errors import DomainError, InvalidInput, NotEntitled
from domain.screening import renewal, service
from domain.screening.certify import member_ids
from domain.screening.people import full_name
from domain.screening.protection import may_read_record
from domain.screening.rounds import is_coordinator
from models.people import User
from models.screening import Candidate, Person, Programme, RoundStatus, ScreeningRound
from models.screening_renewal import RenewalDecision, RenewalMeeting

router = APIRouter(prefix="/api/screening", tags=["screening"])
pages = APIRouter(prefix="/pages/screening", tags=["pages"], include_in_schema=False)
RECIPIENT_LIST_PURPOSE = "รายชื่อผู้รับทุนที่พี่เลี้ยงติดตามและคณะกรรมการพิจารณาต่อทุน"


class MentorIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    mentor_user_id: int | None = None
    mentor_name: str = Field(default="", max_length=200)
    mentor_contact: str = Field(default="", max_length=200)


class ReportIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reported_on: date
    attendance_percent: int
    situation: str = Field(max_length=5000)
    recommend_continue: bool
    grade_average: float | None = None


class RenewalIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    next_round_id: int


class DecisionIn(BaseModel):
    candidate_id: int
    renew: bool
    reason: str = Field(default="", max_length=2000)


class MeetingIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    meeting_date: date
    resolution_number: str = Field(max_length=100)
    members_present: list[int]
    decisions: list[DecisionIn]


class VoteIn(BaseModel):
    comment: str = Field(default="", max_length=2000)


def renewal_round(
    session: Session, user: User, round_id: int
) -> tuple[ScreeningRound, set[int] | None]:
    """The scholarship round whose renewal ``user`` may follow, and the recipients they may
    see there: every one for a reader of the round (None); for a mentor who is no reader,
    their own (need to know: the report form is theirs, the others' records are not)."""
    try:
        found = readable_round(session, user, round_id)
        shown = None
    except NotEntitled:
        shown = renewal.mentored_in(session, user, round_id)
        if not shown:
            raise
        found = session.get(ScreeningRound, round_id)  # type: ignore[assignment]
    renewal.require_scholarship(found)
    return found, shown


def overview(session: Session, round_id: int, shown: set[int] | None = None) -> dict[str, Any]:
    """Each recipient (of ``shown`` if given) with the mentor, the latest report and the
    committee's decision."""
    meeting = renewal.renewal_meeting(session, round_id)
    decided = (
        {
            d.candidate_id: d
            for d in session.exec(
                select(RenewalDecision).where(RenewalDecision.meeting_id == meeting.id)
            )
        }
        if meeting
        else {}
    )
    rows = []
    for candidate in renewal.recipients(session, round_id):
        if shown is not None and candidate.id not in shown:
            continue
        mentor = renewal.mentor_of(session, candidate.id)  # type: ignore[arg-type]
        report = renewal.latest_report(session, candidate.id)  # type: ignore[arg-type]
        decision = decided.get(candidate.id)  # type: ignore[arg-type]
        rows.append(
            {
                "candidate_id": candidate.id,
                "mentor": mentor.mentor_name if mentor else None,
                "mentor_user_id": mentor.mentor_user_id if mentor else None,
                "report": report.model_dump(mode="json") if report else None,
                "renew": decision.renew if decision else None,
                "reason": decision.reason if decision else "",
                "carried_candidate_id": decision.carried_candidate_id if decision else None,
            }
        )
    return {
        "round_id": round_id,
        "step_id": meeting.step_id if meeting else None,
        "recorded": bool(meeting and meeting.recorded_at),
        "meeting_date": meeting.meeting_date if meeting else None,
        "members_present": list(meeting.members_present) if meeting else [],
        "quorum_reached": bool(meeting and meeting.quorum_reached),
        "next_round_id": meeting.next_round_id if meeting else None,
        "resolution_number": meeting.resolution_number if meeting else "",
        "decided": bool(meeting and meeting.decided_at),
        "recipients": rows,
    }


def recipient_names(
    session: Session, user: User, candidate_ids: list[int]
) -> dict[int, tuple[int, str]]:
    """Candidate id -> (person id, name) of the recipients whose record ``user`` may read (a
    mentor: their own); each read logged. The others are shown by number alone."""
    pairs = session.exec(
        select(Candidate.id, Person)
        .join(Person, col(Person.id) == Candidate.person_id)
        .where(col(Candidate.id).in_(candidate_ids))
    ).all()
    readable = {c: p for c, p in pairs if c and may_read_record(session, user, p.id)}  # type: ignore[arg-type]
    service.log_listed_reads(
        session.get_bind(),  # type: ignore[arg-type]
        user_id=user.id,  # type: ignore[arg-type]
        person_ids=[p.id for p in readable.values()],  # type: ignore[misc]
        purpose=RECIPIENT_LIST_PURPOSE,
    )
    return {c: (p.id, full_name(p)) for c, p in readable.items()}  # type: ignore[misc]


@router.get("/rounds/{round_id}/renewal", summary="พี่เลี้ยง รายงาน และการพิจารณาต่อทุน")
def get_renewal(round_id: int, user: CurrentUser, session: SessionDep) -> dict[str, Any]:
    _, shown = renewal_round(session, user, round_id)
    return overview(session, round_id, shown)


@router.post("/candidates/{candidate_id}/mentor", summary="กำหนดพี่เลี้ยงของผู้รับทุน")
def post_mentor(
    candidate_id: int, body: MentorIn, user: CurrentUser, engine: EngineDep
) -> dict[str, Any]:
    found = renewal.assign_mentor_uc(
        engine,
        candidate_id=candidate_id,
        user_id=user.id,
        **body.model_dump(),  # type: ignore[arg-type]
    )
    return found.model_dump(mode="json")


@router.post("/candidates/{candidate_id}/mentor-reports", summary="รายงานของพี่เลี้ยง")
def post_report(
    candidate_id: int, body: ReportIn, user: CurrentUser, engine: EngineDep
) -> dict[str, Any]:
    found = renewal.record_report_uc(
        engine,
        candidate_id=candidate_id,
        user_id=user.id,  # type: ignore[arg-type]
        report=renewal.ReportInput(**body.model_dump()),
    )
    return found.model_dump(mode="json")


@router.post("/rounds/{round_id}/renewal", summary="เปิดการพิจารณาต่อทุนปีถัดไป")
def post_start(round_id: int, body: RenewalIn, user: CurrentUser, engine: EngineDep) -> dict:
    meeting = renewal.start_renewal_uc(
        engine,
        round_id=round_id,
        next_round_id=body.next_round_id,
        user_id=user.id,  # type: ignore[arg-type]
    )
    return meeting.model_dump(mode="json")


@router.post("/renewals/{step_id}/meeting", summary="บันทึกการประชุมพิจารณาต่อทุน")
def post_meeting(step_id: int, body: MeetingIn, user: CurrentUser, engine: EngineDep) -> dict:
    meeting = renewal.record_renewal_meeting_uc(
        engine,
        step_id=step_id,
        user_id=user.id,  # type: ignore[arg-type]
        record=renewal.RenewalRecord(
            body.meeting_date,
            body.resolution_number,
            body.members_present,
            {d.candidate_id: (d.renew, d.reason) for d in body.decisions},
        ),
    )
    return meeting.model_dump(mode="json")


@router.post("/renewals/{step_id}/vote", summary="กรรมการที่เข้าประชุมลงมติรับรองผลการพิจารณาต่อทุน")
def post_vote(step_id: int, body: VoteIn, user: CurrentUser, engine: EngineDep) -> dict:
    closed = renewal.cast_renewal_vote_uc(
        engine,
        step_id=step_id,
        user_id=user.id,  # type: ignore[arg-type]
        comment=body.comment,
    )
    return {"closed": closed}


@pages.get("/rounds/{round_id}/renewal", response_class=HTMLResponse)
def renewal_page(
    round_id: int,
    request: Request,
    user: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    flash: Annotated[str, Query(max_length=300)] = "",
) -> Response:
    try:
        screening_round, shown = renewal_round(session, user, round_id)
    except DomainError as exc:
        return error_page(request, exc, user=user, session=session, settings=settings)
    data = overview(session, round_id, shown)
    meeting = renewal.renewal_meeting(session, round_id)
    members = (
        session.exec(
            select(User)
            .where(col(User.id).in_(member_ids(session, meeting.committee_id)))
            .order_by(col(User.full_name))
        ).all()
        if meeting
        else []
    )
    return render(
        request,
        "screening/renewal/round.html",
        {
            "round": screening_round,
            "data": data,
            "names": recipient_names(
                session, user, [r["candidate_id"] for r in data["recipients"]]
            ),
            "is_coordinator": is_coordinator(session, user),
            "user_id": user.id,
            "flash": flash,
            "mentor_choices": session.exec(
                select(User).where(col(User.active)).order_by(col(User.full_name))
            ).all(),
            "next_rounds": session.exec(
                select(ScreeningRound).where(
                    ScreeningRound.programme == Programme.scholarship,
                    ScreeningRound.fiscal_year == screening_round.fiscal_year + 1,
                    ScreeningRound.status == RoundStatus.nominating,
                )
            ).all(),
            "members": members,
            "is_member": user.id in {m.id for m in members},
        },
        user=user,
        session=session,
        settings=settings,
    )


def _renewal_back(round_id: int | None) -> str:
    """Where a renewal form comes back to: the round's renewal page (the screening index when
    the round is unknown, so that the use case's own refusal is what the user reads)."""
    return f"/pages/screening/rounds/{round_id}/renewal" if round_id else "/pages/screening"


def _candidate_back(session: Session, candidate_id: int) -> str:
    """The renewal page of the recipient's round."""
    candidate = session.get(Candidate, candidate_id)
    return _renewal_back(candidate.round_id if candidate else None)


def _meeting_back(session: Session, step_id: int) -> str:
    """The renewal page of the round whose renewal meeting is the step ``step_id``."""
    meeting = session.exec(select(RenewalMeeting).where(RenewalMeeting.step_id == step_id)).first()
    return _renewal_back(meeting.round_id if meeting else None)


@pages.post("/candidates/{candidate_id}/mentor-report", response_class=HTMLResponse)
async def report_page(
    candidate_id: int,
    request: Request,
    user: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    engine: EngineDep,
) -> Response:
    """A mentor reports on their recipient (attendance, situation, whether to continue)."""

    def run(form: dict[str, str]) -> str:
        try:
            report = renewal.ReportInput(
                reported_on=date.fromisoformat(form.get("reported_on", "")),
                attendance_percent=int(form.get("attendance_percent", "")),
                situation=form.get("situation", ""),
                recommend_continue=form.get("recommend_continue") == "yes",
                grade_average=float(form["grade_average"]) if form.get("grade_average") else None,
            )
        except ValueError:
            raise InvalidInput("กรุณากรอกวันที่รายงาน ร้อยละการมาเรียน และเกรดเฉลี่ยให้ถูกต้อง") from None
        renewal.record_report_uc(
            engine,
            candidate_id=candidate_id,
            user_id=user.id,  # type: ignore[arg-type]
            report=report,
        )
        return "บันทึกรายงานของพี่เลี้ยงแล้ว"

    back = _candidate_back(session, candidate_id)
    return await posted(request, user=user, session=session, settings=settings, back=back, run=run)


@pages.post("/candidates/{candidate_id}/mentor", response_class=HTMLResponse)
async def mentor_page(
    candidate_id: int,
    request: Request,
    user: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    engine: EngineDep,
) -> Response:
    """A coordinator names a recipient's mentor: a user of the system or an outside person."""

    def run(form: dict[str, str]) -> str:
        chosen = form.get("mentor_user_id", "")
        renewal.assign_mentor_uc(
            engine,
            candidate_id=candidate_id,
            user_id=user.id,  # type: ignore[arg-type]
            mentor_user_id=int(chosen) if chosen.isdigit() else None,
            mentor_name=form.get("mentor_name", ""),
            mentor_contact=form.get("mentor_contact", ""),
        )
        return "กำหนดพี่เลี้ยงแล้ว"

    back = _candidate_back(session, candidate_id)
    return await posted(request, user=user, session=session, settings=settings, back=back, run=run)


@pages.post("/rounds/{round_id}/renewal/start", response_class=HTMLResponse)
async def start_page(
    round_id: int,
    request: Request,
    user: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    engine: EngineDep,
) -> Response:
    """A coordinator opens the committee's renewal step the next year."""

    def run(form: dict[str, str]) -> str:
        chosen = form.get("next_round_id", "")
        if not chosen.isdigit():
            raise InvalidInput("กรุณาเลือกรอบทุนการศึกษาของปีถัดไป", field="next_round_id")
        renewal.start_renewal_uc(
            engine,
            round_id=round_id,
            next_round_id=int(chosen),
            user_id=user.id,  # type: ignore[arg-type]
        )
        return "เปิดการพิจารณาต่อทุนแล้ว รอคณะกรรมการพิจารณาทุนการศึกษา"

    back = _renewal_back(round_id)
    return await posted(request, user=user, session=session, settings=settings, back=back, run=run)


@pages.post("/renewals/{step_id}/meeting", response_class=HTMLResponse)
async def meeting_page(
    step_id: int,
    request: Request,
    user: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    engine: EngineDep,
) -> Response:
    """A member records the meeting: date, resolution, who was present (``present_<user id>``)
    and each recipient's decision (``renew_<candidate id>`` yes/no, ``reason_<candidate id>``)."""

    def run(form: dict[str, str]) -> str:
        try:
            meeting_date = date.fromisoformat(form.get("meeting_date", ""))
        except ValueError:
            raise InvalidInput("กรุณาระบุวันที่ประชุม", field="meeting_date") from None
        decisions = {
            int(key.removeprefix("renew_")): (value == "yes", form.get(f"reason_{key[6:]}", ""))
            for key, value in form.items()
            if key.startswith("renew_") and key[6:].isdigit()
        }
        present = [int(k[8:]) for k in form if k.startswith("present_") and k[8:].isdigit()]
        renewal.record_renewal_meeting_uc(
            engine,
            step_id=step_id,
            user_id=user.id,  # type: ignore[arg-type]
            record=renewal.RenewalRecord(
                meeting_date, form.get("resolution_number", ""), present, decisions
            ),
        )
        return "บันทึกการประชุมแล้ว กรรมการที่เข้าประชุมลงมติรับรองได้"

    back = _meeting_back(session, step_id)
    return await posted(request, user=user, session=session, settings=settings, back=back, run=run)


@pages.post("/renewals/{step_id}/vote", response_class=HTMLResponse)
async def vote_page(
    step_id: int,
    request: Request,
    user: PageUser,
    session: SessionDep,
    settings: SettingsDep,
    engine: EngineDep,
) -> Response:
    """A member present votes to adopt the meeting's decisions."""

    def run(form: dict[str, str]) -> str:
        closed = renewal.cast_renewal_vote_uc(
            engine,
            step_id=step_id,
            user_id=user.id,  # type: ignore[arg-type]
            comment=form.get("comment", ""),
        )
        return "มีมติรับรองผลการพิจารณาต่อทุนแล้ว" if closed else "บันทึกการลงมติของท่านแล้ว"

    back = _meeting_back(session, step_id)
    return await posted(request, user=user, session=session, settings=settings, back=back, run=run)
