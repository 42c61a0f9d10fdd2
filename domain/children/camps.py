"""Youth camps (seed 001, 5C "Control" and "Continue": "ค่าย 3 วัน 2 คืน รุ่นละ 50 คน ปีละ 3 รุ่น
... เพื่อคัดกรองเด็กตามปัญหาไปตามหน่วยงานที่เกี่ยวข้อง"): cohorts with their capacity, enrolment
(the limit enforced under a lock on the cohort), attendance each day, the problems a child is
screened for at the camp, and referrals from it through the same rules (``referrals.confirm``
with the enrolment). Run by the programme's coordinators."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select

from core.db import in_transaction
from domain.children.referral_access import require_coordinator
from domain.children.referral_policy import referral_policy
from domain.children.referral_rules import problem_keys
from domain.children.referrals import confirm, person_name
from domain.engine.calendar import fiscal_year
from domain.errors import Conflict, InvalidInput, NotFound
from models.children_referrals import (
    CampAttendance,
    CampCohort,
    CampEnrolment,
    CampProblem,
    Referral,
)
from models.people import User
from models.screening import Person

CAMP_TITLE = "ค่ายแกนนำเยาวชน {days} วัน {nights} คืน"


def _coordinator(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("ไม่พบผู้ใช้")
    require_coordinator(session, user)
    return user


def _cohort(session: Session, cohort_id: int, *, lock: bool = False) -> CampCohort:
    query = select(CampCohort).where(CampCohort.id == cohort_id)
    cohort = session.exec(query.with_for_update() if lock else query).first()
    if cohort is None:
        raise NotFound("ไม่พบค่ายรุ่นนี้")
    return cohort


def open_cohort(
    engine: Engine, *, user_id: int, starts_on: date, venue: str = "", title: str = ""
) -> CampCohort:
    """The next cohort of the fiscal year (BE) of ``starts_on``: its days and capacity from the
    configuration; no more cohorts a year than configured."""
    camp = referral_policy().camp
    year = fiscal_year(starts_on)

    def work(session: Session) -> CampCohort:
        user = _coordinator(session, user_id)
        count = session.exec(
            select(func.count()).select_from(CampCohort).where(CampCohort.year == year)
        ).one()
        if count >= camp.cohorts_per_year:
            raise Conflict(f"ปีงบประมาณ {year} มีค่ายครบ {camp.cohorts_per_year} รุ่นแล้ว")
        number = count + 1
        cohort = CampCohort(
            year=year,
            number=number,
            title=title.strip()
            or f"{CAMP_TITLE.format(days=camp.days, nights=camp.nights)} รุ่นที่ {number}/{year}",
            starts_on=starts_on,
            ends_on=starts_on + timedelta(days=camp.days - 1),
            venue=venue.strip(),
            capacity=camp.capacity,
            created_by_id=user.id,  # type: ignore[arg-type]
        )
        session.add(cohort)
        session.flush()
        return cohort

    return in_transaction(engine, work)


def enrol(engine: Engine, *, user_id: int, cohort_id: int, person_id: int) -> CampEnrolment:
    """Enrol a child; the cohort's row is locked while counting, so two coordinators cannot
    both take its last place. Enrolling a child twice returns the first enrolment."""

    def work(session: Session) -> CampEnrolment:
        user = _coordinator(session, user_id)
        cohort = _cohort(session, cohort_id, lock=True)
        if session.get(Person, person_id) is None:
            raise NotFound("ไม่พบข้อมูลเด็ก")
        found = session.exec(
            select(CampEnrolment).where(
                CampEnrolment.cohort_id == cohort_id, CampEnrolment.person_id == person_id
            )
        ).first()
        if found is not None:
            return found
        enrolled = session.exec(
            select(func.count())
            .select_from(CampEnrolment)
            .where(CampEnrolment.cohort_id == cohort_id)
        ).one()
        if enrolled >= cohort.capacity:
            raise Conflict(
                f"ค่ายรุ่นที่ {cohort.number}/{cohort.year} รับได้ {cohort.capacity} คน "
                f"และมีผู้ลงทะเบียนครบแล้ว ไม่สามารถรับเพิ่มได้"
            )
        enrolment = CampEnrolment(
            cohort_id=cohort_id,
            person_id=person_id,
            enrolled_by_id=user.id,  # type: ignore[arg-type]
        )
        session.add(enrolment)
        session.flush()
        return enrolment

    return in_transaction(engine, work)


def _enrolment(session: Session, enrolment_id: int) -> tuple[CampEnrolment, CampCohort]:
    enrolment = session.get(CampEnrolment, enrolment_id)
    if enrolment is None:
        raise NotFound("ไม่พบการลงทะเบียนค่ายนี้")
    return enrolment, _cohort(session, enrolment.cohort_id)


def record_attendance(
    engine: Engine, *, user_id: int, cohort_id: int, day: int, present_ids: set[int]
) -> int:
    """A day's roll call: every enrolled child present or not (``present_ids`` are enrolment
    ids); a later roll call of the same day replaces it. Returns how many were present."""

    def work(session: Session) -> int:
        user = _coordinator(session, user_id)
        cohort = _cohort(session, cohort_id)
        days = (cohort.ends_on - cohort.starts_on).days + 1
        if not 1 <= day <= days:
            raise InvalidInput(f"วันที่ของค่ายต้องอยู่ระหว่าง 1 ถึง {days}", field="day")
        enrolments = session.exec(
            select(CampEnrolment).where(CampEnrolment.cohort_id == cohort_id)
        ).all()
        unknown = present_ids - {e.id for e in enrolments}
        if unknown:
            raise InvalidInput("มีผู้ที่ไม่ได้ลงทะเบียนในค่ายรุ่นนี้", field="present")
        for enrolment in enrolments:
            row = session.exec(
                select(CampAttendance).where(
                    CampAttendance.enrolment_id == enrolment.id, CampAttendance.day == day
                )
            ).first() or CampAttendance(
                enrolment_id=enrolment.id,  # type: ignore[arg-type]
                day=day,
                present=False,
                recorded_by_id=user.id,  # type: ignore[arg-type]
            )
            row.present = enrolment.id in present_ids
            row.recorded_by_id = user.id  # type: ignore[assignment]
            session.add(row)
        return len(present_ids)

    return in_transaction(engine, work)


def record_problems(
    engine: Engine, *, user_id: int, enrolment_id: int, problems: list[str], note: str = ""
) -> list[str]:
    """The problems a child was screened for at the camp (keys of the configuration); the
    list replaces the earlier one."""
    keys = problem_keys(referral_policy(), problems)

    def work(session: Session) -> list[str]:
        user = _coordinator(session, user_id)
        _enrolment(session, enrolment_id)
        existing = {
            p.problem: p
            for p in session.exec(
                select(CampProblem).where(CampProblem.enrolment_id == enrolment_id)
            )
        }
        for key, row in existing.items():
            if key not in keys:
                session.delete(row)
        for key in keys - set(existing):
            session.add(
                CampProblem(
                    enrolment_id=enrolment_id,
                    problem=key,
                    note=note.strip(),
                    recorded_by_id=user.id,  # type: ignore[arg-type]
                )
            )
        return sorted(keys)

    return in_transaction(engine, work)


def refer_from_camp(
    engine: Engine,
    *,
    user_id: int,
    enrolment_id: int,
    agencies: list[str],
    reasons: dict[str, str] | None = None,
    on: date,
    now: datetime | None = None,
) -> list[Referral]:
    """Refer a camp child by the same rules, with the problems screened at the camp."""
    with Session(engine) as session:
        enrolment, _ = _enrolment(session, enrolment_id)
        problems = list(
            session.exec(
                select(CampProblem.problem).where(CampProblem.enrolment_id == enrolment_id)
            )
        )
    return confirm(
        engine,
        user_id=user_id,
        person_id=enrolment.person_id,
        on=on,
        problems=problems,
        agencies=agencies,
        reasons=reasons,
        camp_enrolment_id=enrolment_id,
        now=now,
    )


@dataclass
class CamperLine:
    enrolment: CampEnrolment
    name: str
    attendance: dict[int, bool] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    referrals: int = 0


@dataclass
class CohortView:
    cohort: CampCohort
    days: int
    campers: list[CamperLine]
    present_by_day: dict[int, int]
    problem_counts: dict[str, int]


def cohort_view(session: Session, *, user: User, cohort_id: int) -> CohortView:
    """A cohort for its coordinators: who is enrolled, present each day, their problems."""
    require_coordinator(session, user)
    cohort = _cohort(session, cohort_id)
    days = (cohort.ends_on - cohort.starts_on).days + 1
    rows = session.exec(
        select(CampEnrolment, Person)
        .join(Person, col(Person.id) == CampEnrolment.person_id)
        .where(CampEnrolment.cohort_id == cohort_id)
        .order_by(col(CampEnrolment.id))
    ).all()
    campers = {e.id: CamperLine(e, person_name(p)) for e, p in rows}
    ids = list(campers)
    for a in session.exec(select(CampAttendance).where(col(CampAttendance.enrolment_id).in_(ids))):
        campers[a.enrolment_id].attendance[a.day] = a.present
    problems: dict[str, int] = {}
    for p in session.exec(select(CampProblem).where(col(CampProblem.enrolment_id).in_(ids))):
        campers[p.enrolment_id].problems.append(p.problem)
        problems[p.problem] = problems.get(p.problem, 0) + 1
    for r in session.exec(select(Referral).where(col(Referral.camp_enrolment_id).in_(ids))):
        if r.camp_enrolment_id in campers and r.status != "dropped":
            campers[r.camp_enrolment_id].referrals += 1
    present = {
        d: sum(1 for c in campers.values() if c.attendance.get(d)) for d in range(1, days + 1)
    }
    return CohortView(cohort, days, list(campers.values()), present, problems)


def cohorts(session: Session, *, user: User) -> list[tuple[CampCohort, int]]:
    """Every cohort, newest first, with how many are enrolled."""
    require_coordinator(session, user)
    counts = dict(
        session.exec(
            select(CampEnrolment.cohort_id, func.count()).group_by(col(CampEnrolment.cohort_id))
        ).all()
    )
    rows = session.exec(
        select(CampCohort).order_by(col(CampCohort.year).desc(), col(CampCohort.number).desc())
    ).all()
    return [(c, counts.get(c.id, 0)) for c in rows]
