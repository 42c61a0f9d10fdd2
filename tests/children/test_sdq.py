"""The SDQ's scoring against hand-computed examples for each form (reversed items included)
and both sides of every cut-off of the original three-band scoring (sdqinfo.org)."""

import pytest

from domain.children.instruments import Band, instrument
from domain.children.instruments.sdq import sdq
from domain.errors import InvalidInput

REVERSED = {7, 11, 14, 21, 25}
SCALES = {
    "emotional": (3, 8, 13, 16, 24),
    "conduct": (5, 7, 12, 18, 22),
    "hyperactivity": (2, 10, 15, 21, 25),
    "peer": (6, 11, 14, 19, 23),
    "prosocial": (1, 4, 9, 17, 20),
}

# form -> scale -> (highest normal, highest at risk); prosocial: (lowest normal, lowest at
# risk), high being good. From "Scoring the SDQ" (youthinmind), typed here by hand.
CUT_OFFS = {
    "teacher": {
        "total": (11, 15),
        "emotional": (4, 5),
        "conduct": (2, 3),
        "hyperactivity": (5, 6),
        "peer": (3, 4),
        "prosocial": (6, 5),
    },
    "parent": {
        "total": (13, 16),
        "emotional": (3, 4),
        "conduct": (2, 3),
        "hyperactivity": (5, 6),
        "peer": (2, 3),
        "prosocial": (6, 5),
    },
    "self": {
        "total": (15, 19),
        "emotional": (5, 6),
        "conduct": (3, 4),
        "hyperactivity": (5, 6),
        "peer": (3, 5),
        "prosocial": (6, 5),
    },
}


def scoring(scores: dict[int, int]) -> list[int]:
    """Answers giving each item the score asked (others 0): a reversed item's answer is
    2 minus its score."""
    answers = []
    for item in range(1, 26):
        score = scores.get(item, 0)
        answers.append(2 - score if item in REVERSED else score)
    return answers


def scale_at(scale: str, value: int) -> dict[int, int]:
    """Item scores making ``scale`` score ``value`` (filled 2, 2, … in item order)."""
    scores, left = {}, value
    for item in SCALES[scale]:
        scores[item] = min(2, left)
        left -= scores[item]
    return scores


def test_the_registry_finds_the_sdq():
    tool = instrument("sdq")
    assert tool.item_count == 25
    assert set(tool.forms()) == {"teacher", "parent", "self"}
    assert [v for v, _label in tool.answers()] == [0, 1, 2]
    assert "sdqinfo" in tool.source
    with pytest.raises(InvalidInput):
        instrument("cbcl")


def test_all_answered_somewhat_true_by_hand():
    # Every item answered 1 scores 1, reversed or not: each scale 5, total 20.
    for form, expected in {
        "teacher": {
            "emotional": Band.at_risk,
            "conduct": Band.problem,
            "hyperactivity": Band.normal,
            "peer": Band.problem,
            "prosocial": Band.at_risk,
        },
        "parent": {
            "emotional": Band.problem,
            "conduct": Band.problem,
            "hyperactivity": Band.normal,
            "peer": Band.problem,
            "prosocial": Band.at_risk,
        },
        "self": {
            "emotional": Band.normal,
            "conduct": Band.problem,
            "hyperactivity": Band.normal,
            "peer": Band.at_risk,
            "prosocial": Band.at_risk,
        },
    }.items():
        scored = sdq().score(form, [1] * 25)
        assert dict(scored.scales) == dict.fromkeys(SCALES, 5)
        assert scored.total == 20 and scored.band == Band.problem
        assert dict(scored.scale_bands) == expected


def test_reversed_items_by_hand():
    # All answered 2: reversed items (7; 21, 25; 11, 14) score 0.
    scored = sdq().score("teacher", [2] * 25)
    assert dict(scored.scales) == {
        "emotional": 10,
        "conduct": 8,
        "hyperactivity": 6,
        "peer": 6,
        "prosocial": 10,
    }
    assert scored.total == 30 and scored.band == Band.problem
    # All answered 0: the reversed items score 2 each.
    scored = sdq().score("parent", [0] * 25)
    assert dict(scored.scales) == {
        "emotional": 0,
        "conduct": 2,
        "hyperactivity": 4,
        "peer": 4,
        "prosocial": 0,
    }
    assert scored.total == 10 and scored.band == Band.normal
    assert scored.scale_bands["peer"] == Band.problem  # parent: peer 4 is abnormal
    assert scored.scale_bands["prosocial"] == Band.problem
    # A mixed teacher form: item 7 answered 0 (score 2), item 25 answered 2 (score 0).
    answers = scoring({3: 2, 8: 1, 5: 1, 12: 2, 2: 2, 10: 2, 15: 1, 6: 1, 1: 2, 4: 1})
    answers[7 - 1], answers[25 - 1] = 0, 2
    scored = sdq().score("teacher", answers)
    assert dict(scored.scales) == {
        "emotional": 3,
        "conduct": 5,
        "hyperactivity": 5,
        "peer": 1,
        "prosocial": 3,
    }
    assert scored.total == 14 and scored.band == Band.at_risk


@pytest.mark.parametrize("form", ["teacher", "parent", "self"])
def test_total_difficulties_both_sides_of_each_cut_off(form):
    last_normal, last_at_risk = CUT_OFFS[form]["total"]
    cases = {
        last_normal: Band.normal,
        last_normal + 1: Band.at_risk,
        last_at_risk: Band.at_risk,
        last_at_risk + 1: Band.problem,
        0: Band.normal,
        40: Band.problem,
    }
    for total, band in cases.items():
        scores: dict[int, int] = {}
        left = total
        for scale in ("emotional", "conduct", "hyperactivity", "peer"):
            part = min(10, left)
            scores |= scale_at(scale, part)
            left -= part
        scored = sdq().score(form, scoring(scores))
        assert scored.total == total
        assert scored.band == band, (form, total)


@pytest.mark.parametrize("form", ["teacher", "parent", "self"])
@pytest.mark.parametrize("scale", ["emotional", "conduct", "hyperactivity", "peer"])
def test_difficulty_scales_both_sides_of_each_cut_off(form, scale):
    last_normal, last_at_risk = CUT_OFFS[form][scale]
    for value, band in (
        (last_normal, Band.normal),
        (last_normal + 1, Band.at_risk),
        (last_at_risk, Band.at_risk),
        (last_at_risk + 1, Band.problem),
    ):
        scored = sdq().score(form, scoring(scale_at(scale, value)))
        assert scored.scales[scale] == value
        assert scored.scale_bands[scale] == band, (form, scale, value)


@pytest.mark.parametrize("form", ["teacher", "parent", "self"])
def test_prosocial_is_a_strength(form):
    for value, band in ((6, Band.normal), (5, Band.at_risk), (4, Band.problem), (10, Band.normal)):
        scored = sdq().score(form, scoring(scale_at("prosocial", value)))
        assert scored.scales["prosocial"] == value
        assert scored.scale_bands["prosocial"] == band
        assert scored.total == 0  # prosocial is not part of total difficulties


def test_wrong_answers_are_refused_in_thai():
    with pytest.raises(InvalidInput, match="25 ข้อ"):
        sdq().score("teacher", [0] * 24)
    with pytest.raises(InvalidInput, match="ข้อ 3"):
        sdq().score("teacher", [0, 0, 3] + [0] * 22)
    with pytest.raises(InvalidInput, match="ฉบับ"):
        sdq().score("principal", [0] * 25)
