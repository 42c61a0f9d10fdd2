"""The benefit catalogue (config/screening/benefits.toml), typed and checked when read: the six
areas, each benefit's amount rule, unit, funding sources in the order tried, and its
eligibility rule; and the follow-up schedule's settings. Pure: no database."""

import tomllib
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from core.settings import PROJECT_ROOT
from models.screening_benefits import BenefitUnit, FundingSource

CATALOGUE_FILE = PROJECT_ROOT / "config" / "screening" / "benefits.toml"

AREAS = ("education", "welfare", "occupation", "housing", "health", "legal")
"""The six areas of seed 000, in the order the project announced them."""

SCHOOL_LEVELS = (
    *(f"P{n}" for n in range(1, 7)),
    *(f"M{n}" for n in range(1, 7)),
    "BACHELOR",
)
SCHOOL_LEVEL_TITLES = {
    **{f"P{n}": f"ป.{n}" for n in range(1, 7)},
    **{f"M{n}": f"ม.{n}" for n in range(1, 7)},
    "BACHELOR": "ปริญญาตรี",
}


class AmountRule(StrEnum):
    fixed = "fixed"
    monthly = "monthly"
    up_to = "up_to"
    in_kind = "in_kind"


class Per(StrEnum):
    person = "person"
    household = "household"


class Eligibility(BaseModel):
    """All the conditions given must hold."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    school_levels: tuple[str, ...] = ()
    needs: tuple[str, ...] = ()
    hiv_positive_student: bool = False
    needs_house_repair: bool = False
    lacks_id_card: bool = False
    eligible_household: bool = False

    @model_validator(mode="after")
    def _known(self) -> "Eligibility":
        unknown = [s for s in self.school_levels if s not in SCHOOL_LEVELS]
        unknown += [a for a in self.needs if a not in AREAS]
        if unknown:
            raise ValueError(f"ไม่รู้จัก {', '.join(unknown)}")
        return self


class Benefit(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    code: str = Field(pattern=r"^[a-z][a-z0-9_]{1,59}$")
    area: str
    title: str
    amount: AmountRule
    baht: int = Field(default=0, ge=0)
    months: int = Field(default=1, ge=1, le=12)
    quantity: int = Field(default=0, ge=0)
    unit: BenefitUnit
    per: Per = Per.person
    sources: tuple[FundingSource, ...] = Field(min_length=1)
    host: bool = False
    when: Eligibility = Eligibility()

    @model_validator(mode="after")
    def _consistent(self) -> "Benefit":
        if self.area not in AREAS:
            raise ValueError(f"ด้าน {self.area!r} ไม่อยู่ในหกด้าน")
        money = self.amount is not AmountRule.in_kind
        if money and (self.unit is not BenefitUnit.thb or self.baht <= 0):
            raise ValueError("สิทธิประโยชน์ที่เป็นเงินต้องมีหน่วยเป็นบาทและจำนวนเงิน")
        if not money and (self.unit is BenefitUnit.thb or self.quantity <= 0):
            raise ValueError("ความช่วยเหลือที่ไม่ใช่เงินต้องมีหน่วยและจำนวน")
        return self

    @property
    def in_money(self) -> bool:
        return self.amount is not AmountRule.in_kind

    @property
    def max_satang(self) -> int:
        """The most one recipient gets (satang): a month's amount × months for a monthly."""
        return self.baht * 100 * (self.months if self.amount is AmountRule.monthly else 1)


class Catalogue(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    follow_up_hour: int = Field(default=15, ge=8, le=16)
    follow_up_visits_per_day: int = Field(default=5, ge=1, le=50)
    earlier_recipients_days: int = Field(default=365, ge=0)
    reassessment_months: int = Field(default=12, ge=1, le=24)
    areas: dict[str, str]
    benefit: tuple[Benefit, ...]

    @model_validator(mode="after")
    def _complete(self) -> "Catalogue":
        if tuple(self.areas) != AREAS:
            raise ValueError(f"[areas] ต้องมีหกด้านตามลำดับ: {', '.join(AREAS)}")
        codes = [b.code for b in self.benefit]
        if len(codes) != len(set(codes)):
            raise ValueError("รหัสสิทธิประโยชน์ซ้ำกัน")
        return self

    def get(self, code: str) -> Benefit:
        for b in self.benefit:
            if b.code == code:
                return b
        raise KeyError(code)

    def area_title(self, area: str) -> str:
        return self.areas.get(area, area)


@dataclass(frozen=True)
class CatalogueError(Exception):
    """The configuration file is wrong: the message says where, in Thai."""

    message: str

    def __str__(self) -> str:
        return self.message


def parse_catalogue(data: dict[str, object]) -> Catalogue:
    try:
        return Catalogue.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise CatalogueError(f"config/screening/benefits.toml: {where}: {first['msg']}") from None


@lru_cache
def _catalogue_in(path: Path, mtime: float) -> Catalogue:
    with path.open("rb") as f:
        return parse_catalogue(tomllib.load(f))


def catalogue(path: Path = CATALOGUE_FILE) -> Catalogue:
    """The catalogue as the file says now (read again when the file changes)."""
    return _catalogue_in(path, path.stat().st_mtime)
