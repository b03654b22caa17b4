import datetime as dt

from dashboard.domain.csv_import import LikelyDuplicate, likely_duplicates, person_key

BORN = dt.date(1980, 1, 2)


def test_a_person_is_the_same_whatever_the_case_or_spacing_of_the_name():
    assert person_key(" Ann ", "van  der Berg", BORN) == person_key("ANN", "Van der berg", BORN)
    assert person_key("Ann", "Lee", BORN) != person_key("Ann", "Lee", dt.date(1980, 1, 3))


def test_duplicates_of_the_record_and_of_earlier_rows_are_named_by_spreadsheet_row():
    ann, bo, cy = (person_key(g, "Lee", BORN) for g in ("Ann", "Bo", "Cy"))
    found = likely_duplicates([ann, bo, bo, cy, bo], {ann: 7}, ["a", "b", "b2", "c", "b3"])
    assert found == [LikelyDuplicate(2, "a", 7, None), LikelyDuplicate(4, "b2", None, 3),
                     LikelyDuplicate(6, "b3", None, 3)]
    assert likely_duplicates([ann, bo], {}, ["a", "b"]) == []
