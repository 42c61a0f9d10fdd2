"""Typed decision forms. A step names its form; the API validates against it before anything
moves, and the flow waits on the same class as its Prefect run input."""

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from models.steps import Outcome


class DecisionForm(BaseModel):
    """What every decision carries: the outcome and a comment (ความเห็น)."""

    model_config = ConfigDict(extra="forbid")

    outcome: Outcome = Field(description="approve / reject / return / acknowledge")
    comment: str = Field(default="", max_length=4000, description="ความเห็นประกอบการพิจารณา")

    def step_fields(self) -> dict[str, Any]:
        """The step's own fields, i.e. everything beyond outcome and comment."""
        return self.model_dump(mode="json", exclude={"outcome", "comment"})


class ChainDecisionForm(DecisionForm):
    """A level of an approval chain; sending back names the level that must revise."""

    return_to: str | None = Field(
        default=None, max_length=60, description="Level key to send back to, or 'originator'"
    )

    @model_validator(mode="after")
    def _return_needs_target(self) -> "ChainDecisionForm":
        if self.outcome == Outcome.return_for_revision and not self.return_to:
            raise ValueError("ส่งกลับแก้ไขต้องระบุระดับที่จะส่งกลับ (return_to)")
        if self.outcome != Outcome.return_for_revision and self.return_to:
            raise ValueError("ระบุ return_to ได้เฉพาะเมื่อส่งกลับแก้ไข")
        return self


ENGINE_FORMS: dict[str, type[DecisionForm]] = {
    "decision": DecisionForm,
    "chain-decision": ChainDecisionForm,
}
"""The engine's own forms; workflows bring theirs in ``Workflow.forms``."""
