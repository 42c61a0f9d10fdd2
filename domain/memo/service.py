"""The memo use cases, each in one unit of work."""

from sqlalchemy.engine import Engine
from sqlmodel import Session

from core.db import in_transaction
from domain.errors import NotEntitled
from domain.memo.rules import create_memo
from models.memo import Memo, MemoCreate
from models.people import User


def propose(engine: Engine, *, author_id: int, data: MemoCreate) -> Memo:
    """An officer proposes a memo: stored, its first level opened, its flow run requested."""

    def work(session: Session) -> Memo:
        author = session.get(User, author_id)
        if author is None or not author.active:
            raise NotEntitled("บัญชีผู้ใช้นี้ใช้งานไม่ได้")
        return create_memo(session, data=data, originator=author)

    return in_transaction(engine, work)
