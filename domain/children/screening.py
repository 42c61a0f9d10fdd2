"""Screening in schools: a teacher screens pupils of a class with an instrument and form
(session), each pupil's answers are scored, and a pupil whose band moves on
(config/children/care.toml ``move_on_bands``) gets a child-care case, owned by the school's
core person (or, where the school has named none, the teacher who screened)."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, select

from domain.children.config import care_config
from domain.children.instruments import instrument
from domain.children.path import open_case, open_case_of
from domain.children.protection import teaches_class
from domain.children.roster import core_person_of_school, school
from domain.engine import audit
from domain.errors import InvalidInput, NotEntitled
from domain.screening.people import full_name
from models.children import ChildCase, Pupil, ScreeningResult, ScreeningSession
from models.people import User
from models.screening import Person

AUDIT_CASE_TYPE = "child-screening"
"""Screening sessions are audited on their own chain (case id = the session's id)."""


@dataclass(frozen=True)
class ClassScreening:
    school_id: int
    academic_year: int
    class_name: str
    held_on: date
    answers: Mapping[int, Sequence[int]]
    """Pupil id -> the 25 (or the instrument's) answers, in item order."""
    instrument: str = ""
    form: str = ""


@dataclass(frozen=True)
class Screened:
    result: ScreeningResult
    case: ChildCase | None
    """The case the result opened (or the child's case already open), if it moves on."""


def open_case_from_screening(
    session: Session, result: ScreeningResult, *, actor: User
) -> ChildCase | None:
    """The child's case for a result that moves on: the open one if there is one, else a new
    case owned by the school's core person (or the screening teacher). None for a result
    that does not move on."""
    if result.band not in care_config().move_on_bands:
        return None
    existing = open_case_of(session, result.person_id)
    if existing is not None:
        return existing
    pupil = session.get(Pupil, result.pupil_id)
    assert pupil is not None
    core = core_person_of_school(session, pupil.school_id) or result.screened_by_id
    return open_case(
        session,
        person_id=result.person_id,
        band=result.band,
        core_person_id=core,
        actor=actor,
        school_id=pupil.school_id,
        screening_result_id=result.id,
    )


def screen_class(session: Session, data: ClassScreening, *, teacher: User) -> list[Screened]:
    """Store and score each pupil's answers (all or nothing: a wrong row names the pupil)."""
    where = school(session, data.school_id)
    if not teaches_class(session, teacher, where.id, data.class_name):  # type: ignore[arg-type]
        raise NotEntitled("เฉพาะครูของห้องเรียนนี้คัดกรองนักเรียนได้")
    if not data.answers:
        raise InvalidInput("ยังไม่ได้กรอกผลการคัดกรองของนักเรียนคนใด", field="answers")
    config = care_config()
    key = data.instrument or config.default_instrument
    if key not in config.instruments:
        raise InvalidInput(f"ไม่รู้จักแบบคัดกรอง {key}", field="instrument")
    tool = instrument(key)
    form = data.form or config.default_form
    screening = ScreeningSession(
        school_id=data.school_id,
        academic_year=data.academic_year,
        class_name=data.class_name,
        instrument=key,
        form=form,
        teacher_id=teacher.id,  # type: ignore[arg-type]
        held_on=data.held_on,
    )
    session.add(screening)
    session.flush()
    found: list[Screened] = []
    for pupil_id, answers in data.answers.items():
        pupil = session.get(Pupil, pupil_id)
        if (
            pupil is None
            or pupil.school_id != data.school_id
            or pupil.class_name != data.class_name
            or pupil.academic_year != data.academic_year
        ):
            raise InvalidInput(f"นักเรียนรหัส {pupil_id} ไม่ได้อยู่ในห้อง {data.class_name}")
        child = session.get(Person, pupil.person_id)
        assert child is not None
        try:
            scored = tool.score(form, list(answers))
        except InvalidInput as error:
            raise InvalidInput(f"{full_name(child)}: {error.message}", field="answers") from None
        result = ScreeningResult(
            session_id=screening.id,  # type: ignore[arg-type]
            person_id=pupil.person_id,
            pupil_id=pupil.id,  # type: ignore[arg-type]
            answers=list(answers),
            scales=dict(scored.scales),
            scale_bands={k: v.value for k, v in scored.scale_bands.items()},
            total=scored.total,
            band=scored.band.value,
            screened_by_id=teacher.id,  # type: ignore[arg-type]
        )
        session.add(result)
        session.flush()
        found.append(Screened(result, open_case_from_screening(session, result, actor=teacher)))
    audit.record(
        session,
        case_type=AUDIT_CASE_TYPE,
        case_id=screening.id,  # type: ignore[arg-type]
        action="child_screening_recorded",
        actor=teacher,
        detail={"pupils": len(found), "instrument": key, "form": form},
    )
    return found


def latest_results(session: Session, pupil_ids: Sequence[int]) -> dict[int, ScreeningResult]:
    """Each pupil's most recent result."""
    if not pupil_ids:
        return {}
    rows = session.exec(
        select(ScreeningResult)
        .where(ScreeningResult.pupil_id.in_(list(pupil_ids)))  # type: ignore[attr-defined]
        .order_by(ScreeningResult.id)  # type: ignore[arg-type]
    ).all()
    return {row.pupil_id: row for row in rows}
