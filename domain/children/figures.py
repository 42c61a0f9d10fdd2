"""The figures the executives read (issue item 7; seed 001's outcome counts are the kind of
table): children screened by band, at risk, referred by agency, outcomes by type, per school,
for a year. Counts only, small numbers suppressed (``figures_suppression``); nothing here
names or links to a child, and the executives never read a case.

Everything counts by fiscal year (BE, October to September), as the municipality reports:
screening each child once, by the latest result screened in the year; referrals by the day
sent, outcomes by the day achieved, camps by the day they start."""

from collections.abc import Hashable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlmodel import Session, col, func, select

from core.db import utcnow
from domain.children.figures_suppression import Suppressed, shown, suppress_table
from domain.children.instruments import BAND_TITLES, Band
from domain.children.referral_access import may_read_figures
from domain.children.referral_policy import referral_policy
from domain.engine.calendar import fiscal_year_bounds
from domain.errors import InvalidInput, NotEntitled
from models.children import ChildCase, ScreeningResult, ScreeningSession
from models.children_referrals import (
    CampCohort,
    CampEnrolment,
    ChildOutcome,
    OutcomeKind,
    Referral,
    ReferralStatus,
    SchoolLevel,
)
from models.people import User
from models.screening import School
from models.screening_benefits import PartnerAgency

NOT_FROM_SCHOOL = 0
"""The row of children who came through a camp or the community, not a school's case."""

REFERRAL_GROUPS: dict[str, tuple[str, set[ReferralStatus]]] = {
    "waiting": ("รอหน่วยงานตอบรับ", {ReferralStatus.waiting}),
    "in_care": (
        "รับดูแล/ให้บริการ",
        {ReferralStatus.acknowledged, ReferralStatus.placed, ReferralStatus.services},
    ),
    "declined": ("หน่วยงานไม่รับ", {ReferralStatus.declined}),
    "closed": ("ปิดการส่งต่อ", {ReferralStatus.closed}),
}
OUTCOME_ROWS: list[tuple[str, str]] = [
    *((f"school:{lv.value}", f"{OutcomeKind.school.thai} {lv.thai}") for lv in SchoolLevel),
    *((k.value, k.thai) for k in OutcomeKind if k != OutcomeKind.school),
]
SCHOOL_COLUMNS = {"at_risk": "กลุ่มเสี่ยง/มีปัญหา", "referred": "ได้รับการส่งต่อ", "outcomes": "ผลลัพธ์"}


@dataclass(frozen=True)
class Table:
    title: str
    row_label: str
    rows: list[tuple[Hashable, str]]
    columns: list[tuple[Hashable, str]]
    shown: Suppressed
    row_totals: bool = True


@dataclass(frozen=True)
class Figures:
    year: int
    data_at: datetime
    screened: Table
    referrals: Table
    outcomes: Table
    schools: Table
    camps: dict[str, str] = field(default_factory=dict)


def _table(
    title: str,
    row_label: str,
    rows: list[tuple[Hashable, str]],
    columns: list[tuple[Hashable, str]],
    counts: dict[Hashable, dict[Hashable, int]],
    *,
    row_totals: bool = True,
) -> Table:
    floor = referral_policy().figures.suppress_below
    full = {r: {c: counts.get(r, {}).get(c, 0) for c, _ in columns} for r, _ in rows}
    table = suppress_table(full, [c for c, _ in columns], floor, row_totals=row_totals)
    return Table(title, row_label, rows, columns, table, row_totals)


def _school_rows(session: Session) -> list[tuple[Hashable, str]]:
    schools = session.exec(select(School).order_by(col(School.code))).all()
    return [(s.id, s.name) for s in schools]


def _screened(session: Session, first: date, last: date) -> dict[Hashable, dict[Hashable, int]]:
    latest = (
        select(func.max(ScreeningResult.id))
        .join(ScreeningSession, col(ScreeningSession.id) == ScreeningResult.session_id)
        .where(col(ScreeningSession.held_on).between(first, last))
        .group_by(col(ScreeningResult.person_id))
    )
    rows = session.exec(
        select(ScreeningSession.school_id, ScreeningResult.band, func.count())
        .join(ScreeningSession, col(ScreeningSession.id) == ScreeningResult.session_id)
        .where(col(ScreeningResult.id).in_(latest))
        .group_by(col(ScreeningSession.school_id), col(ScreeningResult.band))
    ).all()
    counts: dict[Hashable, dict[Hashable, int]] = {}
    for school_id, band, n in rows:
        counts.setdefault(school_id, {})[band] = n
    return counts


