"""Steps have a kind apart from their chain level; complaint outcomes named for what they are

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29 18:40:00

Before, a complaint step's kind was kept in ``level`` and its outcomes were bent onto
approve / reject / acknowledge / return, with the real choice in the decision's ``action``
field. Existing rows are rewritten: ``kind`` from ``level`` (complaints) or from the chain
(memos), and each complaint decision's outcome from its ``action``.
"""

import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# form -> (old outcome -> new outcome), for complaint steps
RENAMED = {
    "complaint-screening": {"approve": "route", "reject": "forward", "acknowledge": "merge"},
    "complaint-schedule": {"approve": "schedule"},
    "complaint-result": {"approve": "resolved", "reject": "obstacle"},
    "complaint-obstacle": {"approve": "grant", "return": "refuse", "reject": "close_unresolved"},
    "complaint-review": {"return": "reopen", "approve": "close", "reject": "close_unresolved"},
    "decision": {"acknowledge": "receive"},  # the division's receipt
}


def _json(value: object) -> object:
    return json.loads(value) if isinstance(value, str) else value


def upgrade() -> None:
    op.add_column(
        "humanstep",
        sa.Column("kind", sa.String(length=40), nullable=False, server_default="decision"),
    )
    conn = op.get_bind()
    conn.execute(
        sa.text(
            "UPDATE humanstep SET kind = CASE WHEN level = 'originator' THEN 'revision' "
            "ELSE 'chain-level' END WHERE case_type = 'memo'"
        )
    )
    steps = conn.execute(
        sa.text(
            "SELECT id, level, form, allowed_outcomes, outcome FROM humanstep "
            "WHERE case_type = 'complaint'"
        )
    ).all()
    for step_id, level, form, allowed, outcome in steps:
        renamed = RENAMED.get(form, {})
        new_form = "complaint-receipt" if level == "receipt" else form
        conn.execute(
            sa.text(
                "UPDATE humanstep SET kind = :kind, level = NULL, form = :form, "
                "allowed_outcomes = :allowed, outcome = :outcome WHERE id = :id"
            ),
            {
                "id": step_id,
                "kind": level or "decision",
                "form": new_form,
                "allowed": json.dumps([renamed.get(o, o) for o in _json(allowed) or []]),
                "outcome": renamed.get(outcome, outcome) if outcome else None,
            },
        )
        decisions = conn.execute(
            sa.text("SELECT id, outcome, fields FROM decision WHERE step_id = :id"),
            {"id": step_id},
        ).all()
        for decision_id, old, fields in decisions:
            fields = dict(_json(fields) or {})
            new = fields.pop("action", None) or renamed.get(old, old)
            conn.execute(
                sa.text("UPDATE decision SET outcome = :o, fields = :f WHERE id = :id"),
                {"id": decision_id, "o": new, "f": json.dumps(fields, ensure_ascii=False)},
            )


def downgrade() -> None:
    op.drop_column("humanstep", "kind")
