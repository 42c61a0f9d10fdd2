"""Adapters to the outside world: SMTP mail and the Prefect orchestrator."""
