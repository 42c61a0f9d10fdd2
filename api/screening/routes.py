"""Screening's JSON routes (/api/screening): rounds and their live figures, nominations one by
one or from a file, duplicate suggestions and merging, a person's record (every read logged,
with the purpose given) and the read log for the data protection officer."""

from datetime import date, datetime, time
from typing import Annotated

from fastapi import APIRouter, File, Query, UploadFile, status
from pydantic import BaseModel, Field
from sqlmodel import Session, col, select

from api.deps import CurrentUser, EngineDep, IsoDate, Limit, PathId, SessionDep
from domain.engine import readlog
from domain.engine.calendar import BANGKOK
from domain.errors import InvalidInput
from domain.screening import protection, rounds, service
from domain.screening.duplicates import suggestions
from domain.screening.import_nominations import ImportReport
from domain.screening.nominations import NominationInput
from domain.screening.people import HouseholdInput, PersonInput, full_name
from models.readlog import ReadLogEntry
from models.screening import (
    Community,
    NominationSource,
    Person,
    Programme,
    RoundStatus,
    School,
    ScreeningRound,
    Sex,
)

router = APIRouter(prefix="/api/screening", tags=["screening"])

MAX_FILE_BYTES = 10 * 1024 * 1024
"""A nominations file of 2,900 rows is well under 1 MB as XLSX."""
Purpose = Annotated[
    str, Query(min_length=1, max_length=500, description="วัตถุประสงค์ของการเข้าดู (บันทึกไว้)")
]


class RoundIn(BaseModel):
    programme: Programme = Programme.welfare
    fiscal_year: int = Field(ge=2500, le=2700, description="ปีงบประมาณ พ.ศ.")
    title: str = Field(min_length=1, max_length=300)
    nomination_opens_on: date
    nomination_closes_on: date
    stage_deadlines: dict[str, date] = Field(description="ขั้นตอน -> วันสิ้นสุด")


class RoundOut(BaseModel):
    id: int
    programme: Programme
    fiscal_year: int
    title: str
    status: RoundStatus
    nomination_opens_on: date
    nomination_closes_on: date
    stage_deadlines: dict[str, date]
    community_list_id: int

    @classmethod
    def of(cls, r: ScreeningRound) -> "RoundOut":
        return cls.model_validate(r, from_attributes=True)


class FiguresOut(BaseModel):
    nominations: int
    candidates: int
    by_source: dict[str, int]
    by_state: dict[str, int]
    duplicate_suggestions: int


class RoundDetail(RoundOut):
    figures: FiguresOut


