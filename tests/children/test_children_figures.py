"""The executives' figures: counts only, a count of 1 to 4 shown as "<5" (as the integrity
statistics), with secondary suppression where a published total would give a hidden cell
back; who may read them; the A4 page with the date of the data in the Buddhist Era."""

from datetime import date

import pytest
from sqlmodel import Session

from domain.children.figures import figures
from domain.children.figures_suppression import suppress_table
from domain.children.referrals import confirm
from domain.engine.calendar import fiscal_year
from domain.errors import NotEntitled
from models.screening import Sex
from tests.children.referral_fixtures import children_roster, children_staff, programme, youth
from tests.helpers import login, sign_in

__all__ = ["children_roster", "children_staff", "programme"]


def test_a_cell_of_3_is_shown_as_under_5_and_zero_stays_zero():
    shown = suppress_table({"a": {"x": 3, "y": 0, "z": 12}}, ["x", "y", "z"], 5)
    # the row total (15) would give the 3 back: the smallest other non-zero cell goes too
    assert shown.cells == {"a": {"x": "<5", "y": "0", "z": "<5"}}
    assert shown.row_totals == {"a": "15"}


def test_secondary_suppression_in_rows_and_columns():
    counts = {
        "s1": {"x": 3, "y": 20, "z": 9},
        "s2": {"x": 10, "y": 30, "z": 7},
        "s3": {"x": 11, "y": 6, "z": 40},
    }
    shown = suppress_table(counts, ["x", "y", "z"], 5)
    hidden = {(r, c) for r, row in shown.cells.items() for c, v in row.items() if v == "<5"}
    assert ("s1", "x") in hidden
    # no row or column with a published total has exactly one hidden cell
    for r in counts:
        assert sum((r, c) in hidden for c in "xyz") != 1
    for c in "xyz":
        assert sum((r, c) in hidden for r in counts) != 1
    assert shown.column_totals == {"x": "24", "y": "56", "z": "56"}
    assert shown.total == "136"


def test_a_column_of_counts_with_a_total_only():
    counts = {"m3": {"n": 112}, "m6": {"n": 41}, "university": {"n": 4}, "job": {"n": 46}}
    shown = suppress_table(counts, ["n"], 5, row_totals=False)
    assert shown.cells["university"]["n"] == "<5"
    assert shown.cells["m6"]["n"] == "<5"  # the smallest other: else 203 - visible = 4
    assert shown.cells["m3"]["n"] == "112" and shown.column_totals == {"n": "203"}
    alone = suppress_table({"a": {"n": 3}, "b": {"n": 0}}, ["n"], 5, row_totals=False)
    assert alone.cells == {"a": {"n": "<5"}, "b": {"n": "0"}} and alone.total == "<5"


def test_executives_and_coordinators_read_the_figures_teachers_do_not(engine, programme):
    users = programme
    for n in range(3):
        person = youth(engine, f"ฟ{n}", Sex.male, date(2012, 1, 1))
        confirm(
            engine,
            user_id=users["siriporn"].id,
            person_id=person,
            on=date(2026, 11, 2),
            problems=[],
            agencies=["baan-rao"],
        )
    with Session(engine) as session:
        found = figures(session, user=users["mayor"], year=2570)
        [(agency_id, name)] = found.referrals.rows
        assert found.referrals.shown.cells[agency_id] == {
            "waiting": "<5",
            "in_care": "0",
            "declined": "0",
            "closed": "0",
        }
        assert found.referrals.shown.row_totals[agency_id] == "<5"
        assert figures(session, user=users["siriporn"], year=2570).referrals.rows
        assert figures(session, user=users["mayor"], year=2569).referrals.rows == []
        with pytest.raises(NotEntitled):
            figures(session, user=users["kru_somsri"], year=2570)


def test_the_figures_page_and_json(engine, programme, client):
    sign_in(client, "mayor")
    year = fiscal_year(date.today())
    page = client.get(f"/pages/children/figures?year={year}")
    assert page.status_code == 200
    assert "ข้อมูล ณ วันที่" in page.text and str(year) in page.text
    assert "/static/children-figures.css" in page.text
    assert "แสดงเป็น &#34;&lt;5&#34;" in page.text or 'แสดงเป็น "&lt;5"' in page.text
    data = client.get(f"/api/children/figures?year={year}", headers=login(client, "mayor")).json()
    assert data["year"] == year and len(data["screened"]["rows"]) == 11
    refused = client.get(f"/api/children/figures?year={year}", headers=login(client, "kru_somsri"))
    assert refused.status_code == 403
