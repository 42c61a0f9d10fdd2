"""Screening rounds: opened by a coordinator of the Social Welfare division (สส.) with a
nomination window and a deadline for each of its programme's stages; its figures are counted
live from the tables, never kept as counters."""

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func
from sqlmodel import Session, col, select

from core.db import utcnow
from domain.engine import audit
from domain.engine.calendar import BANGKOK, thai_date_text
from domain.engine.people import division_by_code
from domain.errors import Conflict, InvalidInput, NotEntitled, NotFound
from domain.screening.config import screening_config
from domain.screening.states import CASE_TYPE
from models.people import User
from models.screening import (
    Candidate,
    CandidateState,
    CommunityList,
    Nomination,
    NominationSource,
    Programme,
    RoundStatus,
    ScreeningRound,
)


def today() -> date:
    return utcnow().astimezone(BANGKOK).date()


def check_coordinator(session: Session, user: User) -> None:
    """Rounds are the Social Welfare division's: its active officers coordinate them."""
    config = screening_config()
    division = division_by_code(session, config.division)
    if (
        not user.active
        or user.division_id != division.id
        or user.position not in config.coordinator_positions
    ):
        raise NotEntitled(f"เฉพาะเจ้าหน้าที่{division.name}เป็นผู้ประสานงานรอบการคัดกรองได้")


def is_coordinator(session: Session, user: User) -> bool:
    """``check_coordinator`` as a question (what a page shows, the menu)."""
    try:
        check_coordinator(session, user)
    except NotEntitled:
        return False
    return True


def current_community_list(session: Session, on: date | None = None) -> CommunityList:
    """The newest version of the community list in force on ``on`` (today)."""
    found = session.exec(
        select(CommunityList)
        .where(CommunityList.effective_from <= (on or today()))
        .order_by(col(CommunityList.effective_from).desc(), col(CommunityList.version).desc())
    ).first()
    if found is None:
        raise NotFound("ยังไม่มีทะเบียนชุมชน")
    return found


def get_round(session: Session, round_id: int, *, lock: bool = False) -> ScreeningRound:
    found = session.get(ScreeningRound, round_id, with_for_update=lock)
    if found is None:
        raise NotFound("ไม่พบรอบการคัดกรองนี้")
    return found


def open_round(
    session: Session,
    actor: User,
    *,
    programme: Programme,
    fiscal_year: int,
    title: str,
    nomination_opens_on: date,
    nomination_closes_on: date,
    stage_deadlines: dict[str, date],
) -> ScreeningRound:
    """Open a round: every stage of the programme needs a deadline, in the stages' order,
    after the nomination window closes."""
    check_coordinator(session, actor)
    config = screening_config()
    title = title.strip()
    if not title:
        raise InvalidInput("กรุณาระบุชื่อรอบการคัดกรอง", field="title")
    if not 2500 <= fiscal_year <= 2700:
        raise InvalidInput("ปีงบประมาณต้องเป็นปี พ.ศ. เช่น 2570", field="fiscal_year")
    if nomination_closes_on < nomination_opens_on:
        raise InvalidInput("วันปิดรับรายชื่อต้องไม่ก่อนวันเปิดรับ", field="nomination_closes_on")
    stages = config.stages[programme.value]
    unknown = sorted(set(stage_deadlines) - set(stages))
    if unknown:
        raise InvalidInput(f"ไม่รู้จักขั้นตอน {', '.join(unknown)}", field="stage_deadlines")
    previous, previous_title = nomination_closes_on, "วันปิดรับรายชื่อ"
    for stage in stages:
        due = stage_deadlines.get(stage)
        if due is None:
            raise InvalidInput(f"กรุณากำหนดวันสิ้นสุดขั้นตอน “{config.stage_title(stage)}”", field=stage)
        if due < previous:
            raise InvalidInput(
                f"วันสิ้นสุด “{config.stage_title(stage)}” ({thai_date_text(due)}) "
                f"ต้องไม่ก่อน{previous_title} ({thai_date_text(previous)})",
                field=stage,
            )
        previous, previous_title = due, f"วันสิ้นสุด “{config.stage_title(stage)}”"
    duplicate = session.exec(
        select(ScreeningRound).where(
            ScreeningRound.programme == programme,
            ScreeningRound.fiscal_year == fiscal_year,
            ScreeningRound.title == title,
        )
    ).first()
    if duplicate is not None:
        raise Conflict("มีรอบการคัดกรองชื่อนี้ในปีงบประมาณนี้แล้ว")
    screening_round = ScreeningRound(
        programme=programme,
        fiscal_year=fiscal_year,
        title=title,
        division_id=actor.division_id,  # type: ignore[arg-type]
        community_list_id=current_community_list(session, nomination_opens_on).id,  # type: ignore[arg-type]
        nomination_opens_on=nomination_opens_on,
        nomination_closes_on=nomination_closes_on,
        stage_deadlines={stage: stage_deadlines[stage].isoformat() for stage in stages},
        opened_by_id=actor.id,  # type: ignore[arg-type]
    )
    session.add(screening_round)
    session.flush()
    audit.record(
        session,
        case_type=CASE_TYPE,
        case_id=screening_round.id,  # type: ignore[arg-type]
        action="screening_round_opened",
        actor=actor,
        detail={
            "programme": programme.value,
            "fiscal_year": fiscal_year,
            "nomination_closes_on": nomination_closes_on.isoformat(),
        },
    )
    return screening_round


def check_nominating(screening_round: ScreeningRound, on: date | None = None) -> None:
    """Names are taken while the round is nominating and within its window."""
    day = on or today()
    if screening_round.status != RoundStatus.nominating:
        raise Conflict("รอบนี้ปิดรับรายชื่อแล้ว")
    if not screening_round.nomination_opens_on <= day <= screening_round.nomination_closes_on:
        raise Conflict(
            "อยู่นอกช่วงรับรายชื่อของรอบนี้ "
            f"({thai_date_text(screening_round.nomination_opens_on)} – "
            f"{thai_date_text(screening_round.nomination_closes_on)})"
        )


@dataclass
class RoundFigures:
    """A round's live figures."""

    nominations: int = 0
    candidates: int = 0
    by_source: dict[str, int] = field(default_factory=dict)
    by_state: dict[str, int] = field(default_factory=dict)


def figures(session: Session, round_id: int) -> RoundFigures:
    result = RoundFigures()
    for source, count in session.exec(
        select(Nomination.source, func.count())
        .where(Nomination.round_id == round_id)
        .group_by(Nomination.source)
    ):
        result.by_source[NominationSource(source).value] = count
        result.nominations += count
    for state, count in session.exec(
        select(Candidate.state, func.count())
        .where(Candidate.round_id == round_id)
        .group_by(Candidate.state)
    ):
        result.by_state[CandidateState(state).value] = count
        if state != CandidateState.merged:
            result.candidates += count
    return result
