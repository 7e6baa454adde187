"""Small-number protection against tables worked out by hand, complementary cells included."""

from reports.suppression import suppress_count, suppress_table


def shown(table: list[list[int]], **options: bool) -> list[list[str]]:
    return [[str(c) for c in row] for row in suppress_table(table, **options)]


def test_counts_from_one_to_ten_are_hidden_and_zero_and_eleven_are_not() -> None:
    assert [suppress_count(n) for n in (0, 1, 10, 11)] == ["0", "<11", "<11", "11"]


def test_a_table_without_small_counts_is_shown_whole_with_its_totals() -> None:
    assert shown([[11, 20], [30, 40]]) == [
        ["11", "20", "31"],
        ["30", "40", "70"],
        ["41", "60", "101"],
    ]


def test_one_small_count_hides_enough_other_cells_that_no_total_gives_it_away() -> None:
    # 5 alone in its row would be 25 - 20; hiding 20 exposes column 2 (60 - 40) and hiding 5
    # exposes column 1 (35 - 30): so 30 and 40 go too, and every line hides two cells or none.
    assert shown([[5, 20], [30, 40]]) == [
        ["<11", "<11", "25"],
        ["<11", "<11", "70"],
        ["35", "60", "95"],
    ]


def test_complementary_cell_is_the_smallest_other_count_in_the_line() -> None:
    cells = suppress_table([[4, 50, 12, 30], [60, 70, 80, 90]], col_totals=False)
    assert [str(c) for c in cells[0]] == ["<11", "50", "<11", "30", "96"]
    assert cells[0][2].complementary and not cells[0][0].complementary
    assert [str(c) for c in cells[1]] == ["60", "70", "80", "90", "300"]


def test_a_small_total_is_hidden_and_its_line_protected_too() -> None:
    # Row 1 (3, 4, 7) hides all three; column 1 (3, 20, 23) and column 2 (4, 30, 34) each hide
    # a second cell (20, 30); then the totals column (7, 50, 57) hides 50.
    assert shown([[3, 4], [20, 30]]) == [
        ["<11", "<11", "<11"],
        ["<11", "<11", "<11"],
        ["23", "34", "57"],
    ]


def test_without_totals_nothing_can_be_subtracted_so_only_small_counts_are_hidden() -> None:
    assert shown([[5, 20], [30, 40]], row_totals=False, col_totals=False) == [
        ["<11", "20"],
        ["30", "40"],
    ]


def test_zero_is_hidden_only_when_no_other_count_can_protect_a_cell() -> None:
    assert shown([[0, 7]], col_totals=False) == [["0", "<11", "<11"]]
