"""The memo workflow (บันทึกข้อความ): a memo climbs its approval chain (config/chains.toml) level
by level through the engine's chain walk; a level approves it upward, sends it back to a named
lower level or the author (the round is counted), or rejects it. The worked example of
docs/architecture.md."""

from domain.engine.registry import Workflow
from domain.memo.rules import CASE_TYPE, audience, chain_of, is_finished, on_step_closed

EVENT_TITLES = {
    "memo_created": "เสนอบันทึกข้อความ",
    "memo_returned": "ส่งกลับแก้ไข",
    "memo_approved": "อนุมัติแล้ว",
    "memo_rejected": "ไม่อนุมัติ",
    "memo_withdrawn": "ผู้เสนอถอนเรื่อง",
}

WORKFLOW = Workflow(
    case_type=CASE_TYPE,
    title="บันทึกข้อความ",
    deployment="memo-approval/memo-approval",
    on_step_closed=on_step_closed,
    is_finished=is_finished,
    audience=audience,
    event_titles=EVENT_TITLES,
    chain_of=chain_of,
)
