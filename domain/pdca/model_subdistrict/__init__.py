"""PDCA, a second configuration on the same engine: the Ministry's model sub-district project
(โครงการตำบลต้นแบบ ห่วงใยไม่ทอดทิ้งกัน, seed 003). A sub-district of a fiscal year runs its
cycle (plan items, meetings and activities), its responsible committee assesses itself at 6
and 12 months against the two tables of seed 003 (levels 3/4/5, config/pdca/model_subdistrict
.toml) and accepts the assessment by quorum on its step; the annual report goes to the
department (level 5 at 12 months for an existing sub-district when complete by the configured
deadline, 15 September; level 4 when complete but late)."""

from domain.engine.registry import Workflow
from domain.pdca.model_subdistrict.rules import CASE_TYPE, audience, is_finished, on_step_closed

EVENT_TITLES = {
    "msd_registered": "ลงทะเบียนตำบลต้นแบบ",
    "msd_plan_item_added": "เพิ่มรายการในแผน",
    "msd_plan_item_done": "ดำเนินการตามแผนแล้ว",
    "msd_activity_recorded": "บันทึกการประชุม/กิจกรรม",
    "msd_assessment_opened": "เปิดการประเมินตนเอง",
    "msd_answers_recorded": "คณะทำงานบันทึกผลการประเมินตนเอง",
    "msd_assessment_returned": "ส่งกลับแก้ไขผลการประเมินตนเอง",
    "msd_assessment_accepted": "คณะทำงานรับรองผลการประเมินตนเอง",
    "msd_report_saved": "บันทึกรายงานผลการดำเนินงานประจำปี",
    "msd_report_submitted": "ส่งรายงานผลการดำเนินงานประจำปีถึงกองฯ",
}

WORKFLOW = Workflow(
    case_type=CASE_TYPE,
    title="โครงการตำบลต้นแบบ ห่วงใยไม่ทอดทิ้งกัน",
    deployment=None,
    on_step_closed=on_step_closed,
    is_finished=is_finished,
    audience=audience,
    event_titles=EVENT_TITLES,
)
"""No flow run: a sub-district's only human step (the committee's self-assessment, at 6 and
at 12 months) is decided on the engine's step page and applied in the same transaction, and
nothing automatic happens between (the engine's deadline sweep still reminds the committee)."""
