"""The baseline's unit of work for B3: a flow run that does nothing, started per decision."""

from prefect import flow


@flow(name="bench-trivial")
async def trivial(n: int = 0) -> int:
    """Return ``n``: all the cost is Prefect's (schedule, pick up, start a process, report)."""
    return n
