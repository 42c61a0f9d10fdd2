"""The demo data of `make run` (ops/seed.py --demo): the people who do each workflow's work,
and complaints in every state, each filed and handled through the use cases."""

from collections import Counter

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from core.db import utcnow
from domain.complaints.policy import complaint_policy
from domain.complaints.states import CASE_TYPE
from domain.engine import audit
from domain.engine.authority import inbox
from domain.engine.steps import open_steps_of_case
from models.complaint import (
    Complaint,
    ComplaintPhoto,
    ComplaintRating,
    ComplaintStatus,
    PhotoKind,
)
from models.outbox import OutboxEmail
from models.people import Division, Position, User
from ops.demo_complaints import (
    CENTRE,
    DEMO_COMPLAINTS,
    HANDLERS,
    demo_photo,
    expected_statuses,
    seed_demo_complaints,
)
from ops.run import demo_users
from ops.seed import DEMO_ROLES, PEOPLE

S = ComplaintStatus

EXPECTED = {
    S.screening: 1,
    S.routed: 2,
    S.in_progress: 3,
    S.resolved: 1,
    S.under_review: 1,
    S.forwarded_outside: 1,
    S.duplicate: 1,
    S.withdrawn: 1,
}


def test_demo_roles_list_everyone_and_every_complaint_division_has_its_handler(
    engine: Engine, seeded: dict[str, User]
) -> None:
    listed = [name for _, names in DEMO_ROLES for name in names]
    assert set(listed) == {username for username, *_ in PEOPLE}  # everyone, some in two roles
    with Session(engine) as session:
        codes = {d.id: d.code for d in session.exec(select(Division))}
    centre = seeded[CENTRE]
    assert (centre.position, codes[centre.division_id]) == (Position.officer, "สป.")
    assert any("\u0e00" <= ch <= "\u0e7f" for ch in centre.full_name)  # a Thai name
    handling = {str(c["division"]) for c in complaint_policy().categories}
    assert handling == set(HANDLERS)
    for code, username in HANDLERS.items():
        user = seeded[username]
        assert (user.position, codes[user.division_id]) == (Position.section_head, code)


def test_make_run_prints_the_demo_users_by_role() -> None:
    lines = demo_users().splitlines()
    assert len(lines) == len(DEMO_ROLES)
    assert lines[0].split()[-1] == CENTRE and "ศูนย์รับเรื่องร้องเรียน" in lines[0]


def test_demo_photo_is_a_png() -> None:
    data = demo_photo((10, 20, 30))
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and data.endswith(b"IEND\xaeB`\x82")


def test_demo_complaints_in_every_state_once(engine: Engine, seeded: dict[str, User]) -> None:
    assert expected_statuses() == EXPECTED
    assert seed_demo_complaints(engine) == len(DEMO_COMPLAINTS) == 11
    assert seed_demo_complaints(engine) == 0  # a second run adds nothing

    with Session(engine) as session:
        complaints = list(session.exec(select(Complaint).order_by(col(Complaint.id))))
        assert Counter(ComplaintStatus(c.status) for c in complaints) == EXPECTED
        for c in complaints:
            entries = audit.timeline(session, case_type=CASE_TYPE, case_id=c.id)  # type: ignore[arg-type]
            check = audit.verify(entries)
            assert check.valid and check.entries >= 2, (c.number, check)
            assert entries[0].action == "complaint_registered"
            assert c.intake_completed_at is not None
            if c.latitude is not None:
                assert 16.40 < c.latitude < 16.46 and 102.81 < c.longitude < 102.86  # type: ignore[operator]

        by_status = {ComplaintStatus(c.status): c for c in complaints}
        now = utcnow()
        in_progress = [c for c in complaints if c.status == S.in_progress]
        overdue = [c for c in in_progress if c.expected_at < now]
        assert len(overdue) == 1 and overdue[0].planned_date is not None
        assert sum(c.planned_date is not None for c in in_progress) == 2

        resolved = [c for c in complaints if c.status in {S.resolved, S.under_review}]
        scores = {
            c.status: session.exec(
                select(ComplaintRating.score).where(ComplaintRating.complaint_id == c.id)
            ).one()
            for c in resolved
        }
        assert scores == {S.resolved: 5, S.under_review: 1}
        for c in resolved:
            kinds = session.exec(
                select(ComplaintPhoto.kind).where(ComplaintPhoto.complaint_id == c.id)
            ).all()
            assert PhotoKind.evidence in kinds

        duplicate = by_status[S.duplicate]
        original = session.get(Complaint, duplicate.merged_into_id)
        assert original is not None and original.status == S.routed
        assert by_status[S.forwarded_outside].agency
        assert by_status[S.withdrawn].closed_at is not None
        assert session.exec(select(OutboxEmail).where(OutboxEmail.case_type == CASE_TYPE)).first()

        # The new complaint, with its photo, waits in the centre officer's inbox.
        new = by_status[S.screening]
        photos = session.exec(
            select(ComplaintPhoto).where(ComplaintPhoto.complaint_id == new.id)
        ).all()
        assert [p.content_type for p in photos] == ["image/png"]
        (screen,) = open_steps_of_case(session, case_type=CASE_TYPE, case_id=new.id)  # type: ignore[arg-type]
        assert screen.kind == "screen"
        officer = session.get(User, seeded[CENTRE].id)
        assert officer is not None
        waiting = {item.step.id: item.step for item in inbox(session, user=officer)}
        assert screen.id in waiting
        # ... with the forwarded complaint's reply and the low rating's review.
        assert {s.kind for s in waiting.values()} >= {"screen", "agency", "review"}

        # Each division's handler has their complaints waiting.
        for username in ("chatchai", "somsak", "sunee", "surachai"):
            handler = session.get(User, seeded[username].id)
            assert handler is not None
            assert [i for i in inbox(session, user=handler) if i.step.case_type == CASE_TYPE]
