"""Reading referrals: the list a user may see (an agency's contacts their agency's, the
coordinators all) and one referral opened with a purpose, the read logged
(``domain.engine.readlog``) allowed or refused: a contact of another agency is refused."""

from dataclasses import dataclass

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from domain.children.agencies import contacts_of
from domain.children.referral_access import contact_agency_ids, is_coordinator
from domain.children.referral_policy import referral_policy
from domain.children.referrals import OUTCOME_MOVES, person_name
from domain.engine.readlog import Verdict, guarded_read, record_kind
from domain.errors import NotFound
from models.children import ChildCase
from models.children_referrals import Referral, ReferralStatus
from models.people import User
from models.screening import Person, Sex
from models.screening_benefits import PartnerAgency
from models.steps import HumanStep

RECORD_TYPE = record_kind("child-referral", "การส่งต่อเด็กและเยาวชน")
REFUSED = "เฉพาะผู้ประสานงานของหน่วยงานที่รับการส่งต่อ ผู้ประสานงานโครงการ และผู้รับผิดชอบหลักของเด็ก"


@dataclass(frozen=True)
class ReferralLine:
    referral: Referral
    agency: str
    step: HumanStep | None


@dataclass(frozen=True)
class ReferralView:
    referral: Referral
    agency: str
    child_name: str
    sex: str
    problems: list[str]
    rule_title: str
    step: HumanStep | None
    next_outcomes: list[ReferralStatus]


def _line(session: Session, referral: Referral) -> ReferralLine:
    agency = session.get(PartnerAgency, referral.agency_id)
    step = session.get(HumanStep, referral.step_id) if referral.step_id else None
    return ReferralLine(referral, agency.name if agency else "", step)


def referral_lines(session: Session, user: User) -> list[ReferralLine]:
    """Referrals sent (not those removed before sending) that ``user`` may follow, newest
    first; no child's name in the list: opening one is a logged read."""
    query = select(Referral).where(Referral.status != ReferralStatus.dropped)
    if not is_coordinator(session, user):
        agencies = contact_agency_ids(session, user)
        if not agencies:
            return []
        query = query.where(col(Referral.agency_id).in_(agencies))
    rows = session.exec(query.order_by(col(Referral.id).desc()).limit(500)).all()
    return [_line(session, r) for r in rows]


def may_read_referral(session: Session, user: User, referral: Referral) -> bool:
    if not user.active:
        return False
    if user.id in {u.id for u in contacts_of(session, referral.agency_id)}:
        return True
    if is_coordinator(session, user):
        return True
    if referral.case_id is not None:
        case = session.get(ChildCase, referral.case_id)
        return case is not None and case.core_person_id == user.id
    return False


def read_referral(
    engine: Engine, *, user_id: int, referral_id: int, purpose: str, channel: str = ""
) -> ReferralView:
    with Session(engine) as session:
        if session.get(Referral, referral_id) is None:
            raise NotFound("ไม่พบการส่งต่อนี้")

    def rule(session: Session, user: User) -> Verdict:
        referral = session.get(Referral, referral_id)
        if referral is not None and may_read_referral(session, user, referral):
            return Verdict(True)
        return Verdict(False, REFUSED)

    def load(session: Session, _user: User, _scopes: frozenset[str]) -> ReferralView:
        referral = session.get(Referral, referral_id)
        assert referral is not None
        person = session.get(Person, referral.person_id)
        line = _line(session, referral)
        policy = referral_policy()
        titles = policy.problem_titles
        rules = {r.key: r.title for r in policy.rule}
        return ReferralView(
            referral=referral,
            agency=line.agency,
            child_name=person_name(person) if person else "",
            sex=Sex(person.sex).thai if person else "",
            problems=[titles.get(p, p) for p in referral.problems],
            rule_title=rules.get(referral.rule_key or "", "เพิ่มโดยผู้ประสานงาน"),
            step=line.step,
            next_outcomes=sorted(
                OUTCOME_MOVES.get(referral.status, set()), key=list(ReferralStatus).index
            ),
        )

    return guarded_read(
        engine,
        user_id=user_id,
        record_type=RECORD_TYPE,
        record_id=referral_id,
        purpose=purpose,
        rules={"record": rule},
        load=load,
        channel=channel,
    )
