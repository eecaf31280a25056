"""Disclosure control: no small count can be read or worked out from a public table."""

import pytest

from casebridge.analytics.disclosure import SUPPRESSED, protect, protect_count, protect_with_totals


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


def bordered(table):
    """The protected table with its totals around it, as printed."""
    return [
        *([*cells, total] for cells, total in zip(table.cells, table.row_totals, strict=True)),
        [*table.column_totals, table.grand_total],
    ]


def lonely(grid) -> bool:
    """Is any hidden value alone in its row or column of the bordered table (so recoverable,
    since each line adds up)?"""
    lines = [*grid, *zip(*grid, strict=True)]
    return any(sum(value is None for value in line) == 1 for line in lines)


def test_with_totals_one_small_cell_hides_a_second_in_its_row_and_its_column():
    table = protect_with_totals([[3, 10, 12, 9], [8, 12, 7, 11], [9, 7, 6, 11]])
    hidden = {(r, c) for r, row in enumerate(table.cells) for c, v in enumerate(row) if v is None}
    assert hidden == {(0, 0), (0, 3), (1, 0), (1, 3)}  # the smallest others, then theirs
    assert table.row_totals == [34, 38, 33] and table.grand_total == 105
    assert table.column_totals == [20, 29, 25, 31]
    assert (table.primary, table.secondary) == (1, 3)


def test_a_total_that_would_reveal_a_hidden_cell_is_hidden_and_so_is_another():
    counts = [[3, 0, 0, 0], [10, 12, 8, 9], [6, 7, 5, 11]]
    assert protect(counts).total_reveals(row=0)  # police's total is the hidden 3
    table = protect_with_totals(counts, column_totals_published=True)
    assert table.cells[0][0] is None and table.row_totals[0] is None
    # ... and the grand total less the other row totals would give it back: another goes
    assert table.row_totals == [None, 39, None] and table.grand_total == 71
    assert table.column_totals == [19, 19, 13, 20]
    assert not lonely(bordered(table))


def test_small_totals_are_hidden_like_small_cells():
    table = protect_with_totals([[2, 2, 0, 0], [10, 12, 8, 9]])
    assert table.row_totals[0] is None  # four referrals in the year from this agency
    assert not lonely(bordered(table))


def test_published_column_totals_are_never_hidden_to_protect_a_cell():
    # Each quarter's total is printed in another table of the report, so hiding it here would
    # protect nothing: the second quarter's 10 must be protected by hiding a nought beside it.
    counts = [[3, 10, 0, 0], [0, 0, 8, 9], [5, 0, 7, 6]]
    table = protect_with_totals(counts, column_totals_published=True)
    assert table.column_totals == [8, 10, 15, 15]
    assert table.cells[0][1] is None and table.cells[1][1] is None  # 10 and a nought beside it
    assert not lonely(bordered(table))


@pytest.mark.parametrize(
    "counts",
    [
        [[1, 2, 3], [4, 5, 6], [7, 8, 9]],
        [[4, 50, 60, 70], [30, 40, 1, 90], [11, 12, 13, 14]],
        [[0, 0, 0, 7], [0, 3, 0, 0], [20, 0, 18, 0]],
        [[9, 9], [9, 3]],
        [[0, 0], [0, 0]],
    ],
)
@pytest.mark.parametrize("published", [False, True])
def test_no_hidden_cell_or_total_is_ever_alone_in_a_line(counts, published):
    table = protect_with_totals(counts, column_totals_published=published)
    assert not lonely(bordered(table))
    if published:
        small = [total for total in map(sum, zip(*counts, strict=True)) if 0 < total < 5]
        assert table.column_totals.count(None) == len(small)