class PersonIn(BaseModel):
    first_name: str = Field(min_length=1, max_length=120)
    last_name: str = Field(default="", max_length=120)
    prefix: str = Field(default="", max_length=40)
    thai_id: str | None = Field(default=None, max_length=20)
    birth_date: date | None = None
    sex: Sex = Sex.unknown
    community_id: int | None = None
    phone: str | None = Field(default=None, max_length=40)
    email: str | None = Field(default=None, max_length=200, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    line_user_id: str | None = Field(default=None, max_length=64)


class HouseholdIn(BaseModel):
    house_no: str = Field(default="", max_length=40)
    address: str = Field(default="", max_length=500)
    members_count: int | None = Field(default=None, ge=0, le=100)
    monthly_income_satang: int | None = Field(default=None, ge=0)


class NominationIn(BaseModel):
    person: PersonIn
    household: HouseholdIn | None = None
    source: NominationSource
    nominator_name: str = Field(min_length=1, max_length=200)
    community_id: int | None = None
    school_id: int | None = None
    note: str = Field(default="", max_length=2000)


class NominationOut(BaseModel):
    id: int
    round_id: int
    person_id: int
    source: NominationSource


class ImportOut(BaseModel):
    import_id: int
    rows: int
    persons_created: int
    persons_known: int
    repeated_ids: list[tuple[int, int]] = Field(description="(แถว, แถวก่อนหน้าที่มีเลขเดียวกัน)")
    candidates_created: int
    suggestions: int


class PersonBrief(BaseModel):
    id: int
    name: str
    birth_date: date | None
    community_id: int | None
    has_thai_id: bool

    @classmethod
    def of(cls, p: Person) -> "PersonBrief":
        return cls(
            id=p.id,  # type: ignore[arg-type]
            name=full_name(p),
            birth_date=p.birth_date,
            community_id=p.community_id,
            has_thai_id=p.thai_id is not None,
        )


class SuggestionOut(BaseModel):
    first: PersonBrief
    second: PersonBrief
    reasons: list[str]


class MergeIn(BaseModel):
    keep_id: int = Field(ge=1)
    drop_id: int = Field(ge=1)
    reason: str = Field(min_length=1, max_length=500)


class DistinctIn(BaseModel):
    first_id: int = Field(ge=1)
    second_id: int = Field(ge=1)
    reason: str = Field(min_length=1, max_length=500)


class NominationLineOut(BaseModel):
    id: int
    round_id: int
    round_title: str
    source: NominationSource
    source_title: str
    nominator_name: str
    community: str | None
    school: str | None


class HistoryRoundOut(BaseModel):
    round_id: int
    title: str
    fiscal_year: int
    state: str
    state_title: str


class HelpOut(BaseModel):
    on: date
    what: str
    amount_satang: int | None
    round_id: int | None


class PersonOut(BaseModel):
    id: int
    thai_id: str | None
    name: str
    birth_date: date | None
    sex: Sex
    community: str | None
    house_no: str | None
    address: str | None
    members_count: int | None
    monthly_income_satang: int | None
    phone: str | None
    email: str | None
    nominations: list[NominationLineOut]
    rounds: list[HistoryRoundOut]
    help_past_year: list[HelpOut]
    hiv_positive: bool | None = Field(description="null: ไม่ได้ขอดู หรือไม่มีสิทธิ์ดู")
    hiv_refused: bool


class ReadLogOut(BaseModel):
    id: int
    at: str
    user_id: int | None
    record_type: str
    record_id: int
    scope: str
    purpose: str
    allowed: bool
    reason: str
    channel: str


class Named(BaseModel):
    id: int
    code: str
    name: str


def round_detail(session: Session, screening_round: ScreeningRound) -> RoundDetail:
    found = rounds.figures(session, screening_round.id)  # type: ignore[arg-type]
    figures = FiguresOut(
        nominations=found.nominations,
        candidates=found.candidates,
        by_source=found.by_source,
        by_state=found.by_state,
        duplicate_suggestions=len(suggestions(session, screening_round.id)),  # type: ignore[arg-type]
    )
    return RoundDetail(**RoundOut.of(screening_round).model_dump(), figures=figures)


def person_out(record: protection.PersonRecord) -> PersonOut:
    p, h = record.person, record.household
    return PersonOut(
        id=p.id,  # type: ignore[arg-type]
        thai_id=p.thai_id,
        name=full_name(p),
        birth_date=p.birth_date,
        sex=p.sex,
        community=record.community,
        house_no=h.house_no if h else None,
        address=h.address if h else None,
        members_count=h.members_count if h else None,
        monthly_income_satang=h.monthly_income_satang if h else None,
        phone=p.phone,
        email=p.email,
        nominations=[
            NominationLineOut(
                id=n.nomination.id,  # type: ignore[arg-type]
                round_id=n.nomination.round_id,
                round_title=n.round_title,
                source=n.nomination.source,
                source_title=NominationSource(n.nomination.source).thai,
                nominator_name=n.nomination.nominator_name,
                community=n.community,
                school=n.school,
            )
            for n in record.nominations
        ],
        rounds=[
            HistoryRoundOut(
                round_id=r.round.id,  # type: ignore[arg-type]
                title=r.round.title,
                fiscal_year=r.round.fiscal_year,
                state=r.state.value,
                state_title=r.state.thai,
            )
            for r in record.history.rounds
        ],
        help_past_year=[HelpOut(**h.__dict__) for h in record.history.help],
        hiv_positive=record.hiv_positive,
        hiv_refused=record.hiv_refused,
    )


async def read_file(upload: UploadFile) -> bytes:
    data = await upload.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise InvalidInput("ไฟล์ใหญ่เกิน 10 MB", field="file")
    return data


@router.get("/rounds", response_model=list[RoundOut])
def list_rounds(user: CurrentUser, session: SessionDep) -> list[RoundOut]:
    """Every round, newest first (a round shows no person's data)."""
    found = session.exec(select(ScreeningRound).order_by(col(ScreeningRound.id).desc()))
    return [RoundOut.of(r) for r in found]


@router.post("/rounds", response_model=RoundDetail, status_code=status.HTTP_201_CREATED)
def open_round(body: RoundIn, user: CurrentUser, engine: EngineDep) -> RoundDetail:
    """Open a round (coordinators of สส.): the nomination window and every stage's deadline."""
    opened = service.open_round(engine, user_id=user.id, **body.model_dump())  # type: ignore[arg-type]
    with Session(engine) as session:
        return round_detail(session, opened)


@router.get("/rounds/{round_id}", response_model=RoundDetail)
def read_round(round_id: PathId, user: CurrentUser, session: SessionDep) -> RoundDetail:
    """The round with its live figures."""
    return round_detail(session, rounds.get_round(session, round_id))


@router.post(
    "/rounds/{round_id}/nominations",
    response_model=NominationOut,
    status_code=status.HTTP_201_CREATED,
)
def add_nomination(
    round_id: PathId, body: NominationIn, user: CurrentUser, engine: EngineDep
) -> NominationOut:
    """One nomination; a known Thai ID names the same person (one candidate per round)."""
    data = NominationInput(
        person=PersonInput(**body.person.model_dump()),
        household=HouseholdInput(**body.household.model_dump()) if body.household else None,
        source=body.source,
        nominator_name=body.nominator_name,
        community_id=body.community_id,
        school_id=body.school_id,
        note=body.note,
    )
    nomination = service.nominate(engine, user_id=user.id, round_id=round_id, data=data)  # type: ignore[arg-type]
    return NominationOut.model_validate(nomination, from_attributes=True)


@router.post(
    "/rounds/{round_id}/imports", response_model=ImportOut, status_code=status.HTTP_201_CREATED
)
async def import_nominations(
    round_id: PathId,
    user: CurrentUser,
    engine: EngineDep,
    file: Annotated[UploadFile, File(description="รายชื่อ (.csv หรือ .xlsx) หัวตารางภาษาไทย")],
) -> ImportOut:
    """A file of nominations, whole or nothing: 422 names every broken row (row, column)."""
    report: ImportReport = service.import_file(
        engine,
        user_id=user.id,  # type: ignore[arg-type]
        round_id=round_id,
        data=await read_file(file),
        filename=file.filename or "",
    )
    return ImportOut(**report.__dict__)


@router.get("/rounds/{round_id}/duplicates", response_model=list[SuggestionOut])
def duplicate_suggestions(
    round_id: PathId, user: CurrentUser, session: SessionDep
) -> list[SuggestionOut]:
    """People who may be one (similar Thai names with the same birth date or community), for
    the round's coordinators."""
    rounds.check_coordinator(session, user)
    rounds.get_round(session, round_id)
    return [
        SuggestionOut(
            first=PersonBrief.of(s.first), second=PersonBrief.of(s.second), reasons=list(s.reasons)
        )
        for s in suggestions(session, round_id)
    ]


@router.post("/persons/merge", response_model=PersonBrief)
def merge_persons(body: MergeIn, user: CurrentUser, engine: EngineDep) -> PersonBrief:
    """Merge two records of one person; every nomination is kept."""
    kept = service.merge_persons(engine, user_id=user.id, **body.model_dump())  # type: ignore[arg-type]
    return PersonBrief.of(kept)


@router.post("/persons/distinct", status_code=204)
def mark_distinct(body: DistinctIn, user: CurrentUser, engine: EngineDep) -> None:
    """A suggested pair is two people: the suggestion is not made again."""
    service.mark_distinct_persons(engine, user_id=user.id, **body.model_dump())  # type: ignore[arg-type]


@router.get("/persons/{person_id}", response_model=PersonOut)
def read_person(
    person_id: PathId,
    purpose: Purpose,
    user: CurrentUser,
    engine: EngineDep,
    hiv_status: Annotated[bool, Query(description="ขอดูสถานะการติดเชื้อ HIV ด้วย")] = False,
) -> PersonOut:
    """A person's record with nominations and history. Protected: the read is logged with the
    purpose; refused (403, logged) for anyone but the welfare division and the round's teams;
    the HIV status only for the named officers."""
    record = protection.read_person(
        engine,
        user_id=user.id,  # type: ignore[arg-type]
        person_id=person_id,
        purpose=purpose,
        with_hiv_status=hiv_status,
        channel="api",
    )
    return person_out(record)


@router.get("/read-log", response_model=list[ReadLogOut])
def read_log(
    purpose: Purpose,
    user: CurrentUser,
    engine: EngineDep,
    limit: Limit = 200,
    record_type: Annotated[str | None, Query(max_length=60)] = None,
    record_id: Annotated[int | None, Query(ge=1)] = None,
    since: IsoDate | None = None,
) -> list[ReadLogOut]:
    """The log of protected reads, newest first: the data protection officer's alone."""
    entries = readlog.read_log(
        engine,
        user_id=user.id,  # type: ignore[arg-type]
        purpose=purpose,
        record_type=record_type,
        record_id=record_id,
        since=None if since is None else readlog_since(since),
        limit=limit,
        channel="api",
    )
    return [log_out(e) for e in entries]


def readlog_since(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=BANGKOK)


def log_out(entry: ReadLogEntry) -> ReadLogOut:
    return ReadLogOut(**{**entry.model_dump(), "at": entry.at.isoformat()})


@router.get("/rounds/{round_id}/communities", response_model=list[Named])
def communities(round_id: PathId, user: CurrentUser, session: SessionDep) -> list[Named]:
    """The communities of the list version the round uses."""
    list_id = rounds.get_round(session, round_id).community_list_id
    found = session.exec(
        select(Community).where(Community.list_id == list_id).order_by(col(Community.code))
    )
    return [Named.model_validate(c, from_attributes=True) for c in found]


@router.get("/schools", response_model=list[Named])
def schools(user: CurrentUser, session: SessionDep) -> list[Named]:
    found = session.exec(select(School).order_by(col(School.code)))
    return [Named.model_validate(s, from_attributes=True) for s in found]
