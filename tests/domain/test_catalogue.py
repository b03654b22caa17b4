import pytest

from dashboard.cli import DATA_DIR
from dashboard.domain.catalogue import CatalogueError, parse_strategies, read_catalogue
from dashboard.domain.dose import describe_dose


def test_shipped_catalogue_has_five_strategies_with_seed_doses():
    strategies, templates = read_catalogue(DATA_DIR)
    assert [s.key for s in strategies] == [
        "stress_management", "stretch_strengthen", "heat_cold", "daily_habits",
        "professional_guidance"]
    parts = {p.key: p for s in strategies for p in s.parts}
    assert describe_dose(parts["heat"].dose).startswith("15-20 minutes")
    assert describe_dose(parts["cold"].dose).startswith("10-15 minutes")
    for key in ("heat", "cold"):
        assert "directly on the skin" in parts[key].cautions
        assert "numb or broken skin" in parts[key].cautions
        assert "asleep" in parts[key].cautions
    assert len(templates) >= 2
    assert {"Desk worker", "Acute flare-up", "High stress"} <= {t.name for t in templates}


def test_bad_dose_in_catalogue_is_refused_with_its_place():
    text = """
[[strategy]]
key = "s"
name = "S"
  [[strategy.part]]
  key = "p"
  name = "P"
  instructions = "Do it."
  dose = { kind = "timed", minutes_min = 500 }
"""
    with pytest.raises(CatalogueError, match="part 'p'"):
        parse_strategies(text)
