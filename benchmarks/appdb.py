"""A fresh application database for in-process benchmarks: migrated by Alembic (as the start
command does), with the demo organisation and declared holidays."""

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session

import domain.memo  # noqa: F401  (registers the memo workflow)
import models  # noqa: F401  (registers every table)
from core.db import make_engine
from core.settings import PROJECT_ROOT
from models.people import User
from ops.seed import seed_declared_holidays, seed_organisation


def fresh_database(directory: Path) -> tuple[Engine, str, dict[str, User]]:
    url = f"sqlite:///{directory / 'app.db'}"
    env = dict(os.environ, KKM_DATABASE_URL=url, PYTHONPATH=str(PROJECT_ROOT))
    subprocess.run(
        [sys.executable, "-m", "alembic", "upgrade", "head"],
        cwd=PROJECT_ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=300,
    )
    engine = make_engine(url)
    with Session(engine, expire_on_commit=False) as session:
        seed_declared_holidays(session)
        users = seed_organisation(session)
        session.commit()
    return engine, url, users
