"""How each programme runs on the one screening flow (config/screening/programmes.toml): what
each stage key of config/screening.toml is (an assessment by a team, a joint survey, a
confirmation, a committee's certification, another module's service) and who does it; the
assessment teams and their members; the complexity groups. Read once, typed."""

import tomllib
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from functools import cache
from pathlib import Path

from sqlmodel import Session, col, select

from core.settings import PROJECT_ROOT
from domain.engine.calendar import BANGKOK
from domain.engine.steps import Assignee
from domain.errors import NotFound
from models.people import Committee, CommitteeMember, Division, Position, User
from models.screening import Programme, ScreeningRound

PROGRAMMES_FILE = PROJECT_ROOT / "config" / "screening" / "programmes.toml"

STAGE_KINDS = ("assessment", "joint-survey", "confirmation", "certification", "service")
DEADLINE_TIME = time(16, 30)
"""A stage's deadline date ends when the office closes."""


@dataclass(frozen=True)
class Team:
    key: str
    title: str
    division: str | None = None
    committee: str | None = None

    def member_ids(self, session: Session) -> set[int]:
        """Active members: the division's officers and section heads, or the committee's."""
        if self.division is not None:
            query = (
                select(User.id)
                .join(Division, col(Division.id) == User.division_id)
                .where(
                    Division.code == self.division,
                    col(User.position).in_([Position.officer, Position.section_head]),
                    User.active == True,  # noqa: E712
                )
            )
        else:
            query = (
                select(User.id)
                .join(CommitteeMember, col(CommitteeMember.user_id) == User.id)
                .join(Committee, col(Committee.id) == CommitteeMember.committee_id)
                .where(Committee.name == self.committee, User.active == True)  # noqa: E712
            )
        return {i for i in session.exec(query) if i is not None}

    def assignee(self, session: Session) -> Assignee:
        """Who closes the team's stage: the division's section head, or the committee."""
        if self.division is not None:
            return Assignee.holder_of(Position.section_head, _division_id(session, self.division))
        return Assignee.committee(committee_id(session, self.committee or ""))


@dataclass(frozen=True)
class Stage:
    key: str
    kind: str
    title: str
    round: int | None = None
    team: str | None = None
    position: str | None = None
    division: str | None = None
    committee: str | None = None

    def assignee(self, session: Session) -> Assignee:
        if self.kind == "assessment":
            return teams()[self.team or ""].assignee(session)
        if self.committee is not None:
            return Assignee.committee(committee_id(session, self.committee))
        division_id = _division_id(session, self.division) if self.division else None
        return Assignee.holder_of(Position(self.position), division_id)


@dataclass(frozen=True)
class ProgrammeStages:
    programme: Programme
    stages: tuple[Stage, ...]

    def stage(self, key: str) -> Stage:
        for stage in self.stages:
            if stage.key == key:
                return stage
        raise NotFound(f"ไม่มีขั้นตอน {key} ใน{self.programme.thai}")

    def of_kind(self, kind: str) -> list[Stage]:
        return [s for s in self.stages if s.kind == kind]

    def assessment(self, round_no: int) -> Stage:
        for stage in self.of_kind("assessment"):
            if stage.round == round_no:
                return stage
        raise NotFound(f"{self.programme.thai} ไม่มีการประเมินครั้งที่ {round_no}")

    @property
    def assessment_rounds(self) -> int:
        return len(self.of_kind("assessment"))

    def first(self, kind: str) -> Stage | None:
        found = self.of_kind(kind)
        return found[0] if found else None


@dataclass(frozen=True)
class Programmes:
    complexity_groups: tuple[tuple[str, str], ...]
    teams: dict[str, Team]
    programmes: dict[Programme, ProgrammeStages]

    def complexity_title(self, key: str | None) -> str:
        return dict(self.complexity_groups).get(key or "", key or "-")


def load(path: Path) -> Programmes:
    with path.open("rb") as f:
        data = tomllib.load(f)
    teams_found = {
        key: Team(key, t["title"], t.get("division"), t.get("committee"))
        for key, t in data["teams"].items()
    }
    programmes: dict[Programme, ProgrammeStages] = {}
    for name, spec in data["programmes"].items():
        stages = []
        for key, s in spec["stages"].items():
            if s["kind"] not in STAGE_KINDS:
                raise ValueError(f"{path.name}: {name}.{key}: ไม่รู้จักชนิดขั้นตอน {s['kind']}")
            if s.get("team") is not None and s["team"] not in teams_found:
                raise ValueError(f"{path.name}: {name}.{key}: ไม่มีทีม {s['team']}")
            stages.append(
                Stage(
                    key=key,
                    kind=s["kind"],
                    title=s["title"],
                    round=s.get("round"),
                    team=s.get("team"),
                    position=s.get("position"),
                    division=s.get("division"),
                    committee=s.get("committee"),
                )
            )
        programmes[Programme(name)] = ProgrammeStages(Programme(name), tuple(stages))
    groups = tuple((g["key"], g["title"]) for g in data["complexity_groups"])
    return Programmes(groups, teams_found, programmes)


@cache
def programmes() -> Programmes:
    return load(PROGRAMMES_FILE)


def teams() -> dict[str, Team]:
    return programmes().teams


def stages_of(screening_round: ScreeningRound) -> ProgrammeStages:
    return programmes().programmes[Programme(screening_round.programme)]


def deadline_of(screening_round: ScreeningRound, stage_key: str) -> datetime | None:
    """The stage's deadline (the end of its office day, UTC) as the round sets it, or None."""
    value = (screening_round.stage_deadlines or {}).get(stage_key)
    if not value:
        return None
    day = value if isinstance(value, date) else date.fromisoformat(str(value))
    return datetime.combine(day, DEADLINE_TIME, tzinfo=BANGKOK).astimezone(UTC)


def committee_id(session: Session, name: str) -> int:
    found = session.exec(select(Committee.id).where(Committee.name == name)).first()
    if found is None:
        raise NotFound(f"ไม่พบ{name}")
    return found


def _division_id(session: Session, code: str) -> int:
    found = session.exec(select(Division.id).where(Division.code == code)).first()
    if found is None:
        raise NotFound(f"ไม่พบหน่วยงาน {code}")
    return found
