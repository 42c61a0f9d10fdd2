"""The sealed channel's configuration (config/integrity.toml), read once and checked."""

import tomllib
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from core.settings import PROJECT_ROOT

POLICY_FILE = PROJECT_ROOT / "config" / "integrity.toml"


class ChasePolicy(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    follow_up_days: int = Field(ge=1, le=30)
    first_notice_days: int = Field(ge=1, le=30)
    escalate_to: str


class IntegrityPolicy(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    committee: str = Field(min_length=3)
    committee_order: str
    officers: list[str] = Field(min_length=1)
    assess_working_days: int = Field(ge=1, le=60)
    investigate_working_days: int = Field(ge=1, le=365)
    reply_hint_working_days: int = Field(ge=1, le=60)
    result_to_positions: list[str]
    chase: ChasePolicy
    suppress_below: int = Field(ge=1, le=20)
    max_files: int = Field(ge=0, le=10)
    max_file_bytes: int = Field(ge=1024)
    allowed_types: list[str]

    @classmethod
    def from_file(cls, path: Path) -> "IntegrityPolicy":
        with path.open("rb") as f:
            return cls.model_validate(tomllib.load(f))


@lru_cache
def integrity_policy(path: Path = POLICY_FILE) -> IntegrityPolicy:
    return IntegrityPolicy.from_file(path)
