"""What an assessor sends: the questionnaire (config/screening/questionnaire.toml, configuration)
and the assessment's own fields, checked with Thai errors that name the question or field."""

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from core.settings import PROJECT_ROOT
from domain.engine.forms import thai_errors
from domain.errors import InvalidInput
from domain.screening.programmes import programmes
from models.screening_assessment import ProblemArea

QUESTIONNAIRE_FILE = PROJECT_ROOT / "config" / "screening" / "questionnaire.toml"
QUESTION_TYPES = ("choice", "yesno", "number", "text")
MAX_PHOTOS = 6
MAX_PHOTO_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True)
class Question:
    key: str
    text: str
    type: str
    options: tuple[tuple[str, str], ...] = ()
    required: bool = True
    min: float | None = None
    max: float | None = None


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class Questionnaire:
    key: str
    title: str
    sections: tuple[Section, ...]

    @property
    def questions(self) -> list[Question]:
        return [q for s in self.sections for q in s.questions]

    def check(self, answers: dict[str, Any]) -> dict[str, Any]:
        """The answers as stored; InvalidInput names every wrong or missing question."""
        known = {q.key: q for q in self.questions}
        problems = [f"แบบสอบถามไม่มีข้อ {k}" for k in answers if k not in known]
        clean: dict[str, Any] = {}
        for q in self.questions:
            value = answers.get(q.key)
            if value is None or value == "":
                if q.required:
                    problems.append(f"กรุณาตอบข้อ “{q.text}”")
                continue
            try:
                clean[q.key] = _answer(q, value)
            except ValueError as exc:
                problems.append(f"ข้อ “{q.text}”: {exc}")
        if problems:
            raise InvalidInput("แบบสอบถามไม่ครบถ้วนหรือไม่ถูกต้อง: " + "; ".join(problems))
        return clean


def _answer(q: Question, value: Any) -> Any:
    if q.type == "choice":
        if str(value) not in dict(q.options):
            raise ValueError("ตัวเลือกไม่ถูกต้อง")
        return str(value)
    if q.type == "yesno":
        if isinstance(value, bool):
            return value
        if str(value) in ("yes", "true", "1", "on"):
            return True
        if str(value) in ("no", "false", "0"):
            return False
        raise ValueError("ตอบได้เฉพาะ ใช่ หรือ ไม่ใช่")
    if q.type == "number":
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise ValueError("ต้องเป็นตัวเลข") from None
        if (q.min is not None and number < q.min) or (q.max is not None and number > q.max):
            raise ValueError(f"ต้องอยู่ระหว่าง {q.min:g} ถึง {q.max:g}")
        return int(number) if number.is_integer() else number
    text = str(value).strip()
    if len(text) > 2000:
        raise ValueError("ยาวเกินไป (ไม่เกิน 2,000 ตัวอักษร)")
    return text


def load_questionnaire(path: Path) -> Questionnaire:
    with path.open("rb") as f:
        data = tomllib.load(f)
    sections = []
    for s in data["sections"]:
        questions = []
        for q in s["questions"]:
            if q["type"] not in QUESTION_TYPES:
                raise ValueError(f"{path.name}: ข้อ {q['key']}: ไม่รู้จักชนิด {q['type']}")
            questions.append(
                Question(
                    key=q["key"],
                    text=q["text"],
                    type=q["type"],
                    options=tuple((o["value"], o["label"]) for o in q.get("options", ())),
                    required=q.get("required", True),
                    min=q.get("min"),
                    max=q.get("max"),
                )
            )
        sections.append(Section(s["key"], s["title"], tuple(questions)))
    return Questionnaire(data["key"], data["title"], tuple(sections))


@cache
def questionnaire() -> Questionnaire:
    return load_questionnaire(QUESTIONNAIRE_FILE)


FIELD_TITLES = {
    "answers": "แบบสอบถาม",
    "household_members": "จำนวนสมาชิกในครัวเรือน",
    "household_income_baht": "รายได้ครัวเรือนต่อเดือน (บาท)",
    "problems": "ปัญหาที่พบ",
    "eligible": "ข้อเสนอ (ผ่าน/ไม่ผ่านเกณฑ์)",
    "complexity": "กลุ่มความซับซ้อนของปัญหา",
    "summary": "ผลการวิเคราะห์",
}


class AssessmentInput(BaseModel):
    """One assessment as an assessor sends it (money in baht with satang as decimals)."""

    model_config = ConfigDict(extra="forbid")

    answers: dict[str, Any] = Field(default_factory=dict)
    household_members: int | None = Field(default=None, ge=1, le=50)
    household_income_baht: float = Field(ge=0, le=10_000_000)
    problems: dict[ProblemArea, str] = Field(default_factory=dict)
    eligible: bool
    complexity: str
    summary: str = Field(default="", max_length=4000)

    @field_validator("complexity")
    @classmethod
    def _known_group(cls, value: str) -> str:
        if value not in dict(programmes().complexity_groups):
            raise ValueError("กลุ่มความซับซ้อนของปัญหาไม่ถูกต้อง")
        return value

    @field_validator("problems")
    @classmethod
    def _short_notes(cls, value: dict[ProblemArea, str]) -> dict[ProblemArea, str]:
        if any(len(note) > 1000 for note in value.values()):
            raise ValueError("รายละเอียดปัญหาแต่ละด้านยาวไม่เกิน 1,000 ตัวอักษร")
        return value

    @property
    def income_satang(self) -> int:
        return round(self.household_income_baht * 100)


def parse_assessment(data: AssessmentInput | dict[str, Any]) -> AssessmentInput:
    if isinstance(data, AssessmentInput):
        return data
    try:
        return AssessmentInput.model_validate(data)
    except ValidationError as exc:
        errors = thai_errors(exc, FIELD_TITLES)
        raise InvalidInput(
            "ผลการประเมินไม่ครบถ้วนหรือไม่ถูกต้อง: " + "; ".join(e["message"] for e in errors),
            errors=errors,
        ) from None
