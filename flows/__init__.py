"""Prefect flows: each case's flow follows it in the database; sweeps run on schedules."""
