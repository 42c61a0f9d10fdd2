"""People, nominations, rounds and duplicates: the Thai ID's check digit, one candidate per
person and round, who may open a round, suggestions on similar Thai names and merging."""

from datetime import date, timedelta

import pytest
from sqlmodel import Session, select

from domain.errors import Conflict, InvalidInput, NotEntitled
from domain.screening import ids, service
from domain.screening.duplicates import suggestions
from domain.screening.history import history
from domain.screening.nominations import NominationInput
from domain.screening.people import PersonInput, name_key
from domain.screening.rounds import figures, today
from models.audit import AuditEntry
from models.screening import (
    Candidate,
    CandidateState,
    DistinctPair,
    Nomination,
    NominationSource,
    Person,
    Programme,
    School,
)
from tests.screening.conftest import community_id, community_names, open_round, thai_id


@pytest.mark.parametrize(
    ("raw", "wrong"),
    [
        ("1101700230708", None),  # 146 mod 11 = 3; (11 - 3) mod 10 = 8
        ("1-1017-00230-70-8", None),
        ("๑๑๐๑๗๐๐๒๓๐๗๐๘", None),
        ("1101700230705", "เลขตรวจสอบ"),
        ("110170023070", "13 หลัก"),
        ("11017002307O8", "ตัวเลข"),
        ("0101700230701", "ขึ้นต้นด้วย 0"),
    ],
)
def test_thai_id_check_digit(raw: str, wrong: str | None) -> None:
    found = ids.problem(raw)
    if wrong is None:
        assert found is None and ids.valid_thai_id(raw) == "1101700230708"
    else:
        assert found is not None and wrong in found
        with pytest.raises(InvalidInput):
            ids.valid_thai_id(raw)


def test_thai_soundex_keeps_spellings_of_one_name_together() -> None:
    assert name_key("สมศรี", "ใจดี") == name_key("สมสี", "ใจดี")
    assert name_key("ประเสริฐ", "วรรณา") == name_key("ประเสิฐ", "วันนา")
    assert name_key("สมศรี", "ใจดี") != name_key("สมศักดิ์", "ใจดี")


def person(first: str, last: str = "ทองดี", **fields: object) -> PersonInput:
    return PersonInput(first_name=first, last_name=last, prefix="นาง", **fields)  # type: ignore[arg-type]


def test_a_coordinator_of_the_welfare_division_opens_a_round(engine, screening_people) -> None:
    with pytest.raises(NotEntitled):
        open_round(engine, screening_people["somchai"])  # กย.
    opened = open_round(engine, screening_people["siriporn"])
    assert opened.stage_deadlines["assessment-1"] > opened.nomination_closes_on.isoformat()
    with Session(engine) as session:
        community_count = len(community_names(engine, opened.id))  # type: ignore[arg-type]
        actions = session.exec(select(AuditEntry.action).where(AuditEntry.case_id == opened.id))
        assert "screening_round_opened" in set(actions)
    assert community_count == 95  # the current list, not the older 90
    with pytest.raises(Conflict):
        open_round(engine, screening_people["siriporn"])  # the same title twice


def test_stage_deadlines_follow_the_stages(engine, screening_people) -> None:
    closes = today() + timedelta(days=10)
    with pytest.raises(InvalidInput, match="ประเมินครั้งที่ 2"):
        service.open_round(
            engine,
            user_id=screening_people["siriporn"].id,
            programme=Programme.welfare,
            fiscal_year=2570,
            title="รอบทดสอบ",
            nomination_opens_on=today(),
            nomination_closes_on=closes,
            stage_deadlines={
                "assessment-1": closes + timedelta(days=10),
                "assessment-2": closes + timedelta(days=5),  # before round 1 ends
                "joint-survey": closes + timedelta(days=20),
                "confirmation": closes + timedelta(days=21),
                "certification": closes + timedelta(days=22),
                "notification": closes + timedelta(days=23),
            },
        )


