"""The memo that climbs the approval chain, as a Prefect flow (the foundation's demo)."""

from prefect import flow

from core.db import session_scope
from flows.common import follow_case
from models.memo import Memo


@flow(name="memo-approval", log_prints=True)
async def memo_approval(memo_id: int) -> str:
    """Follow memo ``memo_id`` up its chain, suspended while each level decides."""
    await follow_case("memo", memo_id)
    with session_scope() as session:
        memo = session.get(Memo, memo_id)
        return memo.status if memo else "missing"
