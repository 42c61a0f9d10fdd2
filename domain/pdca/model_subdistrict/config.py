"""The model sub-district project as configuration (config/pdca/model_subdistrict.toml, from
seed 003): the success criteria of the two tables, the annual report's deadline and sections,
the goals 4S and the PDCA steps. Read once and checked whole; a broken file is refused with
every broken entry named (``ConfigRefused``)."""

import tomllib
from collections import Counter
from datetime import date
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from core.settings import PROJECT_ROOT
from domain.engine.calendar import thai_date_text, to_common_year

CONFIG_FILE = PROJECT_ROOT / "config" / "pdca" / "model_subdistrict.toml"
LEVELS = (3, 4, 5)
"""The success levels of seed 003's tables (levels 1 and 2 are not defined there)."""
PERIODS = (6, 12)
DEADLINE_MARK = "{deadline}"


class SubdistrictKind(StrEnum):
    existing = "existing"
    new = "new"

    @property
    def thai(self) -> str:
        return "พื้นที่ตำบลเดิม" if self == SubdistrictKind.existing else "พื้นที่ตำบลใหม่"


class Check(StrEnum):
    """How a condition is known: the committee's answer, or the annual report's record."""

    answer = "answer"
    report_complete = "report_complete"
    report_on_time = "report_on_time"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Criterion(_Strict):
    key: str = Field(pattern=r"^[a-z0-9-]{1,60}$")
    kind: SubdistrictKind
    months: Literal[6, 12]
    level: Literal[3, 4, 5]
    text: str = Field(min_length=1)
    question: str | None = None
    check: Check = Check.answer
    source_line: int = Field(ge=1)

    @model_validator(mode="after")
    def _deadline_only_on_time(self) -> "Criterion":
        if DEADLINE_MARK in self.text and self.check != Check.report_on_time:
            raise ValueError(f"{self.key}: {DEADLINE_MARK} ใช้ได้เฉพาะเงื่อนไข report_on_time")
        return self

    def asked(self) -> str:
        """What the committee answers."""
        return self.question or self.text


class ReportSection(_Strict):
    key: str = Field(pattern=r"^[a-z0-9_]{1,40}$")
    title: str = Field(min_length=1)
    source_line: int = Field(ge=1)
    required: bool = True
    long: bool = False


class AnnualReport(_Strict):
    title: str = Field(min_length=1)
    source_line: int = Field(ge=1)
    deadline_month: int = Field(ge=1, le=12)
    deadline_day: int = Field(ge=1, le=31)
    deadline_source_line: int = Field(ge=1)
    sections: tuple[ReportSection, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _valid_day(self) -> "AnnualReport":
        try:
            date(2024, self.deadline_month, self.deadline_day)  # a leap year: 29 Feb allowed
        except ValueError:
            day, month = self.deadline_day, self.deadline_month
            raise ValueError(f"วันครบกำหนดส่งรายงานประจำปีไม่มีจริง: วันที่ {day} เดือน {month}") from None
        dup = [k for k, n in Counter(s.key for s in self.sections).items() if n > 1]
        if dup:
            raise ValueError(f"หัวข้อรายงานซ้ำ: {', '.join(dup)}")
        return self

    def deadline(self, fiscal_year: int) -> date:
        """The deadline in fiscal year ``fiscal_year`` (BE): 1 Oct–31 Dec fall in its first
        calendar year, the rest in its last."""
        year = to_common_year(fiscal_year) - (1 if self.deadline_month >= 10 else 0)
        day = min(self.deadline_day, 28) if self.deadline_month == 2 else self.deadline_day
        return date(year, self.deadline_month, day)


class Goal(_Strict):
    key: str
    title: str
    meaning: str
    source_line: int = Field(ge=1)


class PdcaStep(_Strict):
    key: Literal["plan", "do", "check", "act"]
    title: str
    source_line: int = Field(ge=1)


class ModelSubdistrictConfig(_Strict):
    title: str = Field(min_length=1)
    indicator: str = Field(min_length=1)
    indicator_source_line: int = Field(ge=1)
    owner_division: str = Field(min_length=1)
    assessment_due_working_days: int = Field(ge=1, le=120)
    annual_report: AnnualReport
    goals: tuple[Goal, ...] = ()
    steps: tuple[PdcaStep, ...] = ()
    criteria: tuple[Criterion, ...]

    @model_validator(mode="after")
    def _complete_tables(self) -> "ModelSubdistrictConfig":
        problems = []
        dup = [k for k, n in Counter(c.key for c in self.criteria).items() if n > 1]
        if dup:
            problems.append(f"รหัสเงื่อนไขซ้ำ: {', '.join(dup)}")
        for kind in SubdistrictKind:
            for months in PERIODS:
                have = {c.level for c in self.criteria if c.kind == kind and c.months == months}
                for level in LEVELS:
                    if level not in have:
                        problems.append(f"{kind.thai} รอบ {months} เดือน: ไม่มีเงื่อนไขของระดับ {level}")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def criteria_for(self, kind: SubdistrictKind | str, months: int) -> list[Criterion]:
        """One table's column, lowest level first (the file's order within a level)."""
        found = [c for c in self.criteria if c.kind == kind and c.months == months]
        return sorted(found, key=lambda c: c.level)

    def criterion(self, key: str) -> Criterion | None:
        return next((c for c in self.criteria if c.key == key), None)

    def section_titles(self) -> dict[str, str]:
        return {s.key: s.title for s in self.annual_report.sections}

    def criterion_text(self, criterion: Criterion, fiscal_year: int) -> str:
        """The condition as shown: the deadline written for the fiscal year, in Thai."""
        deadline = thai_date_text(self.annual_report.deadline(fiscal_year))
        return criterion.text.replace(DEADLINE_MARK, deadline)


class ConfigRefused(ValueError):
    """The configuration file is broken; the message names each broken entry, in Thai."""


def parse_config(text: str, *, source: str = "model_subdistrict.toml") -> ModelSubdistrictConfig:
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigRefused(f"{source}: รูปแบบ TOML ไม่ถูกต้อง ({exc})") from None
    try:
        return ModelSubdistrictConfig.model_validate(raw)
    except ValidationError as exc:
        raise ConfigRefused(
            f"{source}: {'; '.join(_describe(raw, e) for e in exc.errors())}"
        ) from None


def _describe(raw: dict[str, Any], error: Any) -> str:
    """One error named by where it is: "criteria[3] (existing-6-x).level: ..."."""
    where = []
    node: Any = raw
    for part in error["loc"]:
        if isinstance(part, int):
            node = node[part] if isinstance(node, list) and part < len(node) else None
            key = node.get("key") if isinstance(node, dict) else None
            where.append(f"[{part + 1}]" + (f" ({key})" if key else ""))
        else:
            where.append(("." if where else "") + str(part))
            node = node.get(part) if isinstance(node, dict) else None
    message = str(error["msg"]).removeprefix("Value error, ")
    if error["type"] == "missing":
        message = "ไม่มีค่านี้"
    elif error["type"] == "extra_forbidden":
        message = "ไม่รู้จักค่านี้"
    elif error["type"] in ("literal_error", "enum"):
        message = f"ค่าไม่อยู่ในรายการที่กำหนด ({error['msg']})"
    return f"{''.join(where) or 'ไฟล์'}: {message}"


def load_config(path: Path = CONFIG_FILE) -> ModelSubdistrictConfig:
    return parse_config(path.read_text(encoding="utf-8"), source=path.name)


@cache
def default_config() -> ModelSubdistrictConfig:
    """The shipped configuration, read once per process."""
    return load_config()
