"""Fixtures and helpers of the screening tests, for every stage's tests: the demo organisation
with the communities and schools (``screening_people``), a round open for nominations
(``open_round``), valid Thai IDs, and nomination files in CSV or XLSX."""

import csv
import io
from collections.abc import Sequence
from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient
from openpyxl import Workbook
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from domain.screening import service
from domain.screening.config import screening_config
from domain.screening.ids import with_check_digit
from domain.screening.import_rows import HEADER_TITLES
from domain.screening.rounds import today
from models.people import User
from models.screening import Community, Programme, ScreeningRound
from ops.seed_screening import seed_screening


@pytest.fixture
def screening_people(engine: Engine, people: dict[str, User]) -> dict[str, User]:
    """The demo organisation, the community lists (90 and 95) and the 11 schools."""
    with Session(engine) as session:
        seed_screening(session)
        session.commit()
    return people


@pytest.fixture
def screening_client(client: TestClient, screening_people: dict[str, User]) -> TestClient:
    return client


def thai_id(n: int) -> str:
    """The n-th valid demo Thai ID (check digit right), e.g. thai_id(1) = "1100000000019"."""
    return with_check_digit(f"11{n:010d}")


def open_round(
    engine: Engine,
    user: User,
    *,
    programme: Programme = Programme.welfare,
    title: str = "คัดกรองผู้รับโอกาส ปีงบประมาณ 2570",
    fiscal_year: int = 2570,
    opens: date | None = None,
    closes: date | None = None,
) -> ScreeningRound:
    """A round whose nomination window holds today; each stage due a week after the last."""
    opens = opens or today() - timedelta(days=1)
    closes = closes or today() + timedelta(days=14)
    stages = screening_config().stages[programme.value]
    return service.open_round(
        engine,
        user_id=user.id,  # type: ignore[arg-type]
        programme=programme,
        fiscal_year=fiscal_year,
        title=title,
        nomination_opens_on=opens,
        nomination_closes_on=closes,
        stage_deadlines={s: closes + timedelta(days=7 * (i + 1)) for i, s in enumerate(stages)},
    )


def community_names(engine: Engine, round_id: int) -> list[str]:
    with Session(engine) as session:
        list_id = session.get(ScreeningRound, round_id).community_list_id  # type: ignore[union-attr]
        return list(
            session.exec(
                select(Community.name).where(Community.list_id == list_id).order_by(Community.code)
            )
        )


def community_id(engine: Engine, round_id: int, name: str) -> int:
    with Session(engine) as session:
        list_id = session.get(ScreeningRound, round_id).community_list_id  # type: ignore[union-attr]
        return session.exec(
            select(Community.id).where(Community.list_id == list_id, Community.name == name)
        ).one()  # type: ignore[return-value]


def nomination_row(n: int, community: str, **fields: str) -> dict[str, str]:
    """One row of a nominations file (fields by key, see domain/screening/import_rows.py)."""
    return {
        "thai_id": thai_id(n),
        "prefix": "นาง",
        "first_name": f"ทดสอบ{n}",
        "last_name": "ใจงาม",
        "birth_date": f"{1 + n % 28:02d}/{1 + n % 12:02d}/25{10 + n % 80:02d}",
        "sex": "หญิง",
        "house_no": f"{n}/1",
        "community": community,
        "source": "ประธานชุมชน",
        "nominator_name": "นายประธาน ชุมชน",
        **fields,
    }


def _table(rows: Sequence[dict[str, str]]) -> tuple[list[str], list[list[str]]]:
    keys = list(dict.fromkeys(k for row in rows for k in row))
    return [HEADER_TITLES[k] for k in keys], [[row.get(k, "") for k in keys] for row in rows]


def csv_bytes(rows: Sequence[dict[str, str]]) -> bytes:
    header, body = _table(rows)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(body)
    return out.getvalue().encode("utf-8")


def xlsx_bytes(rows: Sequence[dict[str, str]]) -> bytes:
    header, body = _table(rows)
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)  # type: ignore[union-attr]
    for values in body:
        sheet.append(values)  # type: ignore[union-attr]
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
