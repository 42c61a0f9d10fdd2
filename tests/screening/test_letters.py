"""Every candidate is told, pass or fail with the reason for a fail: one letter each (running
``notify_round`` twice adds nothing), one e-mail and one LINE push where a contact is known."""

import pytest
from sqlmodel import Session, col, select

from domain.errors import Conflict
from domain.screening.letters import line_key, mail_key, notify_round
from models.line_push import LinePush
from models.outbox import OutboxEmail
from models.readlog import ReadLogEntry
from models.screening import Candidate, CandidateState
from models.screening_benefits import LetterOutcome, ScreeningLetter
from tests.screening.benefits_fixtures import (
    BOTH_NOT,
    EXCLUDE,
    certified_round,
    states,
)


def test_every_candidate_gets_exactly_one_letter_even_when_notified_twice(engine, people):
    big = certified_round(engine, people)
    got = states(engine, big.candidates)
    assert sum(s == CandidateState.certified for s in got.values()) == 30 - 3 - 2 - 2
    first = notify_round(engine, big.id)
    with Session(engine) as session:  # each addressee's protected record read once, logged
        logged = session.exec(select(ReadLogEntry)).all()
        assert len(logged) == 30 == len({e.record_id for e in logged})
        assert all(e.user_id is None and e.allowed and "แจ้งผล" in e.purpose for e in logged)
    again = notify_round(engine, big.id)
    assert (first.letters_issued, first.letters_total) == (30, 30)
    assert (again.letters_issued, again.mails_queued, again.line_pushes_queued) == (0, 0, 0)
    assert first.mails_queued == len(big.emails) and first.line_pushes_queued == len(big.line_ids)
    with Session(engine) as session:
        letters = {
            lt.candidate_id: lt
            for lt in session.exec(
                select(ScreeningLetter).where(ScreeningLetter.round_id == big.id)
            )
        }
        assert set(letters) == set(big.candidates)  # the merged duplicate gets none
        assert sorted(lt.number for lt in letters.values()) == list(range(1, 31))
        failed = {big.candidates[n] for n in BOTH_NOT | EXCLUDE | {15, 21}}
        for c, letter in letters.items():
            assert (letter.outcome == LetterOutcome.not_passed) == (c in failed)
            assert bool(letter.reason) == (c in failed)
        for n in EXCLUDE:
            reason = letters[big.candidates[n]].reason
            assert "มติ คทม. ครั้งที่ 13/2569" in reason and "โครงการอื่น" in reason
        assert "สำรวจร่วม" in letters[big.candidates[15]].reason
        mails = session.exec(
            select(OutboxEmail).where(col(OutboxEmail.dedupe_key).startswith("screening-letter:"))
        ).all()
        assert sorted(m.to_address for m in mails) == sorted(big.emails.values())
        assert {m.dedupe_key for m in mails} == {mail_key(c) for c in big.emails}
        pushes = session.exec(select(LinePush)).all()
        assert {(p.dedupe_key, p.line_user_id) for p in pushes} == {
            (line_key(c), line) for c, line in big.line_ids.items()
        }


def test_a_round_not_yet_certified_is_not_notified(engine, people):
    from tests.screening.assessment_fixtures import make_round

    r = make_round(engine, people, count=2)
    with pytest.raises(Conflict, match="ยังไม่สิ้นสุด"):
        notify_round(engine, r.id)
    with Session(engine) as session:
        assert session.exec(select(ScreeningLetter)).all() == []
        assert session.exec(select(Candidate)).all()
