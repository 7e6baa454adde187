"""SUPRT in the instrument engine: sections, answer kinds, special answers and skip logic."""

from typing import Any

import pytest

from assessments import engine
from assessments.engine import Answer, ItemKind

A = engine.instrument("suprt_a")
C = engine.instrument("suprt_c")


def _item(instrument: engine.Instrument, key: str) -> engine.Item:
    found = instrument.item(key)
    assert found is not None
    return found


def test_suprt_files_load_with_sections_kinds_codes_and_a_why_for_every_item() -> None:
    assert [s.key for s in A.sections] == ["A", "B", "C", "D", "E", "F"]
    assert {i.kind for i in A.items} == set(ItemKind)  # every kind is used by SUPRT-A
    assert all(i.why("en") and i.why("es") and i.code for i in (*A.items, *C.items))
    codes = [i.code for i in (*A.items, *C.items)]
    assert len(codes) == len(set(codes))
    assert not A.listed and not C.listed and not A.has_total
    assert "NOT verified" in A.metadata["english_wording"]
    assert "tú" in C.metadata["spanish_wording"]


def test_suprt_stays_off_the_general_chooser_and_barc10_and_checkin_stay_on() -> None:
    assert {i.key for i in engine.instruments()} == {"barc10", "checkin"}
    assert {"suprt_a", "suprt_c"} <= set(engine.registry())


def test_prefer_not_to_say_is_an_answer_with_its_own_code_not_a_blank() -> None:
    cleaned = engine.check_answers(C, {"housing": Answer(value=-7)})
    assert cleaned["housing"] == Answer(value=-7) and not cleaned["housing"].is_blank
    assert engine.answer_words(_item(C, "housing"), cleaned["housing"], "en") == "Prefer not to say"
    assert (
        engine.answer_words(_item(C, "housing"), cleaned["housing"], "es") == "Prefiero no decirlo"
    )


def test_a_special_answer_an_item_does_not_offer_is_refused() -> None:
    with pytest.raises(engine.InvalidAnswer):
        engine.check_answers(C, {"housing": Answer(value=-8)})  # housing offers only -7


def test_skip_logic_shows_the_follow_up_only_after_the_answer_that_calls_for_it() -> None:
    renter = {"housing": Answer(value=1)}
    shelter = {"housing": Answer(value=4)}
    worry = _item(C, "housing_worry")
    assert engine.is_shown(C, worry, renter) and not engine.is_shown(C, worry, shelter)
    cleaned = engine.check_answers(C, {**shelter, "housing_worry": Answer(value=1)})
    assert cleaned["housing_worry"].is_blank  # an answer to a hidden question is dropped
    kept = engine.check_answers(C, {**renter, "housing_worry": Answer(value=1)})
    assert kept["housing_worry"] == Answer(value=1)


def test_a_multiple_choice_opens_its_follow_up_when_any_option_is_ticked() -> None:
    help_item = _item(C, "hardship_help")
    assert engine.is_shown(C, help_item, {"hardship": Answer(text="1;5")})
    assert not engine.is_shown(C, help_item, {"hardship": Answer(text="")})
    assert not engine.is_shown(C, help_item, {"hardship": Answer(value=-7)})


def test_section_f_is_left_out_at_baseline_after_suprt_c_was_begun_then_declined() -> None:
    birth = _item(A, "birth_month")
    baseline = {"assessment_type": Answer(value=1)}
    assert engine.is_shown(A, birth, {**baseline, "suprt_c_status": Answer(value=1)})
    assert not engine.is_shown(A, birth, {**baseline, "suprt_c_status": Answer(value=3)})
    assert not engine.is_shown(A, birth, {"assessment_type": Answer(value=2)})


def test_closeout_items_appear_only_at_closeout() -> None:
    reason = _item(A, "closeout_reason")
    assert engine.is_shown(A, reason, {"assessment_type": Answer(value=4)})
    assert not engine.is_shown(A, reason, {"assessment_type": Answer(value=1)})


@pytest.mark.parametrize(
    ("key", "answer", "stored"),
    [
        ("first_services_on", Answer(text="2026-03-05"), Answer(text="2026-03-05")),
        ("birth_month", Answer(text="1988-11"), Answer(text="1988-11")),
        ("peer_contacts", Answer(value=12), Answer(value=12)),
        ("grant_id", Answer(text="  TI-12345 "), Answer(text="TI-12345")),
        ("services", Answer(text="8;1;1"), Answer(text="1;8")),
        ("has_diagnosis", Answer(value=0), Answer(value=0)),
        ("peer_contacts", Answer(value=-8), Answer(value=-8)),
    ],
)
def test_each_answer_kind_is_checked_and_stored_in_one_form(key, answer, stored) -> None:
    answers = {"assessment_type": Answer(value=1), key: answer}
    assert engine.check_answers(A, answers)[key] == stored


@pytest.mark.parametrize(
    ("key", "answer"),
    [
        ("first_services_on", Answer(text="2026-02-30")),
        ("birth_month", Answer(text="1988-13")),
        ("peer_contacts", Answer(value=1000)),
        ("peer_contacts", Answer(text="ten")),
        ("services", Answer(text="1;99")),
        ("has_diagnosis", Answer(value=7)),
        ("grant_id", Answer(text="x" * 41)),
        ("grant_id", Answer(value=3)),
    ],
)
def test_malformed_answers_of_each_kind_are_refused(key, answer) -> None:
    with pytest.raises(engine.InvalidAnswer):
        engine.check_answers(A, {key: answer})


def test_answer_words_read_as_labels_never_codes() -> None:
    services = _item(A, "services")
    words = engine.answer_words(services, Answer(text="1;8"), "en")
    assert words == "Peer recovery support, Referral to treatment"
    assert engine.answer_words(_item(A, "birth_month"), Answer(text="1988-11"), "en") == "11/1988"


def test_a_condition_naming_a_later_item_is_a_clear_definition_error() -> None:
    raw: dict[str, Any] = {
        "key": "x",
        "version": "1",
        "languages": ["en"],
        "title": {"en": "X"},
        "scoring": {"rule": "none", "missing": "allowed"},
        "items": [
            {
                "key": "a",
                "text": {"en": "A"},
                "options": [{"value": 1, "label": {"en": "Yes"}}],
                "show_if": [{"item": "b", "values": [1]}],
            },
            {"key": "b", "text": {"en": "B"}, "kind": "text"},
        ],
    }
    with pytest.raises(engine.InstrumentDefinitionError, match="not an earlier item"):
        engine.parse(raw, source="x.toml")
    raw["items"][0]["show_if"] = []
    raw["items"][1]["kind"] = "colour"
    with pytest.raises(engine.InstrumentDefinitionError, match="kind must be one of"):
        engine.parse(raw, source="x.toml")
