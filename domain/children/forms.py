"""The decision forms of the Application Care path. They carry no free text: the engine's
decisions and audit are read by the case's audience without the read log, so what was found
(medical findings, the home, the conference, each follow-up) goes into the case's protected
entries (``domain.children.path``) and the step records only its outcome and choices."""

from typing import Literal

from pydantic import Field, field_validator

from domain.engine.forms import DecisionForm
from models.steps import Outcome

MEDICAL_FORM = "child-medical"
HOME_VISIT_FORM = "child-home-visit"
CONFERENCE_FORM = "child-conference"
PLAN_FORM = "child-plan"
FOLLOW_UP_FORM = "child-follow-up"

NO_COMMENT = (
    "ขั้นตอนของกรณีดูแลเด็กไม่รับข้อความในช่องความเห็น กรุณาบันทึกผลในหน้ากรณีดูแลเด็ก (ข้อมูลคุ้มครองและบันทึกการเข้าถึง)"
)


class _Protected(DecisionForm):
    @field_validator("comment")
    @classmethod
    def _no_comment(cls, value: str) -> str:
        if value.strip():
            raise ValueError(NO_COMMENT)
        return ""


class MedicalAssessmentForm(_Protected):
    """ตรวจประเมินแล้ว; whether the child is sent on to a hospital."""

    outcome: Literal[Outcome.acknowledge]  # type: ignore[assignment]
    refer_to_hospital: bool = Field(default=False, description="ส่งต่อโรงพยาบาล")


class HomeVisitForm(_Protected):
    """เยี่ยมบ้านแล้ว; whether a case conference is needed (the reason to skip it is an
    entry of the case)."""

    outcome: Literal[Outcome.acknowledge]  # type: ignore[assignment]
    conference_needed: bool = Field(description="ต้องประชุมรายกรณี")


class ConferenceForm(_Protected):
    outcome: Literal[Outcome.acknowledge]  # type: ignore[assignment]


class PlanForm(_Protected):
    """เห็นชอบแผนการดูแล: the plan's actions are on the case."""

    outcome: Literal[Outcome.approve]  # type: ignore[assignment]


class FollowUpForm(_Protected):
    """ติดตามต่อ (acknowledge: the next follow-up is scheduled) or ปิดกรณี (close)."""

    outcome: Literal[Outcome.acknowledge, Outcome.close]  # type: ignore[assignment]


FORMS: dict[str, type[DecisionForm]] = {
    MEDICAL_FORM: MedicalAssessmentForm,
    HOME_VISIT_FORM: HomeVisitForm,
    CONFERENCE_FORM: ConferenceForm,
    PLAN_FORM: PlanForm,
    FOLLOW_UP_FORM: FollowUpForm,
}
