"""The level a sub-district reached, from the configured criteria (pure: no database).

A level (3, 4 or 5) is reached when every condition of it and of each level below it is met:
the table's levels are steps (ขั้นตอนความสำเร็จ). Below level 3 nothing is reached. The annual
report's conditions come from its record: complete = every required section filled and sent to
the department; on time = sent by the configured deadline of the fiscal year."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from domain.engine.calendar import thai_date_text
from domain.pdca.model_subdistrict.config import (
    LEVELS,
    Check,
    Criterion,
    ModelSubdistrictConfig,
    SubdistrictKind,
)


@dataclass(frozen=True)
class ReportFacts:
    """What the annual report's record says."""

    missing_sections: tuple[str, ...]
    """Titles of required sections still empty."""
    submitted_on: date | None


@dataclass(frozen=True)
class ConditionResult:
    criterion: Criterion
    text: str
    """The condition as shown (the deadline written for the fiscal year)."""
    met: bool
    reason: str
    """Why it is met or not, in Thai."""


@dataclass(frozen=True)
class Score:
    level: int | None
    """3, 4 or 5; None: level 3 not reached."""
    conditions: tuple[ConditionResult, ...]
    next_level: int | None
    """The level above the one reached (None at 5)."""
    missing: tuple[ConditionResult, ...]
    """The unmet conditions that keep the sub-district from ``next_level``."""

    @property
    def level_text(self) -> str:
        return f"ระดับ {self.level}" if self.level else "ยังไม่ถึงระดับ 3"


def score(
    config: ModelSubdistrictConfig,
    *,
    kind: SubdistrictKind | str,
    months: int,
    fiscal_year: int,
    answers: Mapping[str, tuple[bool, str]],
    report: ReportFacts | None,
) -> Score:
    """Score one self-assessment: ``answers`` by criterion key, (met, evidence)."""
    deadline = config.annual_report.deadline(fiscal_year)
    results = tuple(
        _condition(config, c, fiscal_year, answers, report, deadline)
        for c in config.criteria_for(kind, months)
    )
    reached = None
    for level in LEVELS:
        if all(r.met for r in results if r.criterion.level <= level):
            reached = level
        else:
            break
    next_level = None if reached == LEVELS[-1] else (reached or LEVELS[0] - 1) + 1
    missing = tuple(
        r for r in results if next_level and r.criterion.level <= next_level and not r.met
    )
    return Score(reached, results, next_level, missing)


def _condition(
    config: ModelSubdistrictConfig,
    criterion: Criterion,
    fiscal_year: int,
    answers: Mapping[str, tuple[bool, str]],
    report: ReportFacts | None,
    deadline: date,
) -> ConditionResult:
    text = config.criterion_text(criterion, fiscal_year)
    if criterion.check == Check.answer:
        met, evidence = answers.get(criterion.key, (False, ""))
        if criterion.key not in answers:
            return ConditionResult(criterion, text, False, "คณะทำงานยังไม่ได้ตอบ")
        reason = f"หลักฐาน: {evidence}" if met else "คณะทำงานประเมินว่ายังไม่ได้ดำเนินการ"
        return ConditionResult(criterion, text, met, reason)
    if report is None or report.submitted_on is None:
        return ConditionResult(criterion, text, False, "ยังไม่ได้ส่งรายงานผลการดำเนินงานประจำปีถึงกองฯ")
    if report.missing_sections:
        missing = ", ".join(report.missing_sections)
        return ConditionResult(criterion, text, False, f"รายงานประจำปียังไม่ครบถ้วน ขาดหัวข้อ: {missing}")
    sent = f"ส่งรายงานประจำปีครบถ้วนเมื่อ {thai_date_text(report.submitted_on)}"
    if criterion.check == Check.report_complete:
        return ConditionResult(criterion, text, True, sent)
    if report.submitted_on <= deadline:
        return ConditionResult(
            criterion, text, True, f"{sent} ภายในกำหนด {thai_date_text(deadline)}"
        )
    return ConditionResult(
        criterion, text, False, f"{sent} หลังกำหนด {thai_date_text(deadline)} (ล่าช้า)"
    )
