"""What the benefit rules need to know of each certified candidate, read from the round's
records: the areas where either assessment found a problem, the complexity group (the joint survey's
when there was one, else the latest assessment's), the latest questionnaire's answers (house
condition, ID card, school level, tuition asked for), the nomination by a teacher, and from the
protected person record the household, community and HIV status (each read logged).

A student's school level is the assessment's ``school_level`` answer (P1…M6, BACHELOR) when the
questionnaire asks it; a person nominated by a teacher of a municipal school without that
answer is placed by age on 16 May of the round's academic year (P.1 at 6, M.1 at 12)."""

from datetime import date

from sqlmodel import Session, col, select

from domain.engine.calendar import to_common_year
from domain.screening.benefits_catalogue import SCHOOL_LEVELS
from domain.screening.benefits_rules import CandidateFacts
from domain.screening.letters_people import read_people
from models.people import User
from models.screening import Candidate, CandidateState, Nomination, NominationSource, ScreeningRound
from models.screening_assessment import Assessment, JointSurvey

FACTS_PURPOSE = "จัดสิทธิประโยชน์ตามหลักเกณฑ์ให้ผู้รับโอกาสที่ได้รับการรับรอง"
REPAIR_CONDITIONS = frozenset({"repair", "unsafe"})
FIRST_GRADE_AGE = 6
SECONDARY_AGE = 12
LAST_SCHOOL_AGE = 17


def level_by_age(birth_date: date, academic_year_start: date) -> str | None:
    """P1 at 6 … P6 at 11, M1 at 12 … M6 at 17 on the academic year's first day."""
    age = (
        academic_year_start.year
        - birth_date.year
        - (
            (academic_year_start.month, academic_year_start.day)
            < (birth_date.month, birth_date.day)
        )
    )
    if age < FIRST_GRADE_AGE or age > LAST_SCHOOL_AGE:
        return None
    if age < SECONDARY_AGE:
        return f"P{age - FIRST_GRADE_AGE + 1}"
    return f"M{age - SECONDARY_AGE + 1}"


def _latest(assessments: list[Assessment]) -> Assessment | None:
    return max(assessments, key=lambda a: a.assessment_round, default=None)


def certified_facts(
    session: Session, round_id: int, *, reader: User | None
) -> list[CandidateFacts]:
    screening_round = session.get(ScreeningRound, round_id)
    if screening_round is None:
        return []
    candidates = session.exec(
        select(Candidate).where(
            Candidate.round_id == round_id, Candidate.state == CandidateState.certified
        )
    ).all()
    ids = [c.id for c in candidates if c.id is not None]
    if not ids:
        return []
    by_candidate: dict[int, list[Assessment]] = {}
    for a in session.exec(select(Assessment).where(col(Assessment.candidate_id).in_(ids))):
        by_candidate.setdefault(a.candidate_id, []).append(a)
    surveys = {
        s.candidate_id: s
        for s in session.exec(select(JointSurvey).where(col(JointSurvey.candidate_id).in_(ids)))
    }
    person_ids = [c.person_id for c in candidates]
    by_teacher = set(
        session.exec(
            select(Nomination.person_id).where(
                Nomination.round_id == round_id,
                col(Nomination.person_id).in_(person_ids),
                Nomination.source == NominationSource.teacher,
            )
        ).all()
    )
    people = read_people(
        session, person_ids, reader=reader, purpose=FACTS_PURPOSE, with_hiv_status=True
    )
    school_start = date(to_common_year(screening_round.fiscal_year), 5, 16)
    facts = []
    for candidate in candidates:
        person = people.get(candidate.person_id)
        latest = _latest(by_candidate.get(candidate.id or 0, []))
        answers = latest.answers if latest else {}
        survey = surveys.get(candidate.id or 0)
        complexity = (survey.complexity if survey and survey.complexity else None) or (
            latest.complexity if latest else ""
        )
        level = answers.get("school_level")
        if level not in SCHOOL_LEVELS:
            level = None
        if level is None and candidate.person_id in by_teacher and person and person.birth_date:
            level = level_by_age(person.birth_date, school_start)
        requested = answers.get("requested_amount_baht")
        facts.append(
            CandidateFacts(
                candidate_id=candidate.id or 0,
                person_id=candidate.person_id,
                household_id=person.household_id if person else None,
                community_id=person.community_id if person else None,
                needs=frozenset(
                    area
                    for a in by_candidate.get(candidate.id or 0, [])
                    for area, note in a.problems.items()
                    if note
                ),
                complexity=complexity,
                school_level=level,
                hiv_positive=bool(person and person.hiv_positive),
                needs_house_repair=answers.get("house_condition") in REPAIR_CONDITIONS,
                lacks_id_card=bool(answers.get("lacks_id_card"))
                or bool(person and not person.thai_id),
                requested_satang=int(requested) * 100 if isinstance(requested, int) else None,
            )
        )
    return facts
