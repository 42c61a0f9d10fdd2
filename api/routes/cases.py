"""A case's timeline: the audit chain, checked as it is read."""

from fastapi import APIRouter

from api.deps import CurrentUser, PathId, SessionDep
from api.schemas import Timeline, TimelineEntry
from domain.engine import audit
from domain.engine.registry import workflow_for
from domain.engine.visibility import can_view
from domain.errors import NotEntitled

router = APIRouter(prefix="/api", tags=["cases"])


@router.get("/cases/{case_type}/{case_id}/timeline", response_model=Timeline)
def timeline(case_type: str, case_id: PathId, user: CurrentUser, session: SessionDep) -> Timeline:
    workflow_for(case_type)  # 404 for an unknown case type
    if not can_view(session, user=user, case_type=case_type, case_id=case_id):
        raise NotEntitled("ท่านไม่มีสิทธิ์ดูเรื่องนี้")
    entries = audit.timeline(session, case_type=case_type, case_id=case_id)
    check = audit.verify(entries)
    return Timeline(
        case_type=case_type,
        case_id=case_id,
        chain_valid=check.valid,
        first_bad_seq=check.first_bad_seq,
        entries=[TimelineEntry.model_validate(e, from_attributes=True) for e in entries],
    )
