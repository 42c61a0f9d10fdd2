"""The category of a complaint that came as free text (LINE): a first guess that the centre
checks at screening."""

import re

from sqlmodel import Session, select

from domain.complaints.policy import complaint_policy
from models.complaint import ComplaintCategory

FALLBACK_CATEGORY = "other"
MIN_MATCH = 3


def _fragments(name: str) -> list[str]:
    return [w for w in re.split(r"[/()\s]+", name) if w]


def _longest_common(a: str, b: str) -> int:
    best = 0
    prev = [0] * (len(b) + 1)
    for ca in a:
        cur = [0] * (len(b) + 1)
        for j, cb in enumerate(b, start=1):
            if ca == cb:
                cur[j] = prev[j - 1] + 1
                best = max(best, cur[j])
        prev = cur
    return best


def guess_category(session: Session, text: str) -> str:
    """The category whose name shares the longest run of characters with the text (at least
    MIN_MATCH, counted per fragment of the name split at '/', spaces and brackets), ties to the
    order of config/complaints.toml. Nothing matching: the ``other`` category if there is one,
    else the first category of the complaint centre's division (it screens every complaint and
    corrects the category), else the first category. The centre checks it at screening."""
    active = {c.code: c for c in session.exec(select(ComplaintCategory)) if c.active}
    if not active:
        return FALLBACK_CATEGORY
    policy = complaint_policy()
    order = [c["code"] for c in policy.categories if c.get("code") in active]
    order += sorted(code for code in active if code not in order)
    lowered = text.lower()
    best, best_code = 0, None
    for code in order:
        score = max(
            (_longest_common(f.lower(), lowered) for f in _fragments(active[code].name)),
            default=0,
        )
        if score > best:
            best, best_code = score, code
    if best_code is not None and best >= MIN_MATCH:
        return best_code
    if FALLBACK_CATEGORY in active:
        return FALLBACK_CATEGORY
    centre = [c for c in order if active[c].division_code == policy.centre_division]
    return (centre or order)[0]
