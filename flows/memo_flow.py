"""The memo that climbs its approval chain, as a Prefect flow."""

from prefect import flow
from sqlmodel import Session

from core.db import get_engine
from domain.engine.chains import LEVEL_STEP, REVISION_STEP
from domain.memo.rules import CASE_TYPE
from flows.common import CASE_FLOW_RETRIES, follow_case, follow_stage
from models.memo import Memo


@flow(name="memo-approval", log_prints=True, **CASE_FLOW_RETRIES)
async def memo_approval(memo_id: int) -> str:
    """Follow memo ``memo_id`` up its chain (config/chains.toml), suspended while each level
    decides; a send-back to the author waits on the revision, then climbs again."""
    await follow_stage(
        CASE_TYPE, memo_id, stage="พิจารณาตามสายการอนุมัติ", kinds={LEVEL_STEP, REVISION_STEP}
    )
    await follow_case(CASE_TYPE, memo_id)
    with Session(get_engine()) as session:  # a read: no writers' turn
        memo = session.get(Memo, memo_id)
        return memo.status if memo else "missing"
