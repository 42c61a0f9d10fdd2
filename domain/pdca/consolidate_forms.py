"""The consolidated report's own decision form: Strategy and Budget (กย.) submits the report
with its problems and suggestions (the chain's levels use the engine's ``chain-decision``)."""

from pydantic import Field, model_validator

from domain.engine.forms import DecisionForm
from models.steps import Outcome

SUBMISSION_FORM = "pdca-report-submission"
TEXT_LIMIT = 8000


class ReportSubmissionForm(DecisionForm):
    """เสนอรายงานสรุปผลการดำเนินงาน: the text กย. writes; blank keeps what was saved."""

    problems: str = Field(default="", max_length=TEXT_LIMIT, description="ปัญหาและอุปสรรค")
    suggestions: str = Field(default="", max_length=TEXT_LIMIT, description="ข้อเสนอแนะ")

    @model_validator(mode="after")
    def _submit_only(self) -> "ReportSubmissionForm":
        if self.outcome != Outcome.approve:
            raise ValueError("ขั้นตอนนี้มีเพียงการเสนอรายงาน (approve)")
        return self


REPORT_FORMS = {SUBMISSION_FORM: ReportSubmissionForm}
