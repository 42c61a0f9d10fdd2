"""config/screening.toml, read once: the owner division, each programme's stages, the demo
communities and schools, and who may read protected records."""

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from core.settings import PROJECT_ROOT

SCREENING_FILE = PROJECT_ROOT / "config" / "screening.toml"


@dataclass(frozen=True)
class Protection:
    reader_divisions: frozenset[str]
    reader_committees: frozenset[str]
    hiv_readers: frozenset[str]
    """Usernames of the welfare officers named to read HIV status."""


@dataclass(frozen=True)
class ScreeningConfig:
    division: str
    coordinator_positions: frozenset[str]
    stages: dict[str, tuple[str, ...]]
    """Programme value -> its stage keys in order."""
    stage_titles: dict[str, str]
    community_lists: tuple[dict[str, Any], ...]
    demo_quarters: tuple[str, ...]
    schools: tuple[tuple[str, str], ...]
    protection: Protection

    def stage_title(self, key: str) -> str:
        return self.stage_titles.get(key, key)


def load(path: Path) -> ScreeningConfig:
    with path.open("rb") as f:
        data = tomllib.load(f)
    protection = data["protection"]
    return ScreeningConfig(
        division=data["round"]["division"],
        coordinator_positions=frozenset(data["round"]["coordinator_positions"]),
        stages={name: tuple(p["stages"]) for name, p in data["programmes"].items()},
        stage_titles=dict(data["stage_titles"]),
        community_lists=tuple(data["community_lists"]),
        demo_quarters=tuple(data["communities"]["demo_quarters"]),
        schools=tuple((s["code"], s["name"]) for s in data["schools"]),
        protection=Protection(
            reader_divisions=frozenset(protection["reader_divisions"]),
            reader_committees=frozenset(protection["reader_committees"]),
            hiv_readers=frozenset(protection["hiv_readers"]),
        ),
    )


@cache
def screening_config() -> ScreeningConfig:
    return load(SCREENING_FILE)
