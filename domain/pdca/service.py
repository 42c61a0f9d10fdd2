"""The plan's use cases, each in one unit of work: the JSON API, the pages, the demo data and the
tests call these."""

import hashlib
from dataclasses import dataclass
from datetime import date

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from core.db import in_transaction
from domain.engine.steps import DecisionResult, decide
from domain.errors import NotEntitled
from domain.pdca import rules, rules_versions
from domain.pdca.plan_import import division_codes, parse_plan
from models.pdca import ImportDiscrepancy, Plan
from models.people import User
from models.steps import Outcome


@dataclass(frozen=True)
class ImportResult:
    plan: Plan
    counts: dict[str, int]
    discrepancies: list[ImportDiscrepancy]


def _user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None or not user.active:
        raise NotEntitled("บัญชีผู้ใช้นี้ใช้งานไม่ได้")
    return user


def import_plan(
    engine: Engine,
    *,
    user_id: int,
    projects: bytes,
    filename: str | None = None,
    risks: bytes | None = None,
    indicators: bytes | None = None,
    name: str | None = None,
    plan_id: int | None = None,
) -> ImportResult:
    """Import the plan's files: as a new version of its series, or (``plan_id``) as the
    corrected content of a draft or of a version sent back for revision. Every row of every
    file is checked first; a broken row refuses the whole import (``ImportRefused``, the rows
    named) and nothing is stored. Differences between the summary table and the projects'
    pages come back with the plan, each with its source."""
    digest = hashlib.sha256(projects).hexdigest()

    def work(session: Session) -> ImportResult:
        actor = _user(session, user_id)
        rules.check_owner(session, actor)
        parsed = parse_plan(
            projects, division_codes=division_codes(session), risks=risks, indicators=indicators
        )
        if plan_id is None:
            plan, counts = rules_versions.new_version_from_import(
                session, parsed=parsed, actor=actor, name=name, filename=filename, sha256=digest
            )
        else:
            plan = rules.get_plan(session, plan_id, lock=True)
            counts = rules_versions.reimport(
                session, plan, parsed=parsed, actor=actor, filename=filename, sha256=digest
            )
        found = list(
            session.exec(select(ImportDiscrepancy).where(ImportDiscrepancy.plan_id == plan.id))
        )
        return ImportResult(plan, counts, found)

    return in_transaction(engine, work)


def revise_plan(engine: Engine, *, user_id: int, plan_id: int, reason: str) -> Plan:
    """A new version copied from ``plan_id``, which keeps its approval."""

    def work(session: Session) -> Plan:
        actor = _user(session, user_id)
        return rules_versions.revise(
            session, rules.get_plan(session, plan_id, lock=True), actor=actor, reason=reason
        )

    return in_transaction(engine, work)


def submit_for_approval(engine: Engine, *, user_id: int, plan_id: int) -> Plan:
    """A draft goes to the working committee and up the chain to the mayor; its flow run is
    requested in the same transaction."""

    def work(session: Session) -> Plan:
        actor = _user(session, user_id)
        return rules.submit(session, rules.get_plan(session, plan_id, lock=True), actor=actor)

    return in_transaction(engine, work)


def record_submission(
    engine: Engine,
    *,
    user_id: int,
    plan_id: int,
    submitted_on: date,
    reference: str | None = None,
    comment: str = "",
) -> DecisionResult:
    """The plan was entered in E-PlanNACC: decides the plan's open E-PlanNACC step (the same
    decision as on the step's page), so who may record it is the engine's rule."""

    def work(session: Session) -> DecisionResult:
        actor = _user(session, user_id)
        step = rules.open_enacc_step(session, rules.get_plan(session, plan_id))
        return decide(
            session,
            step_id=step.id,  # type: ignore[arg-type]
            user=actor,
            data={
                "outcome": Outcome.acknowledge.value,
                "comment": comment,
                "submitted_on": submitted_on.isoformat(),
                "reference": reference or None,
            },
        )

    return in_transaction(engine, work)
