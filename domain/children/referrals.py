"""Referring a child to partner agencies (seed 001): the rules suggest (config/children/
referrals.toml), the coordinator or the case's core person confirms (adding or removing one
needs a reason, kept with the referral), each referral sent opens the agency's
acknowledgement step (``referral_workflow``), and the agency records what came of it.

Referrals come from a child's case or from a youth camp (``camp_enrolment_id``); both go
through ``confirm``. Everything one confirmation does is one transaction."""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from core.db import in_transaction, utcnow
from domain.children.agencies import contacts_committee, contacts_of, profile_by_code
from domain.children.referral_access import is_coordinator
from domain.children.referral_policy import referral_policy
from domain.children.referral_rules import ChildFacts, Suggestion, age_on, problem_keys, suggest
from domain.children.referral_workflow import ACK_FORM, ACK_STEP, REFERRAL_CASE_TYPE
from domain.engine import audit
from domain.engine.service import decide_step
from domain.engine.steps import Assignee, DecisionResult, open_step
from domain.errors import Conflict, InvalidInput, NotEntitled, NotFound
from models.children import ChildCase
from models.children_referrals import AgencyProfile, CampEnrolment, Referral, ReferralStatus
from models.people import User
from models.screening import Person, Sex
from models.screening_benefits import PartnerAgency
from models.steps import HumanStep, Outcome

OUTCOME_STATUSES = (
    ReferralStatus.placed,
    ReferralStatus.services,
    ReferralStatus.declined,
    ReferralStatus.closed,
)
OUTCOME_MOVES: dict[ReferralStatus, set[ReferralStatus]] = {
    ReferralStatus.acknowledged: set(OUTCOME_STATUSES),
    ReferralStatus.placed: {ReferralStatus.services, ReferralStatus.closed},
    ReferralStatus.services: {ReferralStatus.placed, ReferralStatus.closed},
}
"""From a status, the outcomes an agency may record next (a referral still waiting is
acknowledged on its step first)."""


def person_name(person: Person) -> str:
    return f"{person.prefix}{person.first_name} {person.last_name}".strip()


def child_facts(person: Person, problems: frozenset[str]) -> ChildFacts:
    if person.sex not in (Sex.male, Sex.female):
        raise InvalidInput(f"ยังไม่ได้บันทึกเพศของ {person_name(person)}", field="sex")
    if person.birth_date is None:
        raise InvalidInput(f"ยังไม่ได้บันทึกวันเกิดของ {person_name(person)}", field="birth_date")
    return ChildFacts(sex=Sex(person.sex).value, birth_date=person.birth_date, problems=problems)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Proposal:
    person_id: int
    name: str
    age: int
    on: date
    problems: frozenset[str]
    suggestions: list[Suggestion]


def may_refer(session: Session, user: User, case: ChildCase | None) -> bool:
    """The programme's coordinator, or the core person of the child's case."""
    if is_coordinator(session, user):
        return True
    return case is not None and user.active and case.core_person_id == user.id


def _may_refer(session: Session, user: User, case_id: int | None) -> None:
    case = session.get(ChildCase, case_id) if case_id is not None else None
    if may_refer(session, user, case):
        return
    raise NotEntitled("ผู้ส่งต่อต้องเป็นผู้ประสานงานโครงการหรือผู้รับผิดชอบหลักของเด็ก")


def _child(session: Session, person_id: int, case_id: int | None) -> Person:
    person = session.get(Person, person_id)
    if person is None:
        raise NotFound("ไม่พบข้อมูลเด็ก")
    if case_id is not None:
        case = session.get(ChildCase, case_id)
        if case is None or case.person_id != person_id:
            raise InvalidInput("กรณีดูแลนี้ไม่ใช่ของเด็กคนนี้", field="case_id")
    return person


def _proposal(session: Session, person: Person, on: date, problems: frozenset[str]) -> Proposal:
    facts = child_facts(person, problems)
    return Proposal(
        person_id=person.id,  # type: ignore[arg-type]
        name=person_name(person),
        age=age_on(facts.birth_date, on),
        on=on,
        problems=problems,
        suggestions=suggest(referral_policy(), facts, on),
    )


