"""PDCA for the anti-corruption action plan (แผนปฏิบัติการป้องกันการทุจริตเพื่อยกระดับคุณธรรม
และความโปร่งใส, 2566–2570), two kinds of case on the engine.

The Plan (P), case type ``pdca-plan``: imported from the Strategy and Budget division's files as
a version (differences in the source reported), reviewed by the working committee and taken up
the chain to the mayor (config/chains.toml [pdca-plan]), whose approval announces and publishes
it; then entered in the national system E-PlanNACC by its deadline, a tracked step with the
file to upload. A revision is a new version; the one it replaces keeps its approval.

The Do (D), case type ``pdca-round``: a reporting round (6 or 12 months) of the approved plan's
fiscal year, opened by the schedule or Strategy and Budget; each division reports its projects
and its director approves the report (config/chains.toml [pdca-round]); divisions late with
their report are chased (config/pdca/rounds.toml)."""

from domain.engine.registry import Workflow
from domain.pdca import model_subdistrict, rounds
from domain.pdca.act import EVENT_TITLES as ACT_EVENT_TITLES
from domain.pdca.act_forms import ACT_FORMS
from domain.pdca.consolidate_forms import REPORT_FORMS
from domain.pdca.consolidate_rules import EVENT_TITLES as REPORT_EVENT_TITLES
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

ROUND_EVENT_TITLES = {
    "pdca_round_opened": "เปิดรอบการรายงานผล",
    "pdca_round_submitted": "กองส่งรายงานผล",
    "pdca_round_returned": "ผู้อำนวยการกองส่งกลับให้แก้ไข",
    "pdca_round_approved": "ผู้อำนวยการกองเห็นชอบรายงานผล",
    "pdca_round_complete": "ทุกกองรายงานผลครบและได้รับความเห็นชอบแล้ว",
    "pdca_round_follow_up": "ติดตามการรายงานผล",
    "pdca_round_first_notice": "แจ้งเตือนครั้งที่ 1",
    "pdca_round_second_notice": "แจ้งเตือนครั้งที่ 2",
    "pdca_round_mayor": "รายงานนายกเทศมนตรีและบรรจุวาระการประชุมติดตามงาน",
    "pdca_round_results_imported": "นำเข้าผลการดำเนินงานจากไฟล์ (ร่างของกอง)",
    "pdca_round_history_imported": "นำเข้ารายงานผลย้อนหลัง (รอบที่ปิดแล้ว)",
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

ROUND_WORKFLOW = Workflow(
    case_type=rounds.CASE_TYPE,
    title="รอบการรายงานผลตามแผนป้องกันการทุจริต",
    deployment="pdca-round/pdca-round",
    on_step_closed=rounds.on_step_closed,
    is_finished=rounds.is_finished,
    audience=rounds.audience,
    event_titles=ROUND_EVENT_TITLES | REPORT_EVENT_TITLES | ACT_EVENT_TITLES,
    chain_of=rounds.chain_of,
    forms=REPORT_FORMS | ACT_FORMS,
)

WORKFLOWS = (WORKFLOW, ROUND_WORKFLOW, model_subdistrict.WORKFLOW)
"""The plan's (``WORKFLOW``, as the plan slice named it), the rounds' and the model
sub-district's (``domain.pdca.model_subdistrict``, seed 003)."""
