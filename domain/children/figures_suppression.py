"""Small-number suppression of a table of counts, as the integrity statistics publish theirs
(``domain.integrity.statistics``: a count of 1 to 4 is shown as "<5", zero stays 0), widened
from one row to a table: where a row's or a column's total is published, a single suppressed
cell in it could be subtracted back out, so the smallest other non-zero cell is suppressed as
well (secondary suppression), in rows and columns alike until nothing more can be worked out.
Pure: the figures pass it counts."""

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass

from domain.integrity.statistics import SUPPRESSED, suppress_row

Key = Hashable


@dataclass(frozen=True)
class Suppressed:
    cells: dict[Key, dict[Key, str]]
    row_totals: dict[Key, str]
    column_totals: dict[Key, str]
    total: str


def shown(count: int, floor: int) -> str:
    return SUPPRESSED if 0 < count < floor else str(count)


def _hide_partner(
    line: Sequence[tuple[Key, Key]],
    counts: Mapping[Key, Mapping[Key, int]],
    hidden: set[tuple[Key, Key]],
    total: int,
    floor: int,
) -> bool:
    """Within one row or column whose total is published: if exactly one cell is hidden,
    hide the smallest other non-zero cell; True when something was hidden."""
    if not 0 < total < floor and sum(1 for c in line if c in hidden) == 1:
        others = [(counts[r][k], str(r), str(k), (r, k)) for r, k in line if (r, k) not in hidden]
        others = [o for o in others if o[0] > 0]
        if others:
            hidden.add(min(others)[3])
            return True
    return False


def suppress_table(
    counts: Mapping[Key, Mapping[Key, int]],
    columns: Sequence[Key],
    floor: int,
    *,
    row_totals: bool = True,
    column_totals: bool = True,
) -> Suppressed:
    """``counts[row][column]`` as published, with whichever totals the table shows."""
    rows = list(counts)
    hidden: set[tuple[Key, Key]] = set()
    for row in rows:  # each row as the integrity statistics suppress theirs
        cells, _ = suppress_row({c: counts[row][c] for c in columns}, floor)
        hidden |= {(row, c) for c, v in cells.items() if v == SUPPRESSED}
    if not row_totals:  # no row total: only the small cells themselves
        hidden = {(r, c) for r, c in hidden if 0 < counts[r][c] < floor}
    changed = True
    while changed:
        changed = False
        if row_totals:
            for row in rows:
                line = [(row, c) for c in columns]
                total = sum(counts[row][c] for c in columns)
                changed |= _hide_partner(line, counts, hidden, total, floor)
        if column_totals:
            for column in columns:
                line = [(r, column) for r in rows]
                total = sum(counts[r][column] for r in rows)
                changed |= _hide_partner(line, counts, hidden, total, floor)
    cells = {
        r: {c: SUPPRESSED if (r, c) in hidden else str(counts[r][c]) for c in columns} for r in rows
    }
    grand = sum(counts[r][c] for r in rows for c in columns)
    return Suppressed(
        cells=cells,
        row_totals={r: shown(sum(counts[r][c] for c in columns), floor) for r in rows}
        if row_totals
        else {},
        column_totals={c: shown(sum(counts[r][c] for r in rows), floor) for c in columns}
        if column_totals
        else {},
        total=shown(grand, floor),
    )
