"""Disclosure control: no small count can be read or worked out from a public table."""

import pytest

from casebridge.analytics.disclosure import SUPPRESSED, protect, protect_count


def recoverable(table) -> bool:
    """Could any hidden cell be worked out from its row's or column's published total?"""
    rows, columns = len(table.cells), len(table.cells[0])
    for r in range(rows):
        if sum(cell is None for cell in table.cells[r]) == 1:
            return True
    return any(sum(table.cells[r][c] is None for r in range(rows)) == 1 for c in range(columns))


def test_counts_under_the_threshold_are_hidden_and_noughts_are_not():
    table = protect([[0, 3, 20, 30], [12, 14, 16, 18]])
    assert table.cells[0][0] == 0
    assert table.shown(0, 1) == SUPPRESSED
    assert table.primary == 1


def test_a_second_cell_is_hidden_so_totals_cannot_reveal_the_first():
    table = protect([[2, 10, 30], [15, 40, 8]])
    assert table.cells[0][0] is None
    assert not recoverable(table)
    assert table.secondary >= 1
    assert table.row_totals == [42, 63] and table.column_totals == [17, 50, 38]


@pytest.mark.parametrize(
    "counts",
    [
        [[1, 2, 3], [4, 5, 6], [7, 8, 9]],
        [[4, 50, 60, 70], [30, 40, 1, 90], [11, 12, 13, 14]],
        [[9, 9], [9, 3]],
    ],
)
def test_no_hidden_cell_is_ever_alone_in_a_line(counts):
    assert not recoverable(protect(counts))


def test_the_threshold_is_configurable():
    assert protect([[6, 20], [30, 40]], threshold=10).cells[0][0] is None
    assert protect([[6, 20], [30, 40]]).cells[0][0] == 6


def test_a_single_count_is_hidden_when_small():
    assert [protect_count(n) for n in (0, 1, 4, 5)] == [0, None, None, 5]


def test_negative_counts_are_refused():
    with pytest.raises(ValueError):
        protect([[-1, 5]])


def test_a_total_made_of_one_hidden_count_and_noughts_must_not_be_published():
    table = protect([[0, 3, 0], [10, 20, 30]])
    assert table.total_reveals(row=0)
    assert not table.total_reveals(row=1)
