"""Adapters to the outside world: SMTP mail, the Prefect orchestrator, LINE."""
