"""The steering committee's form on a carry-over step: carry the project into the next fiscal
year (``carry_over``, with the next year's budget) or drop it (``drop``); either way with a
reason."""

from pydantic import Field, model_validator

from domain.engine.forms import DecisionForm
from models.steps import Outcome

CARRY_OVER_FORM = "pdca-carry-over"


class CarryOverForm(DecisionForm):
    """The comment is the reason."""

    budget_baht: int | None = Field(
        default=None,
        ge=0,
        le=10_000_000_000,
        description="งบประมาณปีถัดไป (บาท) เมื่อยกไป (เว้นว่าง: ตามที่เสนอ)",
    )

    @model_validator(mode="after")
    def _reason_and_budget(self) -> "CarryOverForm":
        if not self.comment.strip():
            raise ValueError("กรุณาระบุเหตุผลประกอบการพิจารณา (ยกไปหรือไม่ยกไปเพราะเหตุใด)")
        if self.budget_baht is not None and self.outcome != Outcome.carry_over:
            raise ValueError("ระบุงบประมาณปีถัดไปได้เฉพาะเมื่อยกไปดำเนินการในปีถัดไป")
        return self


ACT_FORMS = {CARRY_OVER_FORM: CarryOverForm}
