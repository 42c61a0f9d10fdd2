"""Mail end to end over real SMTP: Thai templates, the outbox sends each mail once, an SMTP
outage delays mail without losing any, and concurrent deliverers never send a row twice."""

import asyncio
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from jinja2 import UndefinedError
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from adapters.mail import MAX_ATTEMPTS, backoff, deliver_outbox, send_email
from adapters.mailbox import read_mailbox
from core.db import session_scope, utcnow
from core.settings import Settings
from domain.engine.notify import queue_email, render_email
from models.memo import Memo, MemoStatus
from models.outbox import OutboxEmail, OutboxStatus
from models.people import Position, User
from models.steps import AssigneeKind, Decision, HumanStep, Outcome
from ops.smtp_capture import SmtpCapture, free_port

DIGEST_TEMPLATES = ["step_reminder", "step_overdue", "step_escalation"]


def make_step(n: int = 7) -> HumanStep:
    return HumanStep(
        id=n,
        case_type="memo",
        case_id=3,
        key=f"memo-3-section-head-{n}",
        title="พิจารณาบันทึกข้อความ: ขออนุมัติจัดซื้อวัสดุสำนักงาน <ด่วน>",
        level="section_head",
        round=2,
        assignee_kind=AssigneeKind.position,
        assignee_position=Position.section_head,
        form="chain-decision",
        allowed_outcomes=["approve", "reject", "return"],
        opened_at=datetime(2026, 3, 2, 2, 0, tzinfo=UTC),
        due_at=datetime(2026, 3, 4, 9, 30, tzinfo=UTC),  # 16:30 in Bangkok
    )


def make_person() -> User:
    return User(
        id=1,
        username="wichai",
        full_name="นายวิชัย หัวหน้า",
        email="wichai@khonkaen.go.th",
        position=Position.section_head,
        division_id=2,
        password_hash="x",
    )


def step_context(n: int = 7) -> dict[str, object]:
    return {
        "step": make_step(n),
        "person": make_person(),
        "url": f"http://127.0.0.1:8000/pages/steps/{n}",
    }


def digest_context(*numbers: int, more: int = 0) -> dict[str, object]:
    return {
        "person": make_person(),
        "items": [
            {"step": make_step(n), "url": f"http://127.0.0.1:8000/pages/steps/{n}"} for n in numbers
        ],
        "more": more,
        "inbox_url": "http://127.0.0.1:8000/pages/inbox",
    }


def memo_context(status: str) -> dict[str, object]:
    memo = Memo(
        id=3,
        subject="ขออนุมัติจัดซื้อวัสดุสำนักงาน",
        division_id=2,
        originator_id=1,
        status=status,
        finished_at=datetime(2026, 3, 5, 3, 0, tzinfo=UTC),
    )
    decision = Decision(
        id=11,
        step_id=9,
        user_id=8,
        position=Position.mayor,
        principal_user_id=8,
        outcome=Outcome.reject if status == "rejected" else Outcome.approve,
        comment="ให้ดำเนินการตามระเบียบพัสดุ",
        decided_at=datetime(2026, 3, 5, 3, 0, tzinfo=UTC),
    )
    return {"memo": memo, "person": make_person(), "decision": decision}


# --- rendering --------------------------------------------------------------------------------


def test_step_opened_renders_thai_with_buddhist_era():
    mail = render_email("step_opened", step_context())
    assert "มีเรื่องรอการพิจารณาของท่าน" in mail.subject and "\n" not in mail.subject
    for body in (mail.text, mail.html):
        assert "นายวิชัย หัวหน้า" in body
        assert "4 มีนาคม 2569 เวลา 16:30 น." in body  # Buddhist Era, Bangkok time
        assert "2026" not in body
        assert "http://127.0.0.1:8000/pages/steps/7" in body
        assert "รอบที่ 2" in body
    assert "เทศบาลนครขอนแก่น" in mail.html and "Sarabun, sans-serif" in mail.html
    assert "&lt;ด่วน&gt;" in mail.html and "<ด่วน>" not in mail.html  # HTML is escaped
    assert "<ด่วน>" in mail.text  # text is not


@pytest.mark.parametrize("template", DIGEST_TEMPLATES)
def test_deadline_digests_list_every_step_in_thai(template):
    mail = render_email(template, digest_context(7, 8, more=3))
    assert "\n" not in mail.subject and "5 เรื่อง" in mail.subject  # 2 listed + 3 more
    for body in (mail.text, mail.html):
        assert "นายวิชัย หัวหน้า" in body
        assert "4 มีนาคม 2569 เวลา 16:30 น." in body
        assert "2026" not in body
        assert "/pages/steps/7" in body and "/pages/steps/8" in body
        assert "และอีก 3 เรื่อง" in body and "/pages/inbox" in body
    assert "&lt;ด่วน&gt;" in mail.html and "<ด่วน>" not in mail.html
    if template == "step_reminder":
        assert "2569" in mail.subject
    if template == "step_overdue":
        assert "เกินกำหนด" in mail.subject
    if template == "step_escalation":
        assert "ผู้ใต้บังคับบัญชาของท่าน" in mail.subject
        assert "ในฐานะผู้บังคับบัญชา" in mail.text


