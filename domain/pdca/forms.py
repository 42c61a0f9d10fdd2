"""The plan's own decision forms: the top of the chain announces the plan; the Strategy officer
records the plan's entry in the national system (E-PlanNACC)."""

from datetime import date

from pydantic import Field, model_validator

from domain.engine.forms import ChainDecisionForm, DecisionForm
from models.steps import Outcome

TOP_LEVEL_FORM = "pdca-plan-announcement"
ENACC_FORM = "pdca-enacc-submission"


class PlanAnnouncementForm(ChainDecisionForm):
    """The mayor's level: approving the plan announces it (ประกาศใช้แผน) on ``announced_on``."""

    announced_on: date | None = Field(default=None, description="วันที่ประกาศใช้แผน (เว้นว่าง: วันที่อนุมัติ)")

    @model_validator(mode="after")
    def _announced_only_when_approved(self) -> "PlanAnnouncementForm":
        if self.announced_on is not None and self.outcome != Outcome.approve:
            raise ValueError("ระบุวันที่ประกาศใช้แผนได้เฉพาะเมื่ออนุมัติ")
        return self


class EnaccSubmissionForm(DecisionForm):
    """The plan was entered in E-PlanNACC (ระบบรายงานและติดตามผลการดำเนินงานตามแผนปฏิบัติการ
    ป้องกันการทุจริตขององค์กรปกครองส่วนท้องถิ่น) on ``submitted_on``."""

    submitted_on: date = Field(description="วันที่บันทึกแผนในระบบ E-PlanNACC")
    reference: str | None = Field(
        default=None, max_length=200, description="เลขที่อ้างอิงหรือหลักฐานการบันทึกในระบบ (ถ้ามี)"
    )


FORMS: dict[str, type[DecisionForm]] = {
    TOP_LEVEL_FORM: PlanAnnouncementForm,
    ENACC_FORM: EnaccSubmissionForm,
}
