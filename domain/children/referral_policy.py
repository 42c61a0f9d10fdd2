"""The referral policy (config/children/referrals.toml) and the agencies of the youth
programme (config/children/agencies.toml), read once and checked: a rule naming an agency or
a problem the files do not list fails at start-up, with the rule named."""

import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from core.settings import PROJECT_ROOT

REFERRALS_FILE = PROJECT_ROOT / "config" / "children" / "referrals.toml"
AGENCIES_FILE = PROJECT_ROOT / "config" / "children" / "agencies.toml"

Sex = Literal["male", "female"]
SEX_TITLES = {"male": "ชาย", "female": "หญิง"}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ReferralRule(_Strict):
    key: str = Field(pattern=r"^[a-z0-9-]{1,60}$")
    title: str = Field(min_length=3)
    agency: str
    sex: Sex | None = None
    min_age: int | None = Field(default=None, ge=0, le=120)
    max_age: int | None = Field(default=None, ge=0, le=120)
    problems_any: tuple[str, ...] = ()


class Problem(_Strict):
    key: str = Field(pattern=r"^[a-z_]{1,40}$")
    title: str


class AcknowledgePolicy(_Strict):
    working_days: int = Field(ge=1, le=30)


class ChasePolicy(_Strict):
    follow_up_days: int = Field(ge=1, le=30)
    notice_days: int = Field(ge=1, le=30)
    escalate_to: str
    escalate_division: str | None = None


class RolesPolicy(_Strict):
    coordinator_division: str


class CampPolicy(_Strict):
    days: int = Field(ge=1, le=14)
    nights: int = Field(ge=0, le=13)
    capacity: int = Field(ge=1, le=1000)
    cohorts_per_year: int = Field(ge=1, le=12)


class FiguresPolicy(_Strict):
    suppress_below: int = Field(ge=1, le=20)


class AgencyEntry(_Strict):
    code: str = Field(pattern=r"^[a-z0-9-]{1,40}$")
    name: str = Field(min_length=3, max_length=200)
    kind: Literal["government", "organisation"]
    services: str = ""


class ReferralPolicy(_Strict):
    rule: tuple[ReferralRule, ...]
    problem: tuple[Problem, ...]
    acknowledge: AcknowledgePolicy
    chase: ChasePolicy
    roles: RolesPolicy
    camp: CampPolicy
    figures: FiguresPolicy
    agencies: tuple[AgencyEntry, ...]

    @model_validator(mode="after")
    def _names_exist(self) -> "ReferralPolicy":
        codes = [a.code for a in self.agencies]
        if len(set(codes)) != len(codes):
            raise ValueError(f"agency codes must differ: {codes}")
        problems = {p.key for p in self.problem}
        for rule in self.rule:
            if rule.agency not in codes:
                raise ValueError(f"rule {rule.key}: unknown agency {rule.agency!r}")
            unknown = set(rule.problems_any) - problems
            if unknown:
                raise ValueError(f"rule {rule.key}: unknown problems {sorted(unknown)}")
        return self

    @property
    def problem_titles(self) -> dict[str, str]:
        return {p.key: p.title for p in self.problem}

    def agency(self, code: str) -> AgencyEntry:
        return next(a for a in self.agencies if a.code == code)


def load_policy(referrals: Path = REFERRALS_FILE, agencies: Path = AGENCIES_FILE) -> ReferralPolicy:
    with referrals.open("rb") as f:
        data = tomllib.load(f)
    with agencies.open("rb") as f:
        data["agencies"] = tomllib.load(f)["agency"]
    return ReferralPolicy.model_validate(data)


@lru_cache
def referral_policy() -> ReferralPolicy:
    return load_policy()
