"""The result letters through real SMTP (the local capture server): each person with an
e-mail address receives their letter once, however often the round is notified and the
outbox delivered; a fail carries its reason."""

import pytest
from sqlmodel import Session, select

from adapters.mail import deliver_outbox
from core.settings import Settings
from domain.screening.letters import notify_round
from models.screening_benefits import LetterOutcome, ScreeningLetter
from ops.smtp_capture import SmtpCapture
from tests.screening.benefits_fixtures import EXCLUDE, certified_round


@pytest.mark.slow
async def test_each_letter_is_mailed_once_through_smtp(engine, people, tmp_path):
    big = certified_round(engine, people)
    with SmtpCapture(port=0, directory=tmp_path / "mail") as smtp:
        settings = Settings(smtp_host="127.0.0.1", smtp_port=smtp.port, smtp_timeout_seconds=5)
        notify_round(engine, big.id)
        await deliver_outbox(engine, settings, limit=500)
        notify_round(engine, big.id)
        await deliver_outbox(engine, settings, limit=500)
        letters_mail = [m for m in smtp.messages if "ผลการคัดกรอง" in m.subject]
    assert sorted(r for m in letters_mail for r in m.rcpt_tos) == sorted(big.emails.values())
    with Session(engine) as session:
        letters = {
            lt.candidate_id: lt
            for lt in session.exec(
                select(ScreeningLetter).where(ScreeningLetter.round_id == big.id)
            )
        }
    by_address = {m.rcpt_tos[0]: m for m in letters_mail}
    for candidate_id, address in big.emails.items():
        mail, letter = by_address[address], letters[candidate_id]
        assert f"{letter.number:04d}" in mail.subject and "ปีงบประมาณ 2570" in mail.text
        if letter.outcome == LetterOutcome.passed:
            assert "ผ่านการคัดกรอง" in mail.text and "ไม่ผ่าน" not in mail.text
        else:
            assert "ไม่ผ่านการคัดกรอง" in mail.text and letter.reason in mail.text
    excluded_with_mail = [big.candidates[n] for n in EXCLUDE if big.candidates[n] in big.emails]
    for c in excluded_with_mail:
        assert "มติ คทม." in by_address[big.emails[c]].text
