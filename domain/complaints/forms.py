"""The decision forms of a complaint's steps (the API, the pages and Prefect's run input).

Each step's outcomes are named for what they are (route, forward, merge, resolved, obstacle,
grant, refuse, close, close_unresolved, reopen); the step's ``allowed_outcomes`` say which
apply. Older clients sent the choice as ``action``: it is still read as the outcome."""

from datetime import date
from typing import Any

from pydantic import Field, model_validator

from domain.engine.forms import DecisionForm
from models.steps import Outcome


class ComplaintForm(DecisionForm):
    """A complaint step's form; ``action`` (the field's former name) is read as ``outcome``."""

    @model_validator(mode="before")
    @classmethod
    def _action_is_outcome(cls, data: Any) -> Any:
        if isinstance(data, dict) and "action" in data:
            data = dict(data)
            action = data.pop("action")
            if data.setdefault("outcome", action) != action:
                raise ValueError("ระบุ outcome และ action ไม่ตรงกัน")
        return data

    def _text(self, value: str | None) -> bool:
        return bool(value and value.strip())


class ScreeningForm(ComplaintForm):
    """The centre's jurisdiction check: route inside, forward outside, or merge a duplicate."""

    category: str | None = Field(default=None, max_length=40, description="ประเภทเรื่อง")
    division_code: str | None = Field(
        default=None, max_length=16, description="หน่วยงานรับผิดชอบ (ค่าเริ่มต้นตามประเภท)"
    )
    agency: str | None = Field(default=None, max_length=300, description="หน่วยงานภายนอก")
    merge_into: str | None = Field(default=None, max_length=32, description="เลขที่เรื่องเดิม")

    @model_validator(mode="after")
    def _needs(self) -> "ScreeningForm":
        if self.outcome == Outcome.forward and not self._text(self.agency):
            raise ValueError("ส่งต่อหน่วยงานภายนอกต้องระบุชื่อหน่วยงาน (agency)")
        if self.outcome == Outcome.merge and not self.merge_into:
            raise ValueError("รวมเรื่องต้องระบุเลขที่เรื่องเดิม (merge_into)")
        return self


class AgencyAckForm(ComplaintForm):
    """The outside agency acknowledged the forwarded complaint (date and its reference)."""

    outcome: Outcome = Outcome.acknowledge
    acknowledged_on: date = Field(description="วันที่หน่วยงานภายนอกตอบรับ")
    agency_reference: str | None = Field(default=None, max_length=200, description="เลขที่หนังสือตอบรับ")


class ReceiptForm(ComplaintForm):
    """The division confirms it has received the complaint."""

    outcome: Outcome = Outcome.receive


class ScheduleForm(ComplaintForm):
    """The division inspected and announces when it will act."""

    outcome: Outcome = Outcome.schedule
    planned_date: date = Field(description="วันที่จะดำเนินการ")


class ResultForm(ComplaintForm):
    """The division's report: resolved (with evidence photos uploaded), or an obstacle, which
    may ask for more working days; the centre decides the obstacle."""

    result: str | None = Field(default=None, max_length=4000, description="ผลการดำเนินการ")
    obstacle: str | None = Field(default=None, max_length=4000, description="ปัญหาอุปสรรค")
    extra_working_days: int | None = Field(
        default=None, ge=1, le=120, description="ขอขยายเวลา (วันทำการ)"
    )

    @model_validator(mode="after")
    def _needs(self) -> "ResultForm":
        if self.outcome == Outcome.resolved and not self._text(self.result):
            raise ValueError("ต้องระบุผลการดำเนินการ (result)")
        if self.outcome == Outcome.obstacle and not self._text(self.obstacle):
            raise ValueError("ต้องระบุปัญหาอุปสรรค (obstacle)")
        return self


class ObstacleForm(ComplaintForm):
    """The centre on an obstacle: grant more time, refuse (carry on), or close unresolved."""

    extra_working_days: int | None = Field(
        default=None, ge=1, le=120, description="ขยายเวลา (วันทำการ)"
    )
    explanation: str | None = Field(default=None, max_length=4000, description="คำชี้แจงถึงผู้ร้อง")

    @model_validator(mode="after")
    def _needs(self) -> "ObstacleForm":
        if self.outcome == Outcome.grant and not self.extra_working_days:
            raise ValueError("ขยายเวลาต้องระบุจำนวนวันทำการ (extra_working_days)")
        if self.outcome == Outcome.close_unresolved and not self._text(self.explanation):
            raise ValueError("ยุติเรื่องต้องระบุคำชี้แจงถึงผู้ร้อง (explanation)")
        return self


class ReviewForm(ComplaintForm):
    """The centre on a low rating: back to the division, or close with an explanation."""

    explanation: str | None = Field(default=None, max_length=4000, description="คำชี้แจงถึงผู้ร้อง")

    @model_validator(mode="after")
    def _needs(self) -> "ReviewForm":
        if self.outcome != Outcome.reopen and not self._text(self.explanation):
            raise ValueError("ปิดเรื่องต้องระบุคำชี้แจงถึงผู้ร้อง (explanation)")
        return self


FORMS: dict[str, type[DecisionForm]] = {
    "complaint-screening": ScreeningForm,
    "complaint-agency-ack": AgencyAckForm,
    "complaint-receipt": ReceiptForm,
    "complaint-schedule": ScheduleForm,
    "complaint-result": ResultForm,
    "complaint-obstacle": ObstacleForm,
    "complaint-review": ReviewForm,
}
