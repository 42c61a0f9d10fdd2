"""What the reporter sends, and the officers' decision forms. The decision forms carry no free
text: the engine keeps decisions readable, so reasons and findings go into the report's sealed
messages (``domain.integrity.handling``) and the step records only the outcome."""

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from domain.engine.forms import DecisionForm
from domain.integrity.receipts import MIN_PASSPHRASE
from models.integrity import ActionStage
from models.steps import Outcome

EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
ASSESS_FORM = "integrity-assessment"
DECIDE_FORM = "integrity-decision"
NO_COMMENT = (
    "ช่องความเห็นของขั้นตอนนี้ไม่เข้ารหัส จึงไม่รับข้อความ "
    "กรุณาบันทึกเหตุผลในหน้าเรื่องร้องเรียนการทุจริต (ข้อความจะถูกเข้ารหัส)"
)


class _Sealed(DecisionForm):
    @field_validator("comment")
    @classmethod
    def _no_comment(cls, value: str) -> str:
        if value.strip():
            raise ValueError(NO_COMMENT)
        return ""


class AssessmentForm(_Sealed):
    """รับเรื่องไว้ตรวจสอบ (receive) or ไม่รับไว้พิจารณา (decline)."""

    outcome: Literal[Outcome.receive, Outcome.decline]  # type: ignore[assignment]


class DecisionOfReport(_Sealed):
    """มีมูล (substantiated, with the stage of action) or ไม่มีมูล (unsubstantiated)."""

    outcome: Literal[Outcome.substantiated, Outcome.unsubstantiated]  # type: ignore[assignment]
    action_stage: ActionStage | None = Field(default=None, description="ขั้นตอนการดำเนินการ")

    @model_validator(mode="after")
    def _stage_when_substantiated(self) -> "DecisionOfReport":
        if self.outcome == Outcome.substantiated and self.action_stage is None:
            raise ValueError("เรื่องที่มีมูลต้องระบุขั้นตอนการดำเนินการทางวินัยหรือทางกฎหมาย")
        if self.outcome == Outcome.unsubstantiated and self.action_stage is not None:
            raise ValueError("เรื่องที่ไม่มีมูลไม่ต้องระบุขั้นตอนการดำเนินการ")
        return self


FORMS: dict[str, type[DecisionForm]] = {ASSESS_FORM: AssessmentForm, DECIDE_FORM: DecisionOfReport}


class Identity(BaseModel):
    """Who the reporter is, if they choose to say (sealed; never required)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=2, max_length=200, description="ชื่อ-นามสกุล")
    phone: str | None = Field(default=None, max_length=32, description="โทรศัพท์")
    email: str | None = Field(default=None, max_length=200, description="อีเมล")
    staff: bool = Field(default=False, description="เป็นบุคลากรของเทศบาล")

    @field_validator("email")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        if value and not EMAIL.fullmatch(value):
            raise ValueError("อีเมลไม่ถูกต้อง")
        return value or None


class NewReport(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    subject: str = Field(min_length=3, max_length=200, description="เรื่อง")
    text: str = Field(min_length=10, max_length=20000, description="รายละเอียด")
    identity: Identity | None = Field(default=None, description="ข้อมูลผู้ร้อง (ไม่บังคับ)")
    passphrase: str | None = Field(
        default=None, max_length=200, description="รหัสผ่านสำหรับติดตามเรื่อง (ไม่ระบุ: ระบบสร้างให้)"
    )

    @field_validator("passphrase")
    @classmethod
    def _long_enough(cls, value: str | None) -> str | None:
        if value is not None and not value.strip():
            return None
        if value is not None and len(value.strip()) < MIN_PASSPHRASE:
            raise ValueError(f"รหัสผ่านต้องยาวอย่างน้อย {MIN_PASSPHRASE} ตัวอักษร")
        return value


class Reply(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    text: str = Field(min_length=1, max_length=20000, description="ข้อความ")


FIELD_TITLES = {
    "subject": "เรื่อง",
    "text": "รายละเอียด",
    "name": "ชื่อ-นามสกุล",
    "phone": "โทรศัพท์",
    "email": "อีเมล",
    "passphrase": "รหัสผ่าน",
    "action_stage": "ขั้นตอนการดำเนินการ",
}