@pytest.mark.parametrize(
    ("status", "headline", "result"),
    [
        ("approved", "ได้รับอนุมัติแล้ว", "เห็นชอบ/อนุมัติ"),
        (MemoStatus.approved, "ได้รับอนุมัติแล้ว", "เห็นชอบ/อนุมัติ"),
        ("rejected", "ไม่ได้รับอนุมัติ", "ไม่อนุมัติ"),
        ("withdrawn", "ถอนเรื่องแล้ว", "วันที่ถอนเรื่อง"),
    ],
)
def test_memo_finished_renders_each_status(status, headline, result):
    mail = render_email("memo_finished", memo_context(status))
    assert headline in mail.subject and "ขออนุมัติจัดซื้อวัสดุสำนักงาน" in mail.subject
    for body in (mail.text, mail.html):
        assert "นายวิชัย หัวหน้า" in body
        assert "5 มีนาคม 2569" in body
        assert result in body
        assert "ให้ดำเนินการตามระเบียบพัสดุ" in body
    assert "เทศบาลนครขอนแก่น" in mail.html


def test_missing_context_is_an_error_not_a_blank():
    context = step_context()
    del context["url"]
    with pytest.raises(UndefinedError):
        render_email("step_opened", context)


def test_long_titles_fit_the_subject_column():
    step = make_step()
    step.title = "ก" * 300
    mail = render_email("step_opened", {**step_context(), "step": step})
    assert len(mail.subject) <= 300


# --- delivery over SMTP -----------------------------------------------------------------------


@pytest.fixture
def capture(tmp_path) -> Iterator[SmtpCapture]:
    with SmtpCapture(port=0, directory=tmp_path / "mail") as smtp:
        yield smtp


@pytest.fixture
def settings(capture: SmtpCapture) -> Settings:
    return Settings(smtp_host="127.0.0.1", smtp_port=capture.port, smtp_timeout_seconds=5)


@pytest.fixture
def settings_down() -> Settings:
    """Nothing listens on this port: connection refused, as in an SMTP outage."""
    return Settings(smtp_host="127.0.0.1", smtp_port=free_port(), smtp_timeout_seconds=2)


def queue(
    engine: Engine, n: int, *, key: str | None = None, case: tuple[str, int] = ("memo", 3)
) -> bool:
    with session_scope(engine) as session:
        return queue_email(
            session,
            dedupe_key=key or f"step-opened:memo-3-section-head-{n}:1",
            to=f"officer{n}@khonkaen.go.th",
            template="step_opened",
            context=step_context(n),
            case_type=case[0],
            case_id=case[1],
        )


def outbox(engine: Engine) -> list[OutboxEmail]:
    with session_scope(engine) as session:
        return list(session.exec(select(OutboxEmail).order_by(col(OutboxEmail.id))))


def test_queue_email_tells_a_duplicate(engine):
    assert queue(engine, 1) is True
    assert queue(engine, 1) is False
    assert len(outbox(engine)) == 1


@pytest.mark.slow
async def test_queued_twice_delivered_twice_arrives_once(engine, capture, settings):
    queue(engine, 1)
    queue(engine, 1)  # same dedupe key
    [row] = outbox(engine)

    first = await deliver_outbox(engine, settings)
    second = await deliver_outbox(engine, settings)

    assert (first.sent, first.failed, first.dead) == (1, 0, 0)
    assert (second.sent, second.failed, second.dead) == (0, 0, 0)
    [mail] = capture.messages
    assert mail.subject == row.subject and "มีเรื่องรอการพิจารณาของท่าน" in mail.subject
    assert mail.rcpt_tos == ["officer1@khonkaen.go.th"]
    assert mail.mail_from == "noreply@khonkaen.go.th"
    assert mail.text.rstrip("\n") == row.body_text.rstrip("\n") and "2569" in mail.text
    assert "เทศบาลนครขอนแก่น" in mail.html and "2569" in mail.html
    assert mail.message_id.startswith(f"<kkm-outbox-{row.id}-")
    [row] = outbox(engine)
    assert row.status == OutboxStatus.sent and row.sent_at is not None
    assert row.claimed_until is None and row.attempts == 0

    # The development mailbox on disk holds the same mail.
    [saved] = read_mailbox(capture.directory)  # type: ignore[arg-type]
    assert (saved.subject, saved.message_id, saved.rcpt_tos) == (
        mail.subject,
        mail.message_id,
        mail.rcpt_tos,
    )
    assert saved.text == mail.text and saved.html == mail.html