def test_nominations_from_every_source_one_candidate_per_person(engine, screening_people) -> None:
    officer = screening_people["siriporn"]
    opened = open_round(engine, officer)
    first_community = community_id(engine, opened.id, community_names(engine, opened.id)[0])  # type: ignore[arg-type]
    with Session(engine) as session:
        school_id = session.exec(select(School.id)).first()
    child = person("เด็กหญิงมะลิ", thai_id=thai_id(1), community_id=first_community)
    sources = {
        NominationSource.community_president: {},
        NominationSource.teacher: {"school_id": school_id},
        NominationSource.council_member: {},
        NominationSource.own_petition: {},
        NominationSource.officer: {},
        NominationSource.other_group: {},
    }
    for source, extra in sources.items():
        service.nominate(
            engine,
            user_id=officer.id,  # type: ignore[arg-type]
            round_id=opened.id,  # type: ignore[arg-type]
            data=NominationInput(person=child, source=source, nominator_name="ผู้เสนอ", **extra),  # type: ignore[arg-type]
        )
    with pytest.raises(InvalidInput, match="โรงเรียน"):
        service.nominate(
            engine,
            user_id=officer.id,  # type: ignore[arg-type]
            round_id=opened.id,  # type: ignore[arg-type]
            data=NominationInput(
                person=child, source=NominationSource.teacher, nominator_name="ครู"
            ),
        )
    with Session(engine) as session:
        found = figures(session, opened.id)  # type: ignore[arg-type]
    assert (found.nominations, found.candidates) == (6, 1)
    assert set(found.by_source) == {s.value for s in NominationSource}


def test_nominations_only_within_the_window(engine, screening_people) -> None:
    officer = screening_people["siriporn"]
    later = open_round(engine, officer, opens=today() + timedelta(days=3))
    with pytest.raises(Conflict, match="นอกช่วงรับรายชื่อ"):
        service.nominate(
            engine,
            user_id=officer.id,  # type: ignore[arg-type]
            round_id=later.id,  # type: ignore[arg-type]
            data=NominationInput(
                person=person("สมใจ"), source=NominationSource.own_petition, nominator_name="สมใจ"
            ),
        )


def test_similar_names_suggested_and_merge_keeps_every_nomination(engine, screening_people) -> None:
    officer = screening_people["siriporn"]
    opened = open_round(engine, officer)
    rid = opened.id
    home = community_id(engine, rid, community_names(engine, rid)[3])  # type: ignore[arg-type]
    born = date(1967, 3, 15)

    def add(p: PersonInput, source: NominationSource, **extra: object) -> int:
        nomination = service.nominate(
            engine,
            user_id=officer.id,  # type: ignore[arg-type]
            round_id=rid,  # type: ignore[arg-type]
            data=NominationInput(person=p, source=source, nominator_name="ผู้เสนอ", **extra),  # type: ignore[arg-type]
        )
        return nomination.person_id

    first = add(
        person("สมศรี", thai_id=thai_id(7), birth_date=born, community_id=home),
        NominationSource.community_president,
    )
    second = add(person("สมสี", birth_date=born, community_id=home), NominationSource.council_member)
    add(person("สมศักดิ์", birth_date=born, community_id=home), NominationSource.officer)
    add(person("สมสี", birth_date=date(1980, 1, 1), community_id=home), NominationSource.officer)
    with Session(engine) as session:
        found = suggestions(session, rid)  # type: ignore[arg-type]
    assert [(s.first.id, s.second.id) for s in found] == [(first, second)]
    assert "วันเกิดเดียวกัน" in found[0].reasons and "ชุมชนเดียวกัน" in found[0].reasons

    with pytest.raises(NotEntitled):
        service.merge_persons(
            engine,
            user_id=screening_people["somchai"].id,
            keep_id=first,
            drop_id=second,
            reason="ซ้ำ",  # type: ignore[arg-type]
        )
    kept = service.merge_persons(
        engine,
        user_id=officer.id,
        keep_id=second,
        drop_id=first,
        reason="คนเดียวกัน",  # type: ignore[arg-type]
    )
    assert kept.id == second and kept.thai_id == thai_id(7)  # taken from the merged record
    with Session(engine) as session:
        sources = session.exec(select(Nomination.source).where(Nomination.person_id == second))
        assert sorted(sources) == ["community_president", "council_member"]
        states = dict(
            session.exec(
                select(Candidate.person_id, Candidate.state).where(Candidate.round_id == rid)
            ).all()
        )
        assert states[first] == CandidateState.merged and states[second] == CandidateState.nominated
        assert session.get(Person, first).merged_into_id == second  # type: ignore[union-attr]
        assert suggestions(session, rid) == []  # type: ignore[arg-type]
        assert figures(session, rid).candidates == 3  # type: ignore[arg-type]
        assert "screening_persons_merged" in set(
            session.exec(select(AuditEntry.action).where(AuditEntry.case_id == rid))
        )