def figures(session: Session, *, user: User, year: int, now: datetime | None = None) -> Figures:
    if not may_read_figures(session, user):
        raise NotEntitled("ตัวเลขสรุปเปิดดูได้เฉพาะผู้บริหารและผู้ประสานงานโครงการ")
    if not 2500 <= year <= 2700:
        raise InvalidInput("ปีต้องเป็น พ.ศ. เช่น 2569", field="year")
    first, last = fiscal_year_bounds(year)
    schools = _school_rows(session)
    screened = _screened(session, first, last)

    referrals = session.exec(
        select(Referral, ChildCase.school_id)
        .join(ChildCase, col(ChildCase.id) == Referral.case_id, isouter=True)
        .where(
            Referral.status != ReferralStatus.dropped,
            col(Referral.referred_on).between(first, last),
        )
    ).all()
    by_agency: dict[Hashable, dict[Hashable, int]] = {}
    referred_children: dict[Hashable, set[int]] = {}
    for referral, school_id in referrals:
        group = next(k for k, (_, s) in REFERRAL_GROUPS.items() if referral.status in s)
        row = by_agency.setdefault(referral.agency_id, {})
        row[group] = row.get(group, 0) + 1
        referred_children.setdefault(school_id or NOT_FROM_SCHOOL, set()).add(referral.person_id)
    agency_names = {
        a.id: a.name
        for a in session.exec(
            select(PartnerAgency).where(col(PartnerAgency.id).in_(list(by_agency)))
        )
    }

    outcome_rows = session.exec(
        select(ChildOutcome, ChildCase.school_id)
        .join(ChildCase, col(ChildCase.id) == ChildOutcome.case_id, isouter=True)
        .where(col(ChildOutcome.achieved_on).between(first, last))
    ).all()
    by_type: dict[Hashable, dict[Hashable, int]] = {}
    outcomes_by_school: dict[Hashable, int] = {}
    for outcome, school_id in outcome_rows:
        key = f"school:{outcome.level}" if outcome.kind == OutcomeKind.school else outcome.kind
        by_type.setdefault(str(key), {"count": 0})["count"] += 1
        where = school_id or NOT_FROM_SCHOOL
        outcomes_by_school[where] = outcomes_by_school.get(where, 0) + 1

    school_rows = [*schools, (NOT_FROM_SCHOOL, "ค่าย/ชุมชน (ไม่ได้มาจากโรงเรียน)")]
    per_school = {
        s: {
            "at_risk": sum(n for b, n in screened.get(s, {}).items() if b != Band.normal),
            "referred": len(referred_children.get(s, set())),
            "outcomes": outcomes_by_school.get(s, 0),
        }
        for s, _ in school_rows
    }
    bands = [(b.value, BAND_TITLES[b]) for b in Band]
    return Figures(
        year=year,
        data_at=now or utcnow(),
        screened=_table(
            f"นักเรียนที่ได้รับการคัดกรอง ปีงบประมาณ {year} (นับคนละครั้ง ตามผลล่าสุด)",
            "โรงเรียน",
            schools,
            bands,
            screened,
        ),
        referrals=_table(
            f"การส่งต่อ จำแนกตามหน่วยงานที่รับ ปีงบประมาณ {year}",
            "หน่วยงาน",
            sorted(agency_names.items(), key=lambda item: item[1]),
            [(k, title) for k, (title, _) in REFERRAL_GROUPS.items()],
            by_agency,
        ),
        outcomes=_table(
            f"ผลลัพธ์ของเด็กและเยาวชน จำแนกตามประเภท ปีงบประมาณ {year}",
            "ผลลัพธ์",
            [(k, t) for k, t in OUTCOME_ROWS],
            [("count", "จำนวน (ครั้ง)")],
            by_type,
            row_totals=False,
        ),
        schools=_table(
            f"สรุปรายโรงเรียน ปีงบประมาณ {year} (จำนวนคน)",
            "โรงเรียน",
            school_rows,
            list(SCHOOL_COLUMNS.items()),
            per_school,
            row_totals=False,
        ),
        camps=_camps(session, year),
    )


def _camps(session: Session, year: int) -> dict[str, str]:
    floor = referral_policy().figures.suppress_below
    cohorts = session.exec(select(func.count()).where(CampCohort.year == year)).one()
    campers = session.exec(
        select(func.count())
        .select_from(CampEnrolment)
        .join(CampCohort, col(CampCohort.id) == CampEnrolment.cohort_id)
        .where(CampCohort.year == year)
    ).one()
    return {"cohorts": str(cohorts), "campers": shown(campers, floor)}


def as_json(found: Figures) -> dict[str, Any]:
    def table(t: Table) -> dict[str, Any]:
        return {
            "title": t.title,
            "columns": [title for _, title in t.columns],
            "rows": [
                {
                    "label": label,
                    "cells": [t.shown.cells[key][c] for c, _ in t.columns],
                    **({"total": t.shown.row_totals[key]} if t.row_totals else {}),
                }
                for key, label in t.rows
            ],
            "column_totals": [t.shown.column_totals[c] for c, _ in t.columns],
            "total": t.shown.total,
        }

    return {
        "year": found.year,
        "data_at": found.data_at.isoformat(),
        "screened": table(found.screened),
        "referrals": table(found.referrals),
        "outcomes": table(found.outcomes),
        "schools": table(found.schools),
        "camps": found.camps,
    }
