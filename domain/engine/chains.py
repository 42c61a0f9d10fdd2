"""Approval chains as data (config/chains.toml): who decides at each level, in what order."""

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

from sqlmodel import Session, select

from domain.engine.steps import PAUSE_KEY, Assignee
from domain.errors import InvalidInput, NotFound
from models.people import Committee, Position, User
from models.steps import Outcome

ORIGINATOR = "originator"
LEVEL_STEP = "chain-level"
"""Step kind of a chain's level."""
REVISION_STEP = "revision"
"""Step kind of the originator's revision after a send-back."""
DEFAULT_OUTCOMES = (Outcome.approve, Outcome.reject, Outcome.return_for_revision)


@dataclass(frozen=True)
class Level:
    key: str
    title: str
    position: Position | None = None
    username: str | None = None
    committee: str | None = None
    due_working_days: int = 3
    outcomes: tuple[Outcome, ...] = DEFAULT_OUTCOMES

    def assignee(self, session: Session, *, division_id: int) -> Assignee:
        """Resolve the level to the people of one case (its division)."""
        if self.position is not None:
            scoped = division_id if self.position.within_division else None
            return Assignee.holder_of(self.position, scoped)
        if self.username is not None:
            user = session.exec(select(User).where(User.username == self.username)).first()
            if user is None:
                raise NotFound(f"ไม่พบผู้ใช้ {self.username} ที่กำหนดในสายการอนุมัติ")
            return Assignee.person(user.id)  # type: ignore[arg-type]
        committee = session.exec(select(Committee).where(Committee.name == self.committee)).first()
        if committee is None:
            raise NotFound(f"ไม่พบคณะกรรมการ {self.committee} ที่กำหนดในสายการอนุมัติ")
        return Assignee.committee(committee.id)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Chain:
    name: str
    title: str
    levels: tuple[Level, ...]

    def index(self, key: str) -> int:
        for i, level in enumerate(self.levels):
            if level.key == key:
                return i
        raise InvalidInput(f"ไม่มีระดับ {key} ในสายการอนุมัติ {self.title}")

    def first(self) -> Level:
        return self.levels[0]

    def after(self, key: str) -> Level | None:
        """The next level up, or None at the top."""
        i = self.index(key)
        return self.levels[i + 1] if i + 1 < len(self.levels) else None

    def check_return_target(self, *, from_key: str, to_key: str) -> None:
        """A level may send back only to a level below it, or to the originator."""
        if to_key == ORIGINATOR:
            return
        if self.index(to_key) >= self.index(from_key):
            raise InvalidInput(
                "ส่งกลับได้เฉพาะระดับที่ต่ำกว่าหรือผู้เสนอเรื่อง", field="return_to", value=to_key
            )


@dataclass(frozen=True)
class ChainMove:
    """Where a case goes after one of its chain steps closed: exactly one field is set."""

    open_level: Level | None = None
    """Open this level (the next one up, the one sent back to, or the first after revision)."""
    revise: bool = False
    """Back to the originator, who revises and resubmits or withdraws."""
    finish: Literal["approved", "rejected", "withdrawn"] | None = None


def walk(
    chain: Chain,
    *,
    step_kind: str,
    level_key: str | None,
    outcome: Outcome,
    return_to: str | None = None,
) -> ChainMove:
    """The chain walk every approval uses: approve climbs (or finishes at the top), reject
    finishes, return goes to a lower level or the originator; after a revision, resubmitting
    starts again at the first level and declining withdraws the case."""
    if step_kind == REVISION_STEP:
        if outcome is Outcome.reject:
            return ChainMove(finish="withdrawn")
        return ChainMove(open_level=chain.first())
    if level_key is None:
        raise InvalidInput("ขั้นตอนนี้ไม่ได้อยู่ในสายการอนุมัติ")
    if outcome is Outcome.reject:
        return ChainMove(finish="rejected")
    if outcome is Outcome.return_for_revision:
        target = str(return_to)
        chain.check_return_target(from_key=level_key, to_key=target)
        if target == ORIGINATOR:
            return ChainMove(revise=True)
        return ChainMove(open_level=chain.levels[chain.index(target)])
    upper = chain.after(level_key)
    return ChainMove(finish="approved") if upper is None else ChainMove(open_level=upper)


def parse_chains(data: dict[str, object]) -> dict[str, Chain]:
    """Build and check chains from the TOML structure; a bad file fails at start, not mid-case."""
    chains: dict[str, Chain] = {}
    for name, spec in data.items():
        if not isinstance(spec, dict) or not spec.get("levels"):
            raise ValueError(f"chain {name}: needs a non-empty 'levels' list")
        levels = []
        for raw in spec["levels"]:
            key = raw["key"]
            if not PAUSE_KEY.fullmatch(key) or key == ORIGINATOR:
                raise ValueError(f"chain {name}: level key {key!r} must match [a-z0-9-]")
            named = [k for k in ("position", "user", "committee") if k in raw]
            if len(named) != 1:
                raise ValueError(
                    f"chain {name}, level {key}: name exactly one of position/user/committee"
                )
            levels.append(
                Level(
                    key=key,
                    title=raw["title"],
                    position=Position(raw["position"]) if "position" in raw else None,
                    username=raw.get("user"),
                    committee=raw.get("committee"),
                    due_working_days=int(raw.get("due_working_days", 3)),
                    outcomes=tuple(Outcome(o) for o in raw.get("outcomes", DEFAULT_OUTCOMES)),
                )
            )
        if len({lv.key for lv in levels}) != len(levels):
            raise ValueError(f"chain {name}: level keys repeat")
        chains[name] = Chain(name=name, title=str(spec.get("title", name)), levels=tuple(levels))
    return chains


@lru_cache
def load_chains(path: Path) -> dict[str, Chain]:
    with path.open("rb") as f:
        return parse_chains(tomllib.load(f))


def chain_named(path: Path, name: str) -> Chain:
    try:
        return load_chains(path)[name]
    except KeyError:
        raise InvalidInput(f"ไม่มีสายการอนุมัติชื่อ {name}", field="chain") from None