def propose(
    engine: Engine,
    *,
    user_id: int,
    person_id: int,
    on: date,
    problems: list[str],
    case_id: int | None = None,
) -> Proposal:
    """What the rules suggest for the child on ``on`` (nothing stored)."""
    keys = problem_keys(referral_policy(), problems)
    with Session(engine) as session:
        user = session.get(User, user_id)
        if user is None:
            raise NotFound("ไม่พบผู้ใช้")
        _may_refer(session, user, case_id)
        return _proposal(session, _child(session, person_id, case_id), on, keys)


def confirm(
    engine: Engine,
    *,
    user_id: int,
    person_id: int,
    on: date,
    problems: list[str],
    agencies: list[str],
    reasons: dict[str, str] | None = None,
    case_id: int | None = None,
    camp_enrolment_id: int | None = None,
    now: datetime | None = None,
) -> list[Referral]:
    """Confirm the referrals of a child: ``agencies`` are the codes sent. A suggested agency
    left out, or one added that the rules did not suggest, needs ``reasons[code]``. Returns
    the referrals sent; a repeat of the same confirmation on the same day sends nothing new."""
    policy = referral_policy()
    keys = problem_keys(policy, problems)
    reasons = {k: v.strip() for k, v in (reasons or {}).items()}
    chosen = list(dict.fromkeys(a.strip() for a in agencies if a.strip()))
    known = {a.code for a in policy.agencies}
    for code in chosen:
        if code not in known:
            raise InvalidInput(f"ไม่รู้จักหน่วยงานรหัส {code}", field="agencies")

    def work(session: Session) -> list[Referral]:
        user = session.get(User, user_id)
        if user is None:
            raise NotFound("ไม่พบผู้ใช้")
        _may_refer(session, user, case_id)
        person = _child(session, person_id, case_id)
        if camp_enrolment_id is not None:
            enrolment = session.get(CampEnrolment, camp_enrolment_id)
            if enrolment is None or enrolment.person_id != person_id:
                raise InvalidInput("การลงทะเบียนค่ายนี้ไม่ใช่ของเด็กคนนี้", field="camp_enrolment_id")
        proposal = _proposal(session, person, on, keys)
        suggested = {s.agency_code: s for s in proposal.suggestions}
        missing = [
            policy.agency(c).name
            for c in [*chosen, *suggested]
            if (c in chosen) != (c in suggested) and not reasons.get(c)
        ]
        if missing:
            raise InvalidInput(
                "กรุณาระบุเหตุผลที่เพิ่มหรือตัดหน่วยงานออกจากที่ระบบเสนอ: " + ", ".join(missing),
                field="reasons",
            )
        if not chosen:
            raise InvalidInput("กรุณาเลือกหน่วยงานที่จะส่งต่ออย่างน้อยหนึ่งแห่ง", field="agencies")
        sent = []
        for code in [*chosen, *(c for c in suggested if c not in chosen)]:
            referral = _store(
                session,
                user=user,
                proposal=proposal,
                code=code,
                suggestion=suggested.get(code),
                reason=reasons.get(code, ""),
                send=code in chosen,
                case_id=case_id,
                camp_enrolment_id=camp_enrolment_id,
                now=now or utcnow(),
            )
            if referral is not None and code in chosen:
                sent.append(referral)
        return sent

    return in_transaction(engine, work)


def _store(
    session: Session,
    *,
    user: User,
    proposal: Proposal,
    code: str,
    suggestion: Suggestion | None,
    reason: str,
    send: bool,
    case_id: int | None,
    camp_enrolment_id: int | None,
    now: datetime,
) -> Referral | None:
    profile = profile_by_code(session, code)
    key = f"{proposal.person_id}:{profile.agency_id}:{proposal.on.isoformat()}"
    if session.exec(select(Referral).where(Referral.referral_key == key)).first():
        return None  # confirmed already today: nothing new
    if send and not contacts_of(session, profile.agency_id):
        agency = session.get(PartnerAgency, profile.agency_id)
        raise InvalidInput(
            f"{agency.name if agency else code} ยังไม่มีผู้ประสานงานรับการส่งต่อ "
            "กรุณาเพิ่มผู้ประสานงานของหน่วยงานก่อน",
            field="agencies",
        )
    referral = Referral(
        referral_key=key,
        person_id=proposal.person_id,
        case_id=case_id,
        camp_enrolment_id=camp_enrolment_id,
        agency_id=profile.agency_id,
        rule_key=suggestion.rule_key if suggestion else None,
        reason=reason,
        problems=sorted(proposal.problems),
        age_at_referral=proposal.age,
        referred_on=proposal.on,
        status=ReferralStatus.waiting if send else ReferralStatus.dropped,
        confirmed_by_id=user.id,  # type: ignore[arg-type]
        confirmed_at=now,
    )
    session.add(referral)
    session.flush()
    audit.record(
        session,
        case_type=REFERRAL_CASE_TYPE,
        case_id=referral.id,  # type: ignore[arg-type]
        action="referral_sent" if send else "referral_dropped",
        actor=user,
        detail={"agency": code, "rule": referral.rule_key, "reason": reason},
    )
    if send:
        referral.step_id = _open_acknowledgement(session, referral, profile, now).id
        session.add(referral)
    return referral


