"""Typed decision forms. A step names its form; the API validates against it before anything
moves, and the flow waits on the same class as its Prefect run input."""

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

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


def thai_errors(
    exc: ValidationError, labels: Mapping[str, str] | None = None
) -> list[dict[str, str]]:
    """Pydantic's errors as officers and citizens read them: ``{"field", "message"}`` in Thai.
    ``labels`` names fields (by dotted path or last part); our own validators already speak
    Thai. The one translator of the API, the pages and the workflows."""
    labels = labels or {}
    found = []
    for err in exc.errors():
        path = ".".join(str(p) for p in err["loc"])
        names = [str(p) for p in err["loc"] if not isinstance(p, int)]
        last = names[-1] if names else ""
        label = labels.get(path) or labels.get(last) or last or "ข้อมูล"
        found.append({"field": path, "message": _thai_message(err, label, last)})
    return found or [{"field": "", "message": "ข้อมูลในแบบฟอร์มไม่ถูกต้อง"}]


def _thai_message(err: Any, label: str, last: str) -> str:
    kind, ctx = err["type"], err.get("ctx") or {}
    if kind == "value_error":
        return str(ctx.get("error") or err["msg"]).removeprefix("Value error, ")
    if kind == "missing":
        return f"กรุณาระบุ{' ' if label.isascii() else ''}{label}"
    if kind in ("enum", "literal_error"):
        return f"{label}: ตัวเลือกไม่ถูกต้อง"
    if kind == "string_too_short":
        return f"{label}: สั้นเกินไป (อย่างน้อย {ctx.get('min_length')} ตัวอักษร)"
    if kind == "string_too_long":
        return f"{label}: ยาวเกินไป (ไม่เกิน {ctx.get('max_length')} ตัวอักษร)"
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        if last in ("latitude", "longitude"):
            return "พิกัดไม่ถูกต้อง: ละติจูดต้องอยู่ระหว่าง -90 ถึง 90 และลองจิจูดระหว่าง -180 ถึง 180"
        return f"{label}: อยู่นอกช่วงที่กำหนด"
    if kind == "extra_forbidden":
        return f"แบบฟอร์มนี้ไม่มีช่อง {label}"
    return f"{label}: รูปแบบไม่ถูกต้อง"
