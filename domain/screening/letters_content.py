"""What a result letter says: the letterhead (config/screening/letters.toml), the reference
number, the Buddhist Era date, the addressee and, for a fail, the reason in Thai: why the two
assessments (or the joint survey) found the person not eligible, or why the executive committee
excluded them. The same words go on the printed A4 letter, in the e-mail and in the LINE push."""

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from pythainlp.util import arabic_digit_to_thai_digit
from sqlmodel import Session, col, select

from core.settings import PROJECT_ROOT
from domain.engine.calendar import format_thai_date
from domain.screening.programmes import stages_of, teams
from models.screening import CandidateState, ScreeningRound
from models.screening_assessment import Certification, Exclusion, JointSurvey
from models.screening_benefits import LetterOutcome, ScreeningLetter

LETTERS_FILE = PROJECT_ROOT / "config" / "screening" / "letters.toml"
TOLD_STATES = frozenset(
    {
        CandidateState.certified,
        CandidateState.not_eligible,
        CandidateState.excluded,
        CandidateState.withdrawn,
    }
)
"""Final states whose candidate gets a letter (a merged one is told as the person it joined)."""
LINE_MAX_TEXT = 5000


@dataclass(frozen=True)
class ProgrammeWording:
    """What a programme's letter calls its screening and the person who passed it."""

    subject: str
    screened_for: str
    passed_as: str


@dataclass(frozen=True)
class Letterhead:
    reference_prefix: str
    office: str
    address_lines: tuple[str, ...]
    signer_title: str
    contact_unit: str
    contact_phone: str
    wording: dict[str, ProgrammeWording]
    """By programme (``Programme`` value)."""


@lru_cache
def _letterhead_in(path: Path, mtime: float) -> Letterhead:
    with path.open("rb") as f:
        data = tomllib.load(f)
    return Letterhead(
        reference_prefix=str(data["reference_prefix"]),
        office=str(data["office"]),
        address_lines=tuple(str(x) for x in data["address_lines"]),
        signer_title=str(data["signer_title"]),
        contact_unit=str(data["contact_unit"]),
        contact_phone=str(data.get("contact_phone", "")),
        wording={
            name: ProgrammeWording(**{k: str(v) for k, v in words.items()})
            for name, words in data["programmes"].items()
        },
    )


def letterhead(path: Path = LETTERS_FILE) -> Letterhead:
    return _letterhead_in(path, path.stat().st_mtime)


def outcome_of(state: CandidateState) -> LetterOutcome:
    return LetterOutcome.passed if state is CandidateState.certified else LetterOutcome.not_passed


def fail_reasons(session: Session, round_id: int, candidate_ids: list[int]) -> dict[int, str]:
    """The committee's reason for each excluded candidate (with its resolution), and whether
    a not-eligible one was settled by the joint survey, by candidate id."""
    reasons: dict[int, str] = {}
    if not candidate_ids:
        return reasons
    exclusions = session.exec(
        select(Exclusion, Certification)
        .join(Certification, col(Certification.id) == Exclusion.certification_id)
        .where(Certification.round_id == round_id, col(Exclusion.candidate_id).in_(candidate_ids))
    ).all()
    for exclusion, meeting in exclusions:
        reasons[exclusion.candidate_id] = (
            f"ที่ประชุมคณะผู้บริหารเทศบาล ครั้งวันที่ "
            f"{format_thai_date(meeting.meeting_date)} (มติที่ {meeting.resolution_number}) "
            f"ไม่รับรองรายชื่อของท่าน ด้วยเหตุผลว่า {exclusion.reason.strip()}"
        )
    surveyed = session.exec(
        select(JointSurvey.candidate_id).where(
            col(JointSurvey.candidate_id).in_(candidate_ids),
            JointSurvey.eligible == False,  # noqa: E712
        )
    ).all()
    for candidate_id in surveyed:
        reasons.setdefault(
            candidate_id,
            "ผลการสำรวจร่วมกันของทีมสำนักสวัสดิการสังคมและทีมอาสาสมัครส่งเสริมการมีส่วนร่วม "
            "พบว่าครัวเรือนของท่านยังไม่เข้าเกณฑ์ผู้รับโอกาสของโครงการ",
        )
    return reasons


NOT_ELIGIBLE_REASON = (
    "ผลการสำรวจและวิเคราะห์ข้อมูลทั้ง ๒ ระดับ พบว่าครัวเรือนของท่านยังไม่เข้าเกณฑ์ผู้รับโอกาสของโครงการ"
)
WITHDRAWN_REASON = "ท่านได้ถอนชื่อจากการคัดกรองในรอบนี้"


def reason_for(state: CandidateState, found: str | None) -> str:
    if state is CandidateState.certified:
        return ""
    if found:
        return found
    if state is CandidateState.withdrawn:
        return WITHDRAWN_REASON
    return NOT_ELIGIBLE_REASON


@dataclass(frozen=True)
class LetterView:
    """One letter as the page, the mail and LINE show it."""

    letter_id: int
    reference: str
    issued_text: str
    addressee: str
    address: str
    round_title: str
    fiscal_year: int
    passed: bool
    reason: str
    head: Letterhead
    wording: ProgrammeWording
    assessed_by: str
    """The assessing teams, in their order: "ทีมสำรวจข้อมูล … และทีมอาสาสมัคร …"."""
    levels: str
    """How many levels of assessment, in Thai digits."""
    certified_by: str
    """The committee that certified the list (programmes.toml)."""

    def context(self) -> dict[str, Any]:
        return {"l": self}


def letter_view(
    letter: ScreeningLetter, screening_round: ScreeningRound, *, addressee: str, address: str
) -> LetterView:
    head = letterhead()
    stages = stages_of(screening_round)
    assessments = stages.of_kind("assessment")
    certification = stages.first("certification")
    return LetterView(
        letter_id=letter.id or 0,
        reference=f"{head.reference_prefix} {screening_round.fiscal_year}/{letter.number:04d}",
        issued_text=format_thai_date(letter.issued_at, thai_digits=True),
        addressee=addressee,
        address=address,
        round_title=screening_round.title,
        fiscal_year=screening_round.fiscal_year,
        passed=letter.outcome == LetterOutcome.passed,
        reason=letter.reason,
        head=head,
        wording=head.wording[screening_round.programme],
        assessed_by="และ".join(teams()[s.team or ""].title for s in assessments),
        levels=arabic_digit_to_thai_digit(str(len(assessments))),
        certified_by=(certification and certification.committee) or "เทศบาลนครขอนแก่น",
    )


_line_env = Environment(
    loader=FileSystemLoader(PROJECT_ROOT / "templates" / "screening" / "mail"),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    autoescape=False,  # plain text for LINE
)


def line_texts(view: LetterView) -> list[str]:
    """The LINE push: the letter's words as one text."""
    text = _line_env.get_template("screening_letter_line.txt").render(view.context()).strip()
    return [text[:LINE_MAX_TEXT]]