def test_a_person_nominated_again_shows_the_earlier_round(engine, screening_people) -> None:
    officer = screening_people["siriporn"]
    earlier = open_round(engine, officer, title="รอบ 2569", fiscal_year=2569)
    later = open_round(engine, officer, title="รอบ 2570")
    for r in (earlier, later):
        pid = service.nominate(
            engine,
            user_id=officer.id,  # type: ignore[arg-type]
            round_id=r.id,  # type: ignore[arg-type]
            data=NominationInput(
                person=person("บุญมา", thai_id=thai_id(42)),
                source=NominationSource.own_petition,
                nominator_name="บุญมา ทองดี",
            ),
        ).person_id
    with Session(engine) as session:
        found = history(session, pid)
    assert [e.round.id for e in found.earlier_than(later.id)] == [earlier.id]  # type: ignore[arg-type]
    assert found.rounds[0].sources == ("ยื่นคำร้องด้วยตนเอง",)
    assert not found.helped_in_past_year


def test_a_pair_found_to_be_two_people_is_not_suggested_again(engine, screening_people) -> None:
    officer = screening_people["siriporn"]
    rid = open_round(engine, officer).id
    home = community_id(engine, rid, community_names(engine, rid)[3])  # type: ignore[arg-type]
    born = date(1967, 3, 15)
    ids = [
        service.nominate(
            engine,
            user_id=officer.id,  # type: ignore[arg-type]
            round_id=rid,  # type: ignore[arg-type]
            data=NominationInput(
                person=person(name, birth_date=born, community_id=home),
                source=NominationSource.officer,
                nominator_name="ผู้เสนอ",
            ),
        ).person_id
        for name in ("สมศรี", "สมสี")
    ]
    with pytest.raises(InvalidInput, match="เหตุผล"):
        service.mark_distinct_persons(
            engine, user_id=officer.id, first_id=ids[1], second_id=ids[0], reason=" "
        )
    with pytest.raises(NotEntitled):
        service.mark_distinct_persons(
            engine,
            user_id=screening_people["somchai"].id,
            first_id=ids[1],
            second_id=ids[0],
            reason="คนละคน",
        )
    with Session(engine) as session:
        assert len(suggestions(session, rid)) == 1  # type: ignore[arg-type]
    for _ in range(2):  # asked twice: one record
        service.mark_distinct_persons(
            engine, user_id=officer.id, first_id=ids[1], second_id=ids[0], reason="ตรวจบัตรแล้ว"
        )
    with Session(engine) as session:
        assert suggestions(session, rid) == []  # type: ignore[arg-type]
        assert session.exec(select(DistinctPair.first_person_id)).all() == [min(ids)]
        assert "screening_persons_distinct" in set(
            session.exec(select(AuditEntry.action).where(AuditEntry.case_id == rid))
        )
        assert figures(session, rid).candidates == 2  # type: ignore[arg-type]
