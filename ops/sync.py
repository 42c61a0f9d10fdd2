"""Run the reconcile sweep once, now: start the flow runs that cases asked for, resume runs
whose step was decided, restart lost ones. `make run` calls it after seeding."""

import asyncio

from adapters.orchestrator import Orchestrator
from core.db import get_engine
from domain.engine.registry import installed


def main() -> None:
    installed()
    report = asyncio.run(Orchestrator(get_engine()).reconcile())
    print(f"reconcile: {report}")


if __name__ == "__main__":
    main()
