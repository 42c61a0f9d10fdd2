"""At-risk children (seeds 001 and 002, DOMAIN.md §3): teachers of the municipal schools
screen pupils with a pluggable instrument (the SDQ first); a pupil screened at risk or with a
problem gets a child-care case (case type ``child-care``) owned by a core person (the 5C
model), on the Application Care path: medical assessment in school, home visit, case
conference where needed, care plan, follow-up on a schedule. A child's risk label and case
are protected (``domain.children.protection``, every read logged); the workflow is sealed, so
the executives read counts only. Parents are reached by notices (LINE or e-mail)."""

from domain.children.forms import FORMS
from domain.children.path import is_finished, on_step_closed
from domain.children.protection import audience
from domain.children.referral_workflow import REFERRAL_WORKFLOW
from domain.children.states import CASE_TYPE, DEPLOYMENT
from domain.engine.registry import Workflow

EVENT_TITLES = {
    "child_case_opened": "เปิดกรณีดูแลเด็ก (คัดกรองพบความเสี่ยง)",
    "child_case_home_visit": "ส่งต่อการเยี่ยมบ้าน",
    "child_case_case_conference": "ส่งประชุมรายกรณี",
    "child_case_care_plan": "จัดทำแผนการดูแล",
    "child_case_follow_up": "เริ่มติดตามผลตามแผน",
    "child_case_closed": "ปิดกรณีดูแลเด็ก",
    "child_case_entry": "บันทึกผลการดูแล",
    "child_plan_action_added": "เพิ่มกิจกรรมในแผนการดูแล",
    "child_plan_action_updated": "ปรับสถานะกิจกรรมในแผนการดูแล",
    "child_screening_recorded": "บันทึกผลการคัดกรองนักเรียน",
    "child_case_core_person_changed": "เปลี่ยนผู้รับผิดชอบหลัก",
    "child_case_closed_early": "ปิดกรณีก่อนครบขั้นตอน",
}

CHILD_CARE = Workflow(
    case_type=CASE_TYPE,
    title="กรณีดูแลเด็กกลุ่มเสี่ยง",
    deployment=DEPLOYMENT,
    on_step_closed=on_step_closed,
    is_finished=is_finished,
    audience=audience,
    forms=FORMS,
    event_titles=EVENT_TITLES,
    sealed=True,
)

WORKFLOWS = (CHILD_CARE, REFERRAL_WORKFLOW)
"""One ``Workflow`` per case type of the package; others (referrals) join this tuple."""
