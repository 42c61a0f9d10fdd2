"""PDCA, the Plan (P): the anti-corruption action plan (แผนปฏิบัติการป้องกันการทุจริตเพื่อยกระดับ
คุณธรรมและความโปร่งใส, 2566–2570). Imported from the Strategy and Budget division's files as a
version (differences in the source reported), reviewed by the working committee and taken up
the chain to the mayor (config/chains.toml [pdca-plan]), whose approval announces and publishes
it; then entered in the national system E-PlanNACC by its deadline, a tracked step with the
file to upload. A revision is a new version; the one it replaces keeps its approval."""

from domain.engine.registry import Workflow
from domain.pdca.forms import FORMS
from domain.pdca.rules import CASE_TYPE, audience, chain_of, is_finished, on_step_closed

EVENT_TITLES = {
    "pdca_plan_imported": "นำเข้าแผน",
    "pdca_plan_reimported": "นำเข้าไฟล์แผนที่แก้ไขแล้ว",
    "pdca_plan_revised": "จัดทำฉบับปรับปรุง",
    "pdca_plan_discarded": "ยกเลิกร่าง (มีฉบับใหม่แทน)",
    "pdca_plan_submitted": "เสนอแผนเพื่อพิจารณา",
    "pdca_plan_returned": "ส่งกลับแก้ไข",
    "pdca_plan_resubmitted": "เสนอแผนอีกครั้ง",
    "pdca_plan_approved": "อนุมัติและประกาศใช้แผน",
    "pdca_plan_rejected": "ไม่อนุมัติแผน",
    "pdca_plan_withdrawn": "ผู้เสนอถอนเรื่อง",
    "pdca_plan_superseded": "ถูกแทนที่ด้วยฉบับปรับปรุง",
    "pdca_enacc_due": "กำหนดบันทึกแผนในระบบ E-PlanNACC",
    "pdca_enacc_recorded": "บันทึกแผนในระบบ E-PlanNACC แล้ว",
}

WORKFLOW = Workflow(
    case_type=CASE_TYPE,
    title="แผนปฏิบัติการป้องกันการทุจริต",
    deployment="pdca-plan-approval/pdca-plan-approval",
    on_step_closed=on_step_closed,
    is_finished=is_finished,
    audience=audience,
    forms=FORMS,
    event_titles=EVENT_TITLES,
    chain_of=chain_of,
)
