"""The sealed channel for corruption and misconduct reports (ช่องทางร้องเรียนการทุจริตและ
ประพฤติมิชอบ; seed 004, projects 55 and 56), apart from general complaints. Reporters file with
no account, anonymously or not, and follow with a receipt code and passphrase; what they write
is sealed at rest; only the named officers read it (every read logged), not the complaint
centre, the divisions or the executives, who receive the result without the reporter's
identity. The public sees the manual and statistics with small counts suppressed."""

from domain.engine.registry import Workflow
from domain.integrity.forms import FORMS
from domain.integrity.rules import CASE_TYPE, audience, is_finished, on_step_closed

EVENT_TITLES = {
    "integrity_received": "รับเรื่องร้องเรียนการทุจริต",
    "integrity_status": "เปลี่ยนสถานะเรื่องร้องเรียนการทุจริต",
}

WORKFLOW = Workflow(
    case_type=CASE_TYPE,
    title="เรื่องร้องเรียนการทุจริตและประพฤติมิชอบ",
    deployment="integrity-report/integrity-report",
    on_step_closed=on_step_closed,
    is_finished=is_finished,
    audience=audience,
    forms=FORMS,
    event_titles=EVENT_TITLES,
    sealed=True,
)
