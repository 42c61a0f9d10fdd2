"""B5: the deadline sweep over 100,000 open steps (half of them due or late) in < 10 s, run
twice, the second sending nothing. Baseline: the same sweep written naively (for every open
step and notice kind, a SELECT for an existing notice, then an INSERT).

Rows go in with bulk INSERTs into a SQLite file migrated by Alembic. The steps are position
steps of the section head of กย. (one holder, wichai; escalation to the director, malee)."""

import argparse
import time
from collections import defaultdict
from datetime import datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, select

from benchmarks.appdb import fresh_database
from benchmarks.common import Row, log, ratio, temp_dir
from core.db import session_scope, utcnow
from domain.engine.deadlines import SweepPolicy, notice_cutoffs, sweep_deadlines
from domain.engine.notify import queue_email, step_url
from domain.engine.people import holders, superiors, with_acting_officers
from models.outbox import OutboxEmail
from models.people import Position, User
from models.steps import AssigneeKind, HumanStep, NoticeKind, StepNotice, StepStatus

POLICY = SweepPolicy(remind_before=timedelta(hours=24), escalate_after_working_days=2)
GOAL_S = 10.0


def insert_steps(session: Session, n: int, now: datetime, *, prefix: str, division_id: int) -> None:
    """``n`` open steps: half not due for 30 days; of the other half a third due within the
    next day (reminder), a third late by hours (overdue), a third late by 10 days (overdue and
    escalation)."""
    table = HumanStep.__table__  # type: ignore[attr-defined]
    batch: list[dict] = []
    for i in range(n):
        if i % 2 == 0:
            due = now + timedelta(days=30)
        else:
            due = (
                now + [timedelta(hours=12), -timedelta(hours=3), -timedelta(days=10)][(i // 2) % 3]
            )
        batch.append(
            {
                "case_type": "memo",
                "case_id": i + 1,
                "key": f"{prefix}-{i}",
                "title": f"บันทึกข้อความทดสอบ {i}",
                "level": "section-head",
                "round": 1,
                "assignee_kind": AssigneeKind.position.value,
                "assignee_user_id": None,
                "assignee_position": Position.section_head.value,
                "assignee_division_id": division_id,
                "committee_id": None,
                "form": "chain-decision",
                "allowed_outcomes": ["approve", "reject", "return"],
                "status": StepStatus.open.value,
                "outcome": None,
                "opened_at": due - timedelta(days=3),
                "due_at": due,
                "closed_at": None,
            }
        )
        if len(batch) == 5000:
            session.execute(table.insert(), batch)
            batch = []
    if batch:
        session.execute(table.insert(), batch)


def naive_sweep(session: Session, *, now: datetime, policy: SweepPolicy) -> dict[str, int]:
    """The baseline: every open step loaded, and per step and kind a SELECT for a notice."""
    cutoffs = notice_cutoffs(session, now, policy)
    sent: dict[str, int] = defaultdict(int)
    steps = session.exec(select(HumanStep).where(HumanStep.status == StepStatus.open)).all()
    for step in steps:
        for kind, cutoff in cutoffs.items():
            if step.due_at > cutoff:
                continue
            if kind is NoticeKind.reminder and step.due_at <= now:
                continue
            notice = session.exec(
                select(StepNotice).where(StepNotice.step_id == step.id, StepNotice.kind == kind)
            ).first()
            if notice is not None:
                continue
            session.add(StepNotice(step_id=step.id, kind=kind))  # type: ignore[arg-type]
            session.flush()
            named = (
                superiors(session, step=step)
                if kind is NoticeKind.escalation
                else holders(session, step=step)
            )
            for person in with_acting_officers(session, named, now):
                queue_email(
                    session,
                    dedupe_key=f"{kind.value}:{step.key}:{person.id}",
                    to=person.email,
                    template=f"step_{kind.value}",
                    context={  # one mail per step and person: the naive way
                        "person": person,
                        "items": [{"step": step, "url": step_url(step)}],
                        "more": 0,
                        "inbox_url": step_url(step),
                    },
                    case_type=step.case_type,
                    case_id=step.case_id,
                )
            sent[kind.value] += 1
    return dict(sent)


def _outbox(engine) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(OutboxEmail)).one()


def run(n: int = 100_000, naive_n: int = 10_000) -> list[Row]:
    now = utcnow()
    engine, _, users = fresh_database(temp_dir("b5"))
    wichai: User = users["wichai"]
    t = time.perf_counter()
    with session_scope(engine) as session:
        insert_steps(session, n, now, prefix="b5", division_id=wichai.division_id)  # type: ignore[arg-type]
    log(f"B5: {n} open steps inserted in {time.perf_counter() - t:.1f}s")

    def timed(sweep) -> tuple[float, dict[str, int], int]:
        before = _outbox(engine)
        t0 = time.perf_counter()
        with session_scope(engine) as session:
            counts = sweep(session, now=now, policy=POLICY)
        return time.perf_counter() - t0, counts, _outbox(engine) - before

    first_s, first, first_mail = timed(sweep_deadlines)
    log(f"B5: first sweep {first_s:.1f}s {first} mail {first_mail}")
    second_s, second, second_mail = timed(sweep_deadlines)
    log(f"B5: second sweep {second_s:.1f}s {second} mail {second_mail}")

    # The naive form on its own fresh database, at naive_n steps, scaled linearly to n.
    engine_naive, _, users_naive = fresh_database(temp_dir("b5-naive"))
    with session_scope(engine_naive) as session:
        insert_steps(
            session,
            naive_n,
            now,
            prefix="b5n",
            division_id=users_naive["wichai"].division_id,  # type: ignore[arg-type]
        )
    engine, engine_keep = engine_naive, engine
    naive_s, naive, _ = timed(naive_sweep)
    naive2_s, naive2, _ = timed(naive_sweep)
    engine = engine_keep
    scale = n / naive_n
    log(f"B5: naive at {naive_n}: {naive_s:.1f}s {naive}; again {naive2_s:.1f}s {naive2}")

    notices = sum(first.values())
    rows = [
        Row(
            "B5",
            f"deadline sweep, {n:,} open steps (first run: {notices:,} notices, "
            f"{first_mail:,} mails queued)",
            f"{first_s:.1f} s",
            f"< {GOAL_S:.0f} s",
            f"{naive_s * scale:.1f} s (naive, {naive_n:,} steps measured: {naive_s:.1f} s, "
            "×{:.0f})".format(scale),
            ratio(naive_s * scale, first_s),
            first_s < GOAL_S,
        ),
        Row(
            "B5",
            f"deadline sweep again, nothing new (notices sent: {sum(second.values())}, "
            f"mails queued: {second_mail})",
            f"{second_s:.1f} s",
            "< 10 s, sends 0",
            f"{naive2_s * scale:.1f} s (naive, scaled ×{scale:.0f})",
            ratio(naive2_s * scale, second_s),
            second_s < GOAL_S and sum(second.values()) == 0 and second_mail == 0,
        ),
    ]
    return rows


def main() -> list[Row]:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--naive-n", type=int, default=10_000)
    args = parser.parse_args()
    rows = run(args.n, args.naive_n)
    for row in rows:
        row.print()
    return rows


if __name__ == "__main__":
    main()
