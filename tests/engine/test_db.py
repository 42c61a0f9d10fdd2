"""Writers to one SQLite file take turns across processes (several API workers, the case
worker and the sweeps): the turn is an flock beside the database, held from BEGIN IMMEDIATE
to the end of the transaction however it ends."""

import fcntl

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from core.db import begin_writing, make_engine


def turn_is_free(path: str) -> bool:
    """What another process would find: can it take the writers' turn now?"""
    with open(f"{path}.writer", "a+b") as other:
        try:
            fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        fcntl.flock(other, fcntl.LOCK_UN)
        return True


@pytest.fixture
def db_path(tmp_path):
    path = str(tmp_path / "app.db")
    engine = make_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE t (x INTEGER)"))
    engine.dispose()
    return path


@pytest.mark.parametrize("ending", ["commit", "rollback", "error", "close"])
def test_the_turn_is_held_for_the_write_and_released_however_it_ends(db_path, ending):
    engine = make_engine(f"sqlite:///{db_path}")
    session = Session(engine)
    try:
        begin_writing(session)
        session.execute(sa.text("INSERT INTO t VALUES (1)"))
        assert not turn_is_free(db_path)
        if ending == "commit":
            session.commit()
        elif ending == "rollback":
            session.rollback()
        elif ending == "error":
            with pytest.raises(sa.exc.OperationalError):
                session.execute(sa.text("INSERT INTO missing VALUES (1)"))
            session.rollback()
        else:
            session.close()
        assert turn_is_free(db_path)
    finally:
        session.close()
        engine.dispose()


def test_readers_do_not_take_the_turn(db_path):
    engine = make_engine(f"sqlite:///{db_path}")
    with Session(engine) as session:
        session.execute(sa.text("SELECT count(*) FROM t")).scalar_one()
        assert turn_is_free(db_path)
    engine.dispose()
