"""The instrument engine: BARC-10 scoring edges and definition files that are checked on load."""

from pathlib import Path

import pytest

from assessments import engine

BARC10 = engine.instrument("barc10")
KEYS = [item.key for item in BARC10.items]


def _all(value: int | None) -> dict[str, int | None]:
    return dict.fromkeys(KEYS, value)


def test_barc10_all_ones_totals_ten_and_all_sixes_totals_sixty() -> None:
    assert engine.score(BARC10, _all(1)) == engine.Score(10, True, 10, 10)
    assert engine.score(BARC10, _all(6)) == engine.Score(60, True, 10, 10)


def test_barc10_with_one_item_missing_is_incomplete_with_no_total() -> None:
    answers = _all(5)
    answers["q7"] = None
    result = engine.score(BARC10, answers)
    assert (result.total, result.is_complete, result.answered) == (None, False, 9)
    del answers["q7"]  # left out entirely counts the same as skipped
    assert engine.score(BARC10, answers).total is None


@pytest.mark.parametrize("value", [0, 7, -1, 100])
def test_barc10_refuses_out_of_range_answers(value: int) -> None:
    answers = _all(3)
    answers["q2"] = value
    with pytest.raises(engine.InvalidAnswer):
        engine.score(BARC10, answers)


def test_unknown_items_and_non_numbers_are_refused() -> None:
    with pytest.raises(engine.InvalidAnswer):
        engine.score(BARC10, {**_all(3), "q11": 3})
    with pytest.raises(engine.InvalidAnswer):
        engine.score(BARC10, {**_all(3), "q1": "3"})  # type: ignore[dict-item]


def test_barc10_band_at_47_is_strong_recovery_capital_and_nothing_below_is_labelled() -> None:
    band = BARC10.band_for(47)
    assert band is not None and band.label("en") == "strong recovery capital"
    assert BARC10.band_for(46) is None
    assert BARC10.reference is band


def test_built_in_definitions_have_english_and_spanish_and_the_citation() -> None:
    assert {i.key for i in engine.instruments()} >= {"barc10", "checkin"}
    assert len(BARC10.items) == 10 and BARC10.minimum == 10 and BARC10.maximum == 60
    assert BARC10.items[0].text("es").startswith("Hay cosas más importantes")
    assert "Vilsaint" in BARC10.citation and "2017;177:71-76" in BARC10.citation
    assert "not a validated Spanish version" in BARC10.metadata["spanish_wording"]
    checkin = engine.instrument("checkin")
    assert not checkin.has_total
    assert engine.score(checkin, {"today": 4}).is_complete  # every check-in question is optional


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "broken.toml"
    path.write_text(text, encoding="utf-8")
    return path


GOOD = """
key = "tiny"
version = "1"
languages = ["en", "es"]
[title]
en = "Tiny"
es = "Pequeño"
[scoring]
rule = "sum"
missing = "no_total"
minimum = 1
maximum = 2
[[options]]
value = 1
label = { en = "No", es = "No" }
[[options]]
value = 2
label = { en = "Yes", es = "Sí" }
[[items]]
key = "a"
text = { en = "A statement", es = "Una frase" }
"""


def test_a_well_formed_file_loads(tmp_path: Path) -> None:
    tiny = engine.load_file(_write(tmp_path, GOOD))
    assert tiny.key == "tiny" and engine.score(tiny, {"a": 2}).total == 2


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (('es = "Una frase"', 'fr = "Une phrase"'), "items[1]: 'text' has no 'es' text"),
        (('rule = "sum"', 'rule = "average"'), "scoring.rule must be one of"),
        (("maximum = 2", "maximum = 3"), "scoring range 1-3 does not match the options (1-2)"),
        (('key = "a"', 'kee = "a"'), "items[1]: 'key' is missing or empty"),
        (("value = 2", "value = 1"), "two options share a value"),
        (('version = "1"', ""), "'version' is missing or empty"),
        (("[title]", "[title"), "not valid TOML"),
    ],
)
def test_a_malformed_definition_is_refused_with_a_clear_error(
    tmp_path: Path, change: tuple[str, str], message: str
) -> None:
    with pytest.raises(engine.InstrumentDefinitionError) as refused:
        engine.load_file(_write(tmp_path, GOOD.replace(*change, 1)))
    assert str(refused.value).startswith("broken.toml: ")
    assert message in str(refused.value)


def test_an_organization_directory_replaces_the_built_in_wording(tmp_path: Path, settings) -> None:
    source = (engine.BUILT_IN / "barc10.toml").read_text(encoding="utf-8")
    (tmp_path / "barc10.toml").write_text(
        source.replace('version = "1.0"', 'version = "org-2"').replace(
            "I get lots of support from friends.", "I get lots of support from my friends."
        ),
        encoding="utf-8",
    )
    settings.CAIRN_INSTRUMENTS_DIR = str(tmp_path)
    engine.registry.cache_clear()
    try:
        replaced = engine.instrument("barc10")
        assert replaced.version == "org-2"
        assert replaced.item("q5") is not None
        assert replaced.item("q5").text("en") == "I get lots of support from my friends."  # type: ignore[union-attr]
    finally:
        settings.CAIRN_INSTRUMENTS_DIR = ""
        engine.registry.cache_clear()