def _open_acknowledgement(
    session: Session, referral: Referral, profile: AgencyProfile, now: datetime
) -> HumanStep:
    agency = session.get(PartnerAgency, profile.agency_id)
    return open_step(
        session,
        case_type=REFERRAL_CASE_TYPE,
        case_id=referral.id,  # type: ignore[arg-type]
        key=f"child-referral-{referral.id}-ack",
        title=f"รับการส่งต่อเด็กและเยาวชน เลขที่ สต. {referral.id} ({agency.name if agency else ''})",
        assignee=Assignee.committee(contacts_committee(session, profile).id),  # type: ignore[arg-type]
        kind=ACK_STEP,
        form=ACK_FORM,
        allowed_outcomes=[Outcome.receive, Outcome.decline],
        due_in_working_days=referral_policy().acknowledge.working_days,
        now=now,
    )


ACKNOWLEDGED = {True: "ตอบรับการส่งต่อแล้ว", False: "บันทึกการไม่รับการส่งต่อแล้ว"}


def acknowledge(
    engine: Engine, *, user_id: int, referral_id: int, received: bool, comment: str = ""
) -> DecisionResult:
    """The agency's contact decides the acknowledgement step of a referral: received, or
    declined with the reason (the step's form asks for it)."""
    with Session(engine) as session:
        referral = session.get(Referral, referral_id)
    if referral is None or referral.step_id is None or referral.status != ReferralStatus.waiting:
        raise Conflict("การส่งต่อนี้ไม่ได้รอการตอบรับ")
    outcome = Outcome.receive if received else Outcome.decline
    return decide_step(
        engine,
        step_id=referral.step_id,
        user_id=user_id,
        data={"outcome": outcome.value, "comment": comment},
    )


def record_outcome(
    engine: Engine,
    *,
    user_id: int,
    referral_id: int,
    status: ReferralStatus,
    note: str,
) -> Referral:
    """The agency (a contact) or a coordinator records what came of a referral: placed,
    services given, declined (with the reason) or closed."""
    note = note.strip()
    if status not in OUTCOME_STATUSES:
        raise InvalidInput("ผลการส่งต่อไม่ถูกต้อง", field="status")
    if status == ReferralStatus.declined and not note:
        raise InvalidInput("กรุณาระบุเหตุผลที่ไม่รับ", field="note")

    def work(session: Session) -> Referral:
        user = session.get(User, user_id)
        referral = session.get(Referral, referral_id, with_for_update=True)
        if user is None or referral is None:
            raise NotFound("ไม่พบการส่งต่อนี้")
        contacts = {u.id for u in contacts_of(session, referral.agency_id)}
        if user.id not in contacts and not is_coordinator(session, user):
            raise NotEntitled("เฉพาะผู้ประสานงานของหน่วยงานที่รับการส่งต่อเท่านั้น")
        if referral.status == ReferralStatus.waiting:
            raise Conflict("หน่วยงานต้องตอบรับการส่งต่อก่อนบันทึกผล")
        if status not in OUTCOME_MOVES.get(ReferralStatus(referral.status), set()):
            raise Conflict(f"การส่งต่อนี้อยู่ในสถานะ {referral.status_title} บันทึกผลนี้ไม่ได้")
        referral.status = status
        referral.outcome_note = note
        referral.outcome_at, referral.outcome_by_id = utcnow(), user.id
        session.add(referral)
        audit.record(
            session,
            case_type=REFERRAL_CASE_TYPE,
            case_id=referral.id,  # type: ignore[arg-type]
            action="referral_outcome",
            actor=user,
            detail={"status": status.value},
        )
        return referral

    return in_transaction(engine, work)
