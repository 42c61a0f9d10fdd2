"""The SDQ (Strengths and Difficulties Questionnaire), scoring only: 25 items answered
0 (ไม่จริง), 1 (จริงบ้าง) or 2 (จริงแน่นอน); items 7, 11, 14, 21 and 25 are reverse-scored;
five scales of five items; total difficulties = emotional + conduct + hyperactivity + peer
(0-40). The bands of each form (teacher, parent, self-report) and their source are in
config/children/instruments/sdq.toml. The item texts are licensed and not shipped."""

import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from core.settings import PROJECT_ROOT
from domain.children.instruments import Band, Scored
from domain.errors import InvalidInput

SDQ_FILE = PROJECT_ROOT / "config" / "children" / "instruments" / "sdq.toml"
TOTAL = "total"

Ranges = Mapping[Band, tuple[int, int]]


@dataclass(frozen=True)
class Scale:
    key: str
    title: str
    items: tuple[int, ...]
    difficulty: bool


@dataclass(frozen=True)
class SdqInstrument:
    key: str
    title: str
    source: str
    item_count: int
    answer_scale: tuple[tuple[int, str], ...]
    reversed_items: frozenset[int]
    scales: tuple[Scale, ...]
    form_titles: Mapping[str, str]
    bands: Mapping[str, Mapping[str, Ranges]]
    """form -> scale key or "total" -> band -> inclusive (low, high)."""

    def answers(self) -> Sequence[tuple[int, str]]:
        return self.answer_scale

    def forms(self) -> Mapping[str, str]:
        return self.form_titles

    def scale_titles(self) -> Mapping[str, str]:
        return {scale.key: scale.title for scale in self.scales}

    def item_score(self, item: int, answer: int) -> int:
        return 2 - answer if item in self.reversed_items else answer

    def band_of(self, form: str, scale: str, score: int) -> Band:
        for band, (low, high) in self.bands[form][scale].items():
            if low <= score <= high:
                return band
        raise ValueError(f"SDQ {form}/{scale}: no band holds {score} (sdq.toml)")

    def score(self, form: str, answers: Sequence[int]) -> Scored:
        if form not in self.form_titles:
            raise InvalidInput(f"ไม่รู้จักฉบับ {form} ของแบบ SDQ", field="form")
        if len(answers) != self.item_count:
            raise InvalidInput(
                f"แบบ SDQ ต้องตอบครบ {self.item_count} ข้อ (ตอบมา {len(answers)} ข้อ)", field="answers"
            )
        valid = {value for value, _label in self.answer_scale}
        for number, answer in enumerate(answers, start=1):
            if answer not in valid:
                raise InvalidInput(f"ข้อ {number}: คำตอบต้องเป็น 0, 1 หรือ 2", field="answers")
        scales = {
            scale.key: sum(self.item_score(i, answers[i - 1]) for i in scale.items)
            for scale in self.scales
        }
        total = sum(scales[s.key] for s in self.scales if s.difficulty)
        return Scored(
            scales=scales,
            scale_bands={key: self.band_of(form, key, value) for key, value in scales.items()},
            total=total,
            band=self.band_of(form, TOTAL, total),
        )


def load(path: Path) -> SdqInstrument:
    with path.open("rb") as f:
        data = tomllib.load(f)
    scales = tuple(
        Scale(s["key"], s["title"], tuple(s["items"]), bool(s["difficulty"]))
        for s in data["scales"]
    )
    numbers = sorted(i for s in scales for i in s.items)
    if numbers != list(range(1, data["items"] + 1)):
        raise ValueError("sdq.toml: every item must belong to exactly one scale")
    bands = {
        form: {
            scale: {Band(b): (int(r[0]), int(r[1])) for b, r in ranges.items()}
            for scale, ranges in spec["bands"].items()
        }
        for form, spec in data["forms"].items()
    }
    return SdqInstrument(
        key="sdq",
        title=data["title"],
        source=data["source"],
        item_count=int(data["items"]),
        answer_scale=tuple((int(v), str(label)) for v, label in data["answers"]),
        reversed_items=frozenset(data["reversed"]),
        scales=scales,
        form_titles={form: spec["title"] for form, spec in data["forms"].items()},
        bands=bands,
    )


@cache
def sdq() -> SdqInstrument:
    return load(SDQ_FILE)


SDQ = sdq()
"""The instrument as the registry names it (domain.children.instruments.INSTRUMENTS)."""
