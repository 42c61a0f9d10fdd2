"""The partner agencies of the youth programme (seed 001, 5C "Connect": more than 20, with and
without MOUs), kept in the one register of partner agencies (``screening_partner_agency``,
config/screening/partners.toml) with a profile each: the code the referral rules name, what
it takes children for, and its contacts. An agency's contacts are a committee of quorum 1, so
a referral's acknowledgement step waits on any one of them (``domain.engine.steps``)."""

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from core.db import in_transaction
from domain.children.referral_access import require_coordinator
from domain.children.referral_policy import referral_policy
from domain.engine import audit
from domain.errors import Conflict, InvalidInput, NotFound
from models.children_referrals import AgencyAgreement, AgencyProfile
from models.people import Committee, CommitteeMember, CommitteeRole, User
from models.screening_benefits import PartnerAgency

AUDIT_TYPE = "children-agency"
CONTACTS_TITLE = "ผู้ประสานงานรับการส่งต่อเด็กและเยาวชน: {name}"


def seed_children_agencies(session: Session) -> int:
    """Register the programme's agencies (a name already in the register is reused) and give
    each its profile; returns how many profiles were added. Safe to repeat."""
    policy = referral_policy()
    by_name = {a.name: a for a in session.exec(select(PartnerAgency))}
    have = set(session.exec(select(AgencyProfile.code)).all())
    added = 0
    for entry in policy.agencies:
        agency = by_name.get(entry.name)
        if agency is None:
            agency = PartnerAgency(name=entry.name, kind=entry.kind)
            session.add(agency)
            session.flush()
            by_name[entry.name] = agency
        if entry.code not in have:
            session.add(
                AgencyProfile(agency_id=agency.id, code=entry.code, services=entry.services)  # type: ignore[arg-type]
            )
            have.add(entry.code)
            added += 1
    session.flush()
    return added


def profile_by_code(session: Session, code: str) -> AgencyProfile:
    profile = session.exec(select(AgencyProfile).where(AgencyProfile.code == code)).first()
    if profile is None:
        raise NotFound(f"ไม่พบหน่วยงานภาคีรหัส {code}")
    return profile


def profile_of(session: Session, agency_id: int) -> AgencyProfile | None:
    return session.exec(select(AgencyProfile).where(AgencyProfile.agency_id == agency_id)).first()


def contacts_committee(session: Session, profile: AgencyProfile) -> Committee:
    """The agency's contacts (quorum 1), created with the agency's first contact."""
    if profile.committee_id is not None:
        committee = session.get(Committee, profile.committee_id)
        if committee is not None:
            return committee
    agency = session.get(PartnerAgency, profile.agency_id)
    committee = Committee(name=CONTACTS_TITLE.format(name=agency.name if agency else ""), quorum=1)
    session.add(committee)
    session.flush()
    profile.committee_id = committee.id
    session.add(profile)
    return committee


def add_contact(session: Session, *, code: str, contact: User) -> bool:
    """Make ``contact`` a contact of the agency; False if already one."""
    profile = profile_by_code(session, code)
    committee = contacts_committee(session, profile)
    if session.exec(
        select(CommitteeMember).where(
            CommitteeMember.committee_id == committee.id, CommitteeMember.user_id == contact.id
        )
    ).first():
        return False
    session.add(
        CommitteeMember(committee_id=committee.id, user_id=contact.id, role=CommitteeRole.member)  # type: ignore[arg-type]
    )
    session.flush()
    return True


def contacts_of(session: Session, agency_id: int) -> list[User]:
    profile = profile_of(session, agency_id)
    if profile is None or profile.committee_id is None:
        return []
    return list(
        session.exec(
            select(User)
            .join(CommitteeMember, col(CommitteeMember.user_id) == User.id)
            .where(CommitteeMember.committee_id == profile.committee_id, User.active == True)  # noqa: E712
            .order_by(col(User.id))
        )
    )