@pytest.mark.slow
async def test_smtp_outage_delays_mail_and_loses_none(engine, capture, settings, settings_down):
    queue(engine, 1)
    t0 = utcnow()

    down = await deliver_outbox(engine, settings_down, now=t0)

    assert (down.sent, down.failed, down.dead) == (0, 1, 0)
    [row] = outbox(engine)
    assert row.status == OutboxStatus.pending and row.attempts == 1
    assert row.next_attempt_at == t0 + timedelta(minutes=1) and row.next_attempt_at > t0
    assert row.last_error and row.claimed_until is None

    # Back up, but the retry is not due yet: nothing goes out early.
    early = await deliver_outbox(engine, settings, now=t0 + timedelta(seconds=30))
    assert early.sent == 0 and capture.messages == []

    later = t0 + timedelta(minutes=1, seconds=1)
    up = await deliver_outbox(engine, settings, now=later)
    again = await deliver_outbox(engine, settings, now=later + timedelta(hours=1))

    assert (up.sent, again.sent) == (1, 0)
    assert len(capture.wait_for(1)) == 1
    [row] = outbox(engine)
    assert row.status == OutboxStatus.sent and row.attempts == 1


@pytest.mark.slow
async def test_gives_up_after_eight_failures(engine, capture, settings, settings_down):
    queue(engine, 1)
    now = utcnow()
    for attempt in range(1, MAX_ATTEMPTS + 1):
        report = await deliver_outbox(engine, settings_down, now=now)
        [row] = outbox(engine)
        assert row.attempts == attempt
        if attempt < MAX_ATTEMPTS:
            assert (report.failed, report.dead) == (1, 0)
            assert row.status == OutboxStatus.pending
            assert row.next_attempt_at - now == backoff(attempt)
            now = row.next_attempt_at + timedelta(seconds=1)
        else:
            assert (report.failed, report.dead) == (0, 1)
            assert row.status == OutboxStatus.dead
    assert [backoff(a).total_seconds() / 60 for a in range(1, 9)] == [1, 2, 4, 8, 16, 32, 60, 60]

    # A dead row stays dead, even with the server back.
    late = await deliver_outbox(engine, settings, now=now + timedelta(days=1))
    assert late.sent == 0 and capture.messages == []


@pytest.mark.slow
async def test_claimed_rows_are_left_alone_until_the_claim_lapses(engine, capture, settings):
    queue(engine, 1)
    now = utcnow()
    with session_scope(engine) as session:
        row = session.exec(select(OutboxEmail)).one()
        row.claimed_until = now + timedelta(minutes=2)  # another deliverer is on it
        session.add(row)

    assert (await deliver_outbox(engine, settings, now=now)).sent == 0
    lapsed = await deliver_outbox(engine, settings, now=now + timedelta(minutes=3))
    assert lapsed.sent == 1 and len(capture.messages) == 1


@pytest.mark.slow
async def test_case_filter_sends_only_that_case(engine, capture, settings):
    queue(engine, 1, case=("memo", 3))
    queue(engine, 2, case=("memo", 4))

    report = await deliver_outbox(engine, settings, case=("memo", 3))

    assert report.sent == 1
    assert [m.rcpt_tos for m in capture.messages] == [["officer1@khonkaen.go.th"]]
    assert {r.case_id: r.status for r in outbox(engine)} == {
        3: OutboxStatus.sent,
        4: OutboxStatus.pending,
    }


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["tasks", "threads"])
async def test_concurrent_deliverers_send_every_mail_exactly_once(engine, capture, settings, mode):
    for n in range(20):
        queue(engine, n)

    async def run() -> tuple[int, int, int]:
        report = await deliver_outbox(engine, settings)
        return report.sent, report.failed, report.dead

    if mode == "tasks":  # two deliverers on one event loop
        reports = await asyncio.gather(run(), run())
    else:  # two deliverers in two threads, each with its own loop: real concurrent transactions
        reports = await asyncio.gather(
            asyncio.to_thread(asyncio.run, run()), asyncio.to_thread(asyncio.run, run())
        )

    assert sum(r[0] for r in reports) == 20 and all(r[1:] == (0, 0) for r in reports)
    received = capture.wait_for(20)
    counts = Counter(m.message_id for m in received)
    assert len(counts) == 20 and set(counts.values()) == {1}
    assert {r.status for r in outbox(engine)} == {OutboxStatus.sent}


def test_the_standalone_capture_writes_mail_to_disk_and_holds_none(tmp_path):
    """``make run``'s capture lives as long as the system: it keeps no mail in memory (a year
    of receipts grew it to 534 MiB), only the .eml files, numbered on."""
    directory = tmp_path / "mail"
    with SmtpCapture(port=0, directory=directory, keep=False) as smtp:
        settings = Settings(smtp_host="127.0.0.1", smtp_port=smtp.port, smtp_timeout_seconds=5)
        for n in range(3):
            asyncio.run(
                send_email(
                    settings,
                    to=f"citizen{n}@example.com",
                    subject=f"ใบรับเรื่อง {n}",
                    text="รับเรื่องแล้ว",
                    html="<p>รับเรื่องแล้ว</p>",
                    message_id=f"<receipt-{n}@kkm.test>",
                )
            )
        assert smtp.messages == []
    saved = read_mailbox(directory)
    assert [m.subject for m in saved] == ["ใบรับเรื่อง 0", "ใบรับเรื่อง 1", "ใบรับเรื่อง 2"]
    assert sorted(p.name[-9:] for p in directory.glob("*.eml")) == [
        "-0001.eml",
        "-0002.eml",
        "-0003.eml",
    ]
