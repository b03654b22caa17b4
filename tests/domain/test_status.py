import pytest

from dashboard.domain.status import pain_status, status_from


@pytest.mark.parametrize(
    ("pains", "expected"),
    [
        ([], "not_enough_data"),
        ([7], "not_enough_data"),
        ([7, 3], "improving"),  # -4 points, -57%
        ([7, 5], "stable"),  # -2 points but -28.6%, under the 30% the brief asks for
        ([10, 7], "improving"),  # -3 points, -30%
        ([3, 2], "stable"),  # -1 point from a low baseline is not meaningful
        ([4, 2], "improving"),  # -2 points, -50%
        ([9, 7], "stable"),  # -2 points but only -22%
        ([5, 7], "worsening"),
        ([5, 6], "stable"),
        ([2, 8, 9, 3], "stable"),  # only baseline and latest count
    ],
)
def test_status_rule_follows_the_product_brief(pains, expected):
    assert pain_status(pains).status == expected


def test_single_session_reports_its_pain_but_no_status():
    status = pain_status([6])
    assert status.status == "not_enough_data"
    assert status.latest == 6


def test_change_is_latest_minus_baseline():
    assert status_from(8, 3, 5).change == -5
    assert status_from(None, 3, 5).status == "not_enough_data"