def register_contact(engine: Engine, *, user_id: int, code: str, contact_username: str) -> str:
    """A coordinator names a user as a contact of an agency; the Thai message to show."""

    def work(session: Session) -> str:
        user = session.get(User, user_id)
        if user is None:
            raise NotFound("ไม่พบผู้ใช้")
        require_coordinator(session, user)
        contact = session.exec(select(User).where(User.username == contact_username)).first()
        if contact is None or not contact.active:
            raise InvalidInput(f"ไม่พบผู้ใช้ {contact_username}", field="contact_username")
        if not add_contact(session, code=code, contact=contact):
            raise Conflict(f"{contact.full_name} เป็นผู้ประสานงานของหน่วยงานนี้อยู่แล้ว")
        profile = profile_by_code(session, code)
        audit.record(
            session,
            case_type=AUDIT_TYPE,
            case_id=profile.agency_id,
            action="agency_contact_added",
            actor=user,
            detail={"contact_user_id": contact.id},
        )
        return f"เพิ่ม {contact.full_name} เป็นผู้ประสานงานแล้ว"

    return in_transaction(engine, work)


def record_agreement(
    engine: Engine,
    *,
    user_id: int,
    code: str,
    scope: str,
    signed_on: date,
    expires_on: date | None = None,
    reference: str = "",
) -> AgencyAgreement:
    """A coordinator records an agreement (MOU) with an agency."""
    scope = scope.strip()
    if not scope:
        raise InvalidInput("กรุณาระบุขอบเขตความร่วมมือ", field="scope")
    if expires_on is not None and expires_on <= signed_on:
        raise InvalidInput("วันสิ้นสุดต้องอยู่หลังวันที่ลงนาม", field="expires_on")

    def work(session: Session) -> AgencyAgreement:
        user = session.get(User, user_id)
        if user is None:
            raise NotFound("ไม่พบผู้ใช้")
        require_coordinator(session, user)
        profile = profile_by_code(session, code)
        duplicate = session.exec(
            select(AgencyAgreement).where(
                AgencyAgreement.agency_id == profile.agency_id,
                AgencyAgreement.signed_on == signed_on,
                AgencyAgreement.scope == scope,
            )
        ).first()
        if duplicate is not None:
            return duplicate
        agreement = AgencyAgreement(
            agency_id=profile.agency_id,
            scope=scope[:300],
            signed_on=signed_on,
            expires_on=expires_on,
            reference=reference.strip()[:200],
            recorded_by_id=user_id,
        )
        session.add(agreement)
        session.flush()
        audit.record(
            session,
            case_type=AUDIT_TYPE,
            case_id=profile.agency_id,
            action="agency_agreement_recorded",
            actor=user,
            detail={"agreement_id": agreement.id, "signed_on": signed_on, "scope": scope},
        )
        return agreement

    return in_transaction(engine, work)


@dataclass
class AgencyLine:
    agency: PartnerAgency
    profile: AgencyProfile
    contacts: list[User] = field(default_factory=list)
    agreements: list[AgencyAgreement] = field(default_factory=list)

    def agreement_in_force(self, on: date) -> AgencyAgreement | None:
        return next(
            (
                a
                for a in self.agreements
                if a.signed_on <= on and (a.expires_on is None or a.expires_on >= on)
            ),
            None,
        )


def agency_register(session: Session) -> list[AgencyLine]:
    """The programme's agencies with their contacts and agreements, in the config's order."""
    order = {a.code: i for i, a in enumerate(referral_policy().agencies)}
    profiles = sorted(session.exec(select(AgencyProfile)), key=lambda p: order.get(p.code, 999))
    agreements: dict[int, list[AgencyAgreement]] = {}
    for a in session.exec(select(AgencyAgreement).order_by(col(AgencyAgreement.signed_on).desc())):
        agreements.setdefault(a.agency_id, []).append(a)
    lines = []
    for profile in profiles:
        agency = session.get(PartnerAgency, profile.agency_id)
        if agency is None:
            continue
        lines.append(
            AgencyLine(
                agency=agency,
                profile=profile,
                contacts=contacts_of(session, profile.agency_id),
                agreements=agreements.get(profile.agency_id, []),
            )
        )
    return lines
