"""Migration 0006 carries the complaints' chase notices and agenda items over to the engine's
tables (case_type 'complaint', in their order), and a downgrade brings them back."""

from datetime import UTC, date, datetime

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlmodel import Session, SQLModel, col, select

from core.db import UTCDateTime
from core.settings import PROJECT_ROOT
from models.chase import AgendaItem, ChaseNotice

AT = datetime(2026, 7, 17, 3, 0, tzinfo=UTC)
RESPOND_BY = datetime(2026, 7, 27, 3, 0, tzinfo=UTC)

OLD_NOTICE = sa.table(
    "complaintnotice",
    sa.column("complaint_id", sa.Integer),
    sa.column("cycle", sa.Integer),
    sa.column("stage", sa.String),
    sa.column("division_id", sa.Integer),
    sa.column("respond_by", UTCDateTime),
    sa.column("created_at", UTCDateTime),
)
OLD_AGENDA = sa.table(
    "complaintagendaitem",
    sa.column("complaint_id", sa.Integer),
    sa.column("cycle", sa.Integer),
    sa.column("division_id", sa.Integer),
    sa.column("meeting_date", sa.Date),
    sa.column("added_at", UTCDateTime),
    sa.column("explanation", sa.Text),
    sa.column("explained_at", UTCDateTime),
)
NOTICES = [
    {"cycle": -1, "stage": "receipt_late", "respond_by": None},
    {"cycle": 1, "stage": "follow_up", "respond_by": RESPOND_BY},
    {"cycle": 1, "stage": "mayor", "respond_by": None},
]


def _config(engine: sa.Engine) -> Config:
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.attributes["database_url"] = engine.url.render_as_string(hide_password=False)
    return config


def _complaint_at_0005(conn: sa.Connection) -> int:
    conn.execute(
        sa.text(
            "INSERT INTO complaintcategory (code, name, days, division_code, active) "
            "VALUES ('garbage', 'ขยะ', 2, 'สธ.', true)"
        )
    )
    complaint = sa.table(
        "complaint",
        *(
            sa.column(c, sa.Integer)
            for c in ("routing_round", "work_round", "review_round", "ladder_cycle")
        ),
        sa.column("obstacle_round", sa.Integer),
        *(
            sa.column(c, sa.String)
            for c in ("number", "pin_hash", "category_code", "description", "channel")
        ),
        sa.column("complainant_name", sa.String),
        sa.column("status", sa.String),
        sa.column("withhold_identity", sa.Boolean),
        sa.column("registered_at", UTCDateTime),
        sa.column("expected_at", UTCDateTime),
    )
    conn.execute(
        complaint.insert().values(
            number="KKC-2569-000001",
            pin_hash="x",
            category_code="garbage",
            description="ขยะไม่ได้เก็บ",
            channel="web",
            complainant_name="ผู้ร้อง",
            status="in_progress",
            withhold_identity=False,
            registered_at=AT,
            expected_at=AT,
            routing_round=1,
            work_round=1,
            review_round=0,
            ladder_cycle=1,
            obstacle_round=0,
        )
    )
    return conn.execute(sa.text("SELECT id FROM complaint")).scalar_one()


def test_0006_copies_the_complaint_chase_and_a_downgrade_brings_it_back(engine):
    SQLModel.metadata.drop_all(engine)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
    config = _config(engine)
    command.upgrade(config, "0005")
    with engine.begin() as conn:
        cid = _complaint_at_0005(conn)
        for n in NOTICES:
            conn.execute(OLD_NOTICE.insert().values(complaint_id=cid, created_at=AT, **n))
        conn.execute(
            OLD_AGENDA.insert().values(
                complaint_id=cid,
                cycle=1,
                meeting_date=date(2026, 8, 3),
                added_at=AT,
                explanation="รอผู้รับจ้าง",
                explained_at=AT,
            )
        )

    command.upgrade(config, "0006")
    with Session(engine) as s:
        notices = s.exec(select(ChaseNotice).order_by(col(ChaseNotice.id))).all()
        item = s.exec(select(AgendaItem)).one()
    assert [(n.case_type, n.case_id, n.cycle, n.stage, n.respond_by) for n in notices] == [
        ("complaint", cid, n["cycle"], n["stage"], n["respond_by"]) for n in NOTICES
    ]
    assert (item.case_type, item.case_id, item.meeting_date, item.explanation) == (
        "complaint",
        cid,
        date(2026, 8, 3),
        "รอผู้รับจ้าง",
    )
    assert item.explained_at == AT

    command.downgrade(config, "0005")
    with engine.connect() as conn:
        back = conn.execute(
            sa.select(OLD_NOTICE.c.cycle, OLD_NOTICE.c.stage, OLD_NOTICE.c.respond_by).order_by(
                sa.text("id")
            )
        ).all()
        agenda = conn.execute(sa.select(OLD_AGENDA.c.complaint_id, OLD_AGENDA.c.explanation)).all()
    assert [tuple(r) for r in back] == [(n["cycle"], n["stage"], n["respond_by"]) for n in NOTICES]
    assert [tuple(r) for r in agenda] == [(cid, "รอผู้รับจ้าง")]

    command.upgrade(config, "head")  # leave the schema for the next test's truncate
