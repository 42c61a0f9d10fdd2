"""Run the reconcile sweep once, now: start the flow runs that cases asked for, resume runs
whose step was decided, restart lost ones. `make run` calls it after seeding."""

import asyncio
from datetime import timedelta

from adapters.orchestrator import Orchestrator
from core.db import get_engine
from domain.engine.registry import installed


def main() -> None:
    installed()
    # Every run asked for is started now, however new: no API queue asked for these (seeded
    # demo cases, cases written while the API was down).
    report = asyncio.run(Orchestrator(get_engine()).reconcile(new_case_grace=timedelta(0)))
    print(f"reconcile: {report}")


if __name__ == "__main__":
    main()
