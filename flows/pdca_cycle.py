"""The PDCA's daily turn (prefect.yaml ``pdca-next-cycle``, just after midnight in Bangkok): the
committees follow the appointment orders that took effect today, and on 1 October (or the first
run after it) each approved plan's next fiscal year opens, carrying the steering committee's
carry-over decisions. Both are safe to repeat; a missed day is caught up by the next run."""

from anyio import to_thread
from prefect import flow, get_run_logger

from core.db import get_engine
from core.settings import check_secret_key, get_settings
from domain.pdca.act_cycle import open_next_cycles
from domain.pdca.orders import apply_orders
from flows.common import SWEEP_RETRIES


@flow(name="pdca-next-cycle", **SWEEP_RETRIES)
async def pdca_next_cycle() -> dict[str, list[str]]:
    check_secret_key(get_settings())
    # In threads: this runs on the case worker, beside the case flows.
    applied = await to_thread.run_sync(apply_orders, get_engine())
    cycles = await to_thread.run_sync(open_next_cycles, get_engine())
    opened = [f"{series} {year}" for series, year in cycles]
    get_run_logger().info("orders now in force: %s; cycles opened: %s", applied, opened)
    return {"orders_applied": applied, "cycles_opened": opened}
