"""Welfare screening, "คนขอนแก่นไม่ทอดทิ้งกัน" (seed 000): a round (case type
``screening-round``) collects nominations of people from every source, assesses them twice,
reconciles, has the executive committee certify the list, tells every candidate, grants
benefits and follows up. This package holds the round's foundation (people, households,
nominations, duplicates, imports, protected reads); each later stage is its own module and
registers its step kinds in ``domain.screening.workflow.STEP_HANDLERS``."""

from domain.engine.registry import Workflow
from domain.screening.states import CASE_TYPE
from domain.screening.workflow import audience, is_finished, on_step_closed

EVENT_TITLES = {
    "screening_round_opened": "เปิดรอบการคัดกรอง",
    "screening_nominations_added": "เพิ่มรายชื่อผู้ได้รับการเสนอชื่อ",
    "screening_nominations_imported": "นำเข้ารายชื่อจากไฟล์",
    "screening_persons_merged": "รวมรายชื่อซ้ำ",
    "screening_candidate_nominated": "ได้รับการเสนอชื่อ",
    "screening_candidate_assessing": "เริ่มประเมินครั้งที่ 1",
    "screening_candidate_reassessing": "เริ่มประเมินครั้งที่ 2",
    "screening_candidate_joint_survey": "ส่งสำรวจร่วม",
    "screening_candidate_confirmed": "ผ่านการคัดกรอง",
    "screening_candidate_not_eligible": "ไม่ผ่านการคัดกรอง",
    "screening_candidate_certified": "คณะผู้บริหารรับรอง",
    "screening_candidate_excluded": "คณะผู้บริหารไม่รับรอง",
    "screening_candidate_withdrawn": "ถอนชื่อ",
    "screening_candidate_merged": "รวมกับรายชื่อซ้ำ",
    "screening_letters_issued": "ออกหนังสือแจ้งผล",
    "screening_letters_printed": "พิมพ์หนังสือแจ้งผล",
    "screening_budget_set": "ตั้งงบประมาณสิทธิประโยชน์",
    "screening_benefits_assigned": "จัดสิทธิประโยชน์",
    "screening_followup_scheduled": "จัดตารางเยี่ยมบ้าน",
    "screening_visit_recorded": "บันทึกผลการเยี่ยมบ้าน",
}

WORKFLOW = Workflow(
    case_type=CASE_TYPE,
    title="รอบการคัดกรองผู้รับโอกาส",
    deployment="screening-round/screening-round",
    on_step_closed=on_step_closed,
    is_finished=is_finished,
    audience=audience,
    event_titles=EVENT_TITLES,
)
