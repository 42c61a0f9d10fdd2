"""config/children/care.toml, read once: the screening's defaults and which bands move on,
the health division, and the due dates of the Application Care path."""

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from core.settings import PROJECT_ROOT

CARE_FILE = PROJECT_ROOT / "config" / "children" / "care.toml"


@dataclass(frozen=True)
class CareConfig:
    instruments: tuple[str, ...]
    default_instrument: str
    default_form: str
    move_on_bands: frozenset[str]
    health_division: str
    medical_assessment_days: int
    home_visit_days: int
    case_conference_days: int
    care_plan_days: int
    follow_up_every_days: int


def load(path: Path) -> CareConfig:
    with path.open("rb") as f:
        data = tomllib.load(f)
    screening, path_ = data["screening"], data["path"]
    return CareConfig(
        instruments=tuple(screening["instruments"]),
        default_instrument=screening["default_instrument"],
        default_form=screening["default_form"],
        move_on_bands=frozenset(screening["move_on_bands"]),
        health_division=data["protection"]["health_division"],
        medical_assessment_days=int(path_["medical_assessment_working_days"]),
        home_visit_days=int(path_["home_visit_working_days"]),
        case_conference_days=int(path_["case_conference_working_days"]),
        care_plan_days=int(path_["care_plan_working_days"]),
        follow_up_every_days=int(path_["follow_up_every_working_days"]),
    )


@cache
def care_config() -> CareConfig:
    return load(CARE_FILE)
